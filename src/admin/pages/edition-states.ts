// An edition's state in words, wherever the newsroom names it (the dashboard, the newsletters screen,
// the composer; admin.js keeps the same words for live updates).
export const EDITION_STATE: Record<string, string> = {
  draft: 'Draft, not scheduled',
  scheduled: 'Scheduled',
  sending: 'Sending now',
  paused: 'Paused',
  sent: 'Sent',
  cancelled: 'Cancelled',
};

export function editionState(status: string): string {
  return EDITION_STATE[status] ?? status;
}
