// An edition as its readers will get it, for the editor's eyes: the composer's preview frames and the
// test send. A draft or scheduled edition is rendered as it stands now; once sending has started the
// frozen rendering (what every recipient gets) is shown.
import type { Deps } from '../deps.ts';
import { editionContent, getEditionRow } from './editions.ts';
import { renderEditionEmail } from './render.ts';

export interface EditionPreview {
  html: string;
  text: string;
  subject: string;
  newsletter: Awaited<ReturnType<typeof editionContent>>['newsletter'];
}

export async function editionPreview(deps: Pick<Deps, 'db' | 'config'>, editionId: number): Promise<EditionPreview> {
  const e = await getEditionRow(deps.db, editionId);
  const { newsletter, content } = await editionContent(deps, e);
  if (e.status === 'draft' || e.status === 'scheduled') return { ...renderEditionEmail(content), subject: e.subject, newsletter };
  const row = await deps.db.one<{ rendered_html: string; rendered_text: string }>(`SELECT rendered_html, rendered_text FROM editions WHERE id = $1`, [editionId]);
  return { html: row!.rendered_html, text: row!.rendered_text, subject: e.subject, newsletter };
}
