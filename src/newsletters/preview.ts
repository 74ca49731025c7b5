// An edition as its readers will get it, for the editor's eyes: the composer's preview frames and the
// test send. A draft or scheduled edition is rendered as it stands now; once sending has started the
// frozen rendering (what every recipient gets) is shown.
import type { Deps } from '../deps.ts';
import { editionContent, getEditionRow } from './editions.ts';
import { renderEditionEmail } from './render.ts';
import { SLOT_CLOSE, SLOT_OPEN } from './delivery/mime.ts';

export interface EditionPreview {
  html: string;
  text: string;
  subject: string;
  newsletter: Awaited<ReturnType<typeof editionContent>>['newsletter'];
}

/**
 * The preview's per-recipient values, for the editor's frames: the greeting a reader without a name
 * gets, and the public newsletters page for the links that are signed per reader when sent (the
 * frames showed the slots' raw markers, "⟦greeting⟧", before). Any other slot is left empty.
 */
export function withSampleRecipient(html: string, siteUrl: string): string {
  const values: Record<string, string> = { greeting: 'Hello,', unsubscribe_url: `${siteUrl}/newsletters`, preferences_url: `${siteUrl}/newsletters` };
  return html.replace(new RegExp(`${SLOT_OPEN}([a-z_]+)${SLOT_CLOSE}`, 'g'), (_m, key: string) => values[key] ?? '');
}

export async function editionPreview(deps: Pick<Deps, 'db' | 'config'>, editionId: number): Promise<EditionPreview> {
  const e = await getEditionRow(deps.db, editionId);
  const { newsletter, content } = await editionContent(deps, e);
  if (e.status === 'draft' || e.status === 'scheduled') return { ...renderEditionEmail(content), subject: e.subject, newsletter };
  const row = await deps.db.one<{ rendered_html: string; rendered_text: string }>(`SELECT rendered_html, rendered_text FROM editions WHERE id = $1`, [editionId]);
  return { html: row!.rendered_html, text: row!.rendered_text, subject: e.subject, newsletter };
}
