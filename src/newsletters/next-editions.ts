// What the newsroom's dashboard and newsletter screen say about newsletters: for each active newsletter, its next edition (the
// earliest one not yet sent, whatever its state) or, when there is none, the last one sent.
import type { Deps } from '../deps.ts';
import { listNewsletters, type Newsletter } from './newsletters.ts';

export interface EditionSummary {
  id: number;
  number: number;
  subject: string;
  status: string;
  scheduled_at: Date | null;
  slot_at: Date | null;
  sent_at: Date | null;
}

export interface NewsletterState {
  newsletter: Newsletter;
  next: EditionSummary | null;
  lastSent: EditionSummary | null;
}

export async function nextEditions(deps: Deps): Promise<NewsletterState[]> {
  const newsletters = await listNewsletters(deps.db, { activeOnly: true });
  if (!newsletters.length) return [];
  const rows = await deps.db.query<EditionSummary & { newsletter_id: number; kind: 'next' | 'last' }>(
    `SELECT * FROM (
       SELECT DISTINCT ON (newsletter_id) 'next' AS kind, newsletter_id, id, number, subject, status, scheduled_at, slot_at, sent_at
         FROM editions WHERE status IN ('draft', 'scheduled', 'sending', 'paused')
        ORDER BY newsletter_id, coalesce(scheduled_at, slot_at, created_at), id) n
     UNION ALL
     SELECT * FROM (
       SELECT DISTINCT ON (newsletter_id) 'last' AS kind, newsletter_id, id, number, subject, status, scheduled_at, slot_at, sent_at
         FROM editions WHERE status = 'sent' ORDER BY newsletter_id, sent_at DESC, id DESC) l`,
  );
  return newsletters.map((n) => ({
    newsletter: n,
    next: rows.find((r) => r.newsletter_id === n.id && r.kind === 'next') ?? null,
    lastSent: rows.find((r) => r.newsletter_id === n.id && r.kind === 'last') ?? null,
  }));
}
