// Editions: built from the newsletter's rules (src/newsletters/selection.ts), edited by an editor
// (reorder, add, remove, intro, subject, schedule) while draft or scheduled, then sent by the delivery
// engine (src/newsletters/delivery/runner.ts). Plain domain functions for the admin UI, the Admin API,
// the CLI and the scheduler.
//
// Status: draft -> scheduled (an editor chose a time) -> sending -> sent; sending <-> paused;
// any unsent state -> cancelled. Starting a send freezes the rendered edition and creates one delivery
// row per confirmed, non-suppressed subscriber in one INSERT ... SELECT. Every status change goes
// through moveEdition, the one writer of editions.status (the engine's end of a send included).
import type { Db } from '../db/index.ts';
import type { Deps } from '../deps.ts';
import { ConflictError, NotFoundError, ValidationError } from '../platform/errors.ts';
import { getPublication } from '../publication/settings.ts';
import { CONTENT_CHANNEL } from '../platform/channels.ts';
import type { ArticleSummary } from '../articles/types.ts';
import { getNewsletter, getNewsletterBySlug, type Newsletter } from './newsletters.ts';
import { editionWindow, parseRules, selectStories } from './selection.ts';
import { renderEditionTiers } from './render.ts';
import { coverageOfArticles } from '../newswire/coverage/coverage.ts';

export type EditionStatus = 'draft' | 'scheduled' | 'sending' | 'paused' | 'sent' | 'cancelled';

export interface Edition {
  id: number;
  newsletter_id: number;
  number: number;
  subject: string;
  intro: string;
  status: EditionStatus;
  window_start: Date;
  window_end: Date;
  scheduled_at: Date | null;
  slot_at: Date | null;
  published_at: Date | null;
  send_started_at: Date | null;
  sent_at: Date | null;
  paused_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface EditionItem extends ArticleSummary {
  position: number;
  score: number | null;
  added_by: 'auto' | 'editor';
}

export interface EditionDetail extends Edition {
  newsletter: Newsletter;
  items: EditionItem[];
}

/** Delivery rows queued per statement when a send starts. */
const QUEUE_CHUNK = 5000;

/** Signals the scheduler in this process (and, on PostgreSQL, in others) that a send needs running. */
export const SENDS_CHANNEL = 'newsletter_sends';

const COLS = `e.id, e.newsletter_id, e.number, e.subject, e.intro, e.status, e.window_start, e.window_end, e.scheduled_at,
  e.slot_at, e.published_at, e.send_started_at, e.sent_at, e.paused_reason, e.created_at, e.updated_at`;

const ITEM_COLS = `
  a.id, a.slug, a.headline, a.dek, a.status, a.published_at, a.updated_at, a.editors_pick, a.feature_image_url, a.feature_image_alt, a.access,
  CASE WHEN f.id IS NULL THEN NULL ELSE json_build_object('slug', f.slug, 'name', f.name) END AS format,
  CASE WHEN s.id IS NULL THEN NULL ELSE json_build_object('slug', s.slug, 'name', s.name) END AS section,
  coalesce((SELECT json_agg(json_build_object('slug', au.slug, 'name', au.name) ORDER BY aa.position, au.name)
              FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = a.id), '[]'::json) AS authors,
  ei.position, ei.score, ei.added_by`;

const EDITABLE: EditionStatus[] = ['draft', 'scheduled'];

/** An SQL expression for `moveEdition`'s columns (never user input). */
const sql = (text: string) => ({ sql: text });

/**
 * The one writer of editions.status: moves an edition from one of `from` to `to`, setting the columns
 * that go with the move (values, or sql(...) expressions), only if `when` (SQL about edition $1)
 * holds. Returns the edition as it is now, or undefined if it was in none of `from`.
 */
async function moveEdition(
  db: Db,
  id: number,
  from: readonly EditionStatus[],
  to: EditionStatus,
  set: Record<string, unknown> = {},
  when = 'true',
): Promise<Edition | undefined> {
  const params: unknown[] = [id, to, from];
  const cols = Object.entries(set).map(([col, v]) => {
    if (v && typeof v === 'object' && 'sql' in v) return `${col} = ${(v as { sql: string }).sql}`;
    params.push(v);
    return `${col} = $${params.length}`;
  });
  return db.one<Edition>(
    `UPDATE editions e SET status = $2, ${[...cols, 'updated_at = now()'].join(', ')} WHERE id = $1 AND status = ANY($3::text[]) AND (${when}) RETURNING ${COLS}`,
    params,
  );
}

async function newsletterOf(db: Db, ref: number | string): Promise<Newsletter> {
  const n = typeof ref === 'number' ? await getNewsletter(db, ref) : await getNewsletterBySlug(db, ref);
  if (!n) throw new NotFoundError(`There is no newsletter ${typeof ref === 'number' ? `with id ${ref}` : `called “${ref}”`}.`);
  return n;
}

export async function getEditionRow(db: Db, id: number): Promise<Edition> {
  const e = await db.one<Edition>(`SELECT ${COLS} FROM editions e WHERE e.id = $1`, [id]);
  if (!e) throw new NotFoundError(`There is no edition with id ${id}.`);
  return e;
}

export async function editionItems(db: Db, editionId: number, publishedOnly = false): Promise<EditionItem[]> {
  return db.query<EditionItem>(
    `SELECT ${ITEM_COLS} FROM edition_items ei JOIN articles a ON a.id = ei.article_id
       LEFT JOIN formats f ON f.id = a.format_id LEFT JOIN sections s ON s.id = a.section_id
      WHERE ei.edition_id = $1 ${publishedOnly ? `AND a.status = 'published'` : ''} ORDER BY ei.position, a.id`,
    [editionId],
  );
}

export async function getEdition(db: Db, id: number): Promise<EditionDetail> {
  const e = await getEditionRow(db, id);
  const [newsletter, items] = await Promise.all([newsletterOf(db, e.newsletter_id), editionItems(db, id)]);
  return { ...e, newsletter, items };
}

/** An edition by newsletter slug and number (the web URL). */
export async function getEditionByNumber(db: Db, slug: string, number: number): Promise<Edition | undefined> {
  return db.one<Edition>(`SELECT ${COLS} FROM editions e JOIN newsletters n ON n.id = e.newsletter_id WHERE n.slug = $1 AND e.number = $2`, [slug, number]);
}

export async function listEditions(
  db: Db,
  opts: { newsletter?: number | string; status?: EditionStatus[]; publishedOnly?: boolean; limit?: number; offset?: number } = {},
): Promise<Edition[]> {
  const nl = opts.newsletter === undefined ? null : (await newsletterOf(db, opts.newsletter)).id;
  return db.query<Edition>(
    `SELECT ${COLS} FROM editions e
      WHERE ($1::int IS NULL OR e.newsletter_id = $1) AND ($2::text[] IS NULL OR e.status = ANY($2::text[]))
        AND (NOT $3::boolean OR e.published_at IS NOT NULL)
      ORDER BY e.newsletter_id, e.number DESC LIMIT $4 OFFSET $5`,
    [nl, opts.status ?? null, opts.publishedOnly ?? false, opts.limit ?? 50, opts.offset ?? 0],
  );
}

export async function countPublishedEditions(db: Db, newsletterId: number): Promise<number> {
  const r = await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM editions WHERE newsletter_id = $1 AND published_at IS NOT NULL`, [newsletterId]);
  return r?.n ?? 0;
}

/** The newsletter's edition that is built but not yet sending (draft or scheduled), if any. */
export async function pendingEdition(db: Db, newsletter: number | string): Promise<Edition | undefined> {
  const n = await newsletterOf(db, newsletter);
  return db.one<Edition>(`SELECT ${COLS} FROM editions e WHERE e.newsletter_id = $1 AND e.status IN ('draft', 'scheduled') ORDER BY e.number DESC LIMIT 1`, [n.id]);
}

/**
 * Build a new draft edition of a newsletter from its rules: the window since the last edition, the
 * ranked stories, a subject from the top story. Refuses while another edition is pending, so two
 * drafts never pick from the same window.
 */
export async function buildEdition(deps: Pick<Deps, 'db' | 'clock'>, newsletter: number | string, opts: { slotAt?: Date } = {}): Promise<EditionDetail> {
  const { db } = deps;
  const n = await newsletterOf(db, newsletter);
  const now = deps.clock.now();
  const id = await db.tx(async (tx) => {
    // One builder at a time per newsletter (numbers and windows are sequential).
    await tx.query(`SELECT id FROM newsletters WHERE id = $1 FOR UPDATE`, [n.id]);
    const pending = await tx.one<{ number: number }>(`SELECT number FROM editions WHERE newsletter_id = $1 AND status IN ('draft', 'scheduled') LIMIT 1`, [n.id]);
    if (pending) throw new ConflictError(`Edition No. ${pending.number} of ${n.name} is still waiting to be sent: edit and send it, or cancel it, before building another.`);
    const rules = parseRules(n);
    const window = await editionWindow(tx, n, rules, now);
    const stories = await selectStories(tx, n, rules, window);
    const top = stories.length ? await tx.one<{ headline: string }>(`SELECT headline FROM articles WHERE id = $1`, [stories[0]!.id]) : undefined;
    const subject = top ? `${n.name}: ${top.headline}` : n.name;
    const row = await tx.one<{ id: number }>(
      `INSERT INTO editions (newsletter_id, number, subject, window_start, window_end, slot_at)
       VALUES ($1, (SELECT coalesce(max(number), 0) + 1 FROM editions WHERE newsletter_id = $1), $2, $3, $4, $5)
       RETURNING id`,
      [n.id, subject.slice(0, 300), window.start, window.end, opts.slotAt ?? null],
    );
    if (stories.length) {
      await tx.query(
        `INSERT INTO edition_items (edition_id, article_id, position, score)
         SELECT $1, x.article_id, x.ord, x.score FROM unnest($2::int[], $3::float8[]) WITH ORDINALITY AS x(article_id, score, ord)`,
        [row!.id, stories.map((s) => s.id), stories.map((s) => s.score)],
      );
    }
    return row!.id;
  });
  return getEdition(db, id);
}

/**
 * Remove a draft that holds nothing an editor made: no stories, no intro, no schedule. `editions
 * send` discards the empty draft a build with no stories leaves, and one left earlier, so it never
 * blocks a later build. Returns whether it was removed (a draft with anything in it stays).
 */
export async function discardEmptyDraft(db: Db, editionId: number): Promise<boolean> {
  const rows = await db.query<{ id: number }>(
    `DELETE FROM editions e WHERE e.id = $1 AND e.status = 'draft' AND e.slot_at IS NULL AND coalesce(trim(e.intro), '') = ''
        AND NOT EXISTS (SELECT 1 FROM edition_items i WHERE i.edition_id = e.id) RETURNING e.id`,
    [editionId],
  );
  return rows.length > 0;
}

async function editable(db: Db, id: number): Promise<Edition> {
  const e = await db.one<Edition>(`SELECT ${COLS} FROM editions e WHERE e.id = $1 FOR UPDATE`, [id]);
  if (!e) throw new NotFoundError(`There is no edition with id ${id}.`);
  if (!EDITABLE.includes(e.status)) throw new ConflictError(`Edition No. ${e.number} is ${e.status}; only a draft or scheduled edition can be changed.`);
  return e;
}

const touch = (db: Db, id: number) => db.query(`UPDATE editions SET updated_at = now() WHERE id = $1`, [id]);

/** Put the edition's stories in this order; the list must name exactly the stories it has. */
export async function reorderItems(db: Db, editionId: number, articleIds: number[]): Promise<EditionItem[]> {
  await db.tx(async (tx) => {
    await editable(tx, editionId);
    const current = (await tx.query<{ article_id: number }>(`SELECT article_id FROM edition_items WHERE edition_id = $1`, [editionId])).map((r) => r.article_id);
    const given = new Set(articleIds);
    if (given.size !== articleIds.length || given.size !== current.length || !current.every((id) => given.has(id))) {
      throw new ValidationError('Give every story of the edition once, in the new order.', { articleIds: `expected the ids ${current.sort((a, b) => a - b).join(', ')} in any order` });
    }
    await tx.query(
      `UPDATE edition_items ei SET position = x.ord FROM unnest($2::int[]) WITH ORDINALITY AS x(article_id, ord)
        WHERE ei.edition_id = $1 AND ei.article_id = x.article_id`,
      [editionId, articleIds],
    );
    await touch(tx, editionId);
  });
  return editionItems(db, editionId);
}

/** Add a published story, at `position` (1-based; default last). */
export async function addItem(db: Db, editionId: number, articleId: number, position?: number): Promise<EditionItem[]> {
  await db.tx(async (tx) => {
    await editable(tx, editionId);
    const a = await tx.one<{ status: string; headline: string }>(`SELECT status, headline FROM articles WHERE id = $1`, [articleId]);
    if (!a) throw new NotFoundError(`There is no article with id ${articleId}.`);
    if (a.status !== 'published') throw new ValidationError(`“${a.headline}” is not published; only published stories can go in an edition.`, { articleId: 'not published' });
    const ids = (await tx.query<{ article_id: number }>(`SELECT article_id FROM edition_items WHERE edition_id = $1 ORDER BY position, article_id`, [editionId])).map((r) => r.article_id);
    if (ids.includes(articleId)) throw new ConflictError(`“${a.headline}” is already in this edition.`);
    if (ids.length >= 50) throw new ValidationError('An edition holds at most 50 stories.', { articleId: 'too many' });
    const at = position === undefined ? ids.length : Math.max(0, Math.min(ids.length, Math.floor(position) - 1));
    ids.splice(at, 0, articleId);
    await tx.query(`INSERT INTO edition_items (edition_id, article_id, position, added_by) VALUES ($1, $2, 0, 'editor')`, [editionId, articleId]);
    await tx.query(
      `UPDATE edition_items ei SET position = x.ord FROM unnest($2::int[]) WITH ORDINALITY AS x(article_id, ord)
        WHERE ei.edition_id = $1 AND ei.article_id = x.article_id`,
      [editionId, ids],
    );
    await touch(tx, editionId);
  });
  return editionItems(db, editionId);
}

export async function removeItem(db: Db, editionId: number, articleId: number): Promise<EditionItem[]> {
  await db.tx(async (tx) => {
    await editable(tx, editionId);
    const r = await tx.query(`DELETE FROM edition_items WHERE edition_id = $1 AND article_id = $2 RETURNING article_id`, [editionId, articleId]);
    if (!r.length) throw new NotFoundError(`Story ${articleId} is not in this edition.`);
    await touch(tx, editionId);
  });
  return editionItems(db, editionId);
}

/** The editor's intro, in Markdown (sanitised when rendered). */
export async function setIntro(db: Db, editionId: number, intro: string): Promise<Edition> {
  if (typeof intro !== 'string' || intro.length > 20_000) throw new ValidationError('The intro must be text of at most 20,000 characters.', { intro: 'too long' });
  return db.tx(async (tx) => {
    await editable(tx, editionId);
    await tx.query(`UPDATE editions SET intro = $2, updated_at = now() WHERE id = $1`, [editionId, intro.trim()]);
    return getEditionRow(tx, editionId);
  });
}

export async function setSubject(db: Db, editionId: number, subject: string): Promise<Edition> {
  const s = typeof subject === 'string' ? subject.replace(/\s+/g, ' ').trim() : '';
  if (!s || s.length > 300) throw new ValidationError('Give the edition a subject line of at most 300 characters.', { subject: s ? 'too long' : 'required' });
  return db.tx(async (tx) => {
    await editable(tx, editionId);
    await tx.query(`UPDATE editions SET subject = $2, updated_at = now() WHERE id = $1`, [editionId, s]);
    return getEditionRow(tx, editionId);
  });
}

/** Send at `at` (in the future); null turns a scheduled edition back into a draft. */
export async function scheduleEdition(deps: Pick<Deps, 'db' | 'clock'>, editionId: number, at: Date | null): Promise<Edition> {
  if (at !== null && (!(at instanceof Date) || Number.isNaN(at.getTime()))) throw new ValidationError('Give a valid date and time.', { at: 'invalid' });
  if (at && at.getTime() <= deps.clock.now().getTime()) throw new ValidationError('The send time must be in the future; to send now, start the send.', { at: 'in the past' });
  const e = await deps.db.tx(async (tx) => {
    await editable(tx, editionId);
    await moveEdition(tx, editionId, EDITABLE, at ? 'scheduled' : 'draft', { scheduled_at: at, paused_reason: null });
    return getEditionRow(tx, editionId);
  });
  await deps.db.notify(SENDS_CHANNEL, String(editionId));
  return e;
}

/**
 * Edition items with each story's text (the whole body and the lead-in): what the email versions and
 * the edition's web page choose from by access level (THE access rule decides, at render time).
 */
export async function withBodies<T extends { id: number }>(db: Db, items: T[]): Promise<Array<T & { body_html: string; lead_html: string | null }>> {
  const bodies = new Map(
    (await db.query<{ id: number; body_html: string; lead_html: string | null }>(`SELECT id, body_html, lead_html FROM articles WHERE id = ANY($1::int[])`, [items.map((i) => i.id)])).map((b) => [b.id, b]),
  );
  return items.map((i) => ({ ...i, body_html: bodies.get(i.id)?.body_html ?? '', lead_html: bodies.get(i.id)?.lead_html ?? null }));
}

/** Everything the renderer needs for an edition (current items; published stories only). */
export async function editionContent(deps: Pick<Deps, 'db' | 'config'>, e: Edition) {
  // One after another: inside a transaction these share one connection.
  const newsletter = await newsletterOf(deps.db, e.newsletter_id);
  const listed = await editionItems(deps.db, e.id, true);
  // Each story's text, for the versions of the email by access level (render.ts decides what goes in).
  const items = await withBodies(deps.db, listed);
  const pub = await getPublication(deps.db, deps.config);
  // How each story was covered on the wire, for the articles linked to a wire story.
  const coverage = Object.fromEntries(await coverageOfArticles(deps.db, items.map((i) => i.id)));
  return {
    newsletter,
    content: {
      publication: { name: pub.name, siteUrl: deps.config.siteUrl, timeZone: pub.timeZone, locale: pub.locale, accentColor: pub.accentColor },
      newsletter: { slug: newsletter.slug, name: newsletter.name, description: newsletter.description },
      edition: { number: e.number, subject: e.subject, intro: e.intro, date: e.send_started_at ?? e.scheduled_at ?? e.window_end },
      items,
      coverage,
    },
  };
}

/**
 * Start sending: freeze the rendered edition, queue one delivery per confirmed, non-suppressed
 * subscriber, publish the edition on the web. The engine (runSend) does the sending; the server's
 * scheduler picks the edition up at once, or `newsdesk editions send` runs it.
 */
export async function startSend(deps: Pick<Deps, 'db' | 'config' | 'clock'>, editionId: number): Promise<{ edition: Edition; queued: number }> {
  const now = deps.clock.now();
  const result = await deps.db.tx(async (tx) => {
    const e = await tx.one<Edition>(`SELECT ${COLS} FROM editions e WHERE e.id = $1 FOR UPDATE`, [editionId]);
    if (!e) throw new NotFoundError(`There is no edition with id ${editionId}.`);
    if (e.status === 'paused') throw new ConflictError(`Edition No. ${e.number} is paused; resume it instead.`);
    if (!EDITABLE.includes(e.status)) throw new ConflictError(`Edition No. ${e.number} is already ${e.status}.`);
    const { content } = await editionContent({ db: tx, config: deps.config }, { ...e, send_started_at: now });
    if (!content.items.length) throw new ValidationError(`Edition No. ${e.number} has no stories: add at least one before sending.`, { items: 'empty' });
    // Frozen once per access level (src/newsletters/render.ts): the engine sends each recipient theirs.
    const tiers = renderEditionTiers(content);
    await moveEdition(tx, editionId, EDITABLE, 'sending', {
      rendered_html: tiers.anonymous.html,
      rendered_text: tiers.anonymous.text,
      rendered_tiers: JSON.stringify({ member: tiers.member, paid: tiers.paid }),
      send_started_at: now,
      published_at: e.published_at ?? now,
      paused_reason: null,
    });
    // In chunks of QUEUE_CHUNK subscribers, in person order through subscriptions_confirmed_idx: on
    // PGlite the WASM heap grows to fit the largest statement and never gives the memory back, and
    // one INSERT ... SELECT of 100,000 rows is such a statement in the serving process.
    let queued = 0;
    for (let last = 0; ; ) {
      const r = await tx.one<{ n: number; taken: number; last: number | null }>(
        `WITH chunk AS (
           SELECT s.person_id FROM subscriptions s JOIN people p ON p.id = s.person_id
            WHERE s.newsletter_id = $2 AND s.status = 'confirmed' AND p.suppressed_at IS NULL AND s.person_id > $3
            ORDER BY s.person_id LIMIT $4),
         ins AS (
           INSERT INTO deliveries (edition_id, person_id) SELECT $1, person_id FROM chunk ORDER BY person_id
           ON CONFLICT (edition_id, person_id) DO NOTHING RETURNING 1)
         SELECT (SELECT count(*) FROM ins)::int AS n, (SELECT count(*) FROM chunk)::int AS taken, (SELECT max(person_id) FROM chunk) AS last`,
        [editionId, e.newsletter_id, last, QUEUE_CHUNK],
      );
      queued += r?.n ?? 0;
      if (!r || r.taken < QUEUE_CHUNK || r.last === null) break;
      last = Number(r.last);
    }
    await tx.notify(CONTENT_CHANNEL, 'edition');
    return { edition: await getEditionRow(tx, editionId), queued };
  });
  // Up to a few hundred thousand rows just arrived and the send reads them at once: fresh statistics
  // keep its batch reads on the (edition_id, id) index. PGlite never analyses by itself, and a
  // server's autovacuum would only get to it within the minute.
  // An optimisation only: the send is already committed, so a failure here must not look like the
  // send failing (the hourly maintenance analyses later).
  if (result.queued > 1000) await deps.db.query('ANALYZE deliveries').catch(() => {});
  await deps.db.notify(SENDS_CHANNEL, String(editionId));
  return result;
}

export async function pauseSend(db: Db, editionId: number, reason = 'Paused by an editor'): Promise<Edition> {
  const r = await moveEdition(db, editionId, ['sending'], 'paused', { paused_reason: reason });
  if (!r) throw new ConflictError(`Edition ${editionId} is not sending (${(await getEditionRow(db, editionId)).status}); only a send in progress can be paused.`);
  // The running send stops before its next message (here, or through LISTEN in another process).
  await db.notify(SENDS_CHANNEL, String(editionId));
  return r;
}

export async function resumeSend(db: Db, editionId: number): Promise<Edition> {
  const r = await moveEdition(db, editionId, ['paused'], 'sending', { paused_reason: null });
  if (!r) throw new ConflictError(`Edition ${editionId} is not paused (${(await getEditionRow(db, editionId)).status}).`);
  await db.notify(SENDS_CHANNEL, String(editionId));
  return r;
}

/** Stop for good: deliveries not yet sent are not sent. A sent edition cannot be cancelled. */
export async function cancelSend(db: Db, editionId: number): Promise<Edition> {
  const r = await moveEdition(db, editionId, ['draft', 'scheduled', 'sending', 'paused'], 'cancelled');
  if (!r) throw new ConflictError(`Edition ${editionId} is ${(await getEditionRow(db, editionId)).status} and cannot be cancelled.`);
  await db.notify(SENDS_CHANNEL, String(editionId));
  return r;
}

/** The delivery engine's end of a send: 'sent' once none of its deliveries is queued. */
export async function finishSend(db: Db, editionId: number): Promise<boolean> {
  const r = await moveEdition(db, editionId, ['sending'], 'sent', { sent_at: sql('now()') }, `NOT EXISTS (SELECT 1 FROM deliveries WHERE edition_id = $1 AND status = 'queued')`);
  return !!r;
}

/** A scheduled edition that cannot go at its time goes back to draft, with the reason for its editor. */
export async function unscheduleEdition(db: Db, editionId: number, reason: string): Promise<boolean> {
  return !!(await moveEdition(db, editionId, ['scheduled'], 'draft', { scheduled_at: null, paused_reason: reason }));
}

export interface SendStatus {
  editionId: number;
  number: number;
  status: EditionStatus;
  pausedReason: string | null;
  total: number;
  queued: number;
  sent: number;
  failed: number;
  skipped: number;
}

/** Live counts of an edition's deliveries (for the app and the CLI). */
export async function sendStatus(db: Db, editionId: number): Promise<SendStatus> {
  const e = await getEditionRow(db, editionId);
  const rows = await db.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM deliveries WHERE edition_id = $1 GROUP BY status`, [editionId]);
  const c: Record<string, number> = Object.fromEntries(rows.map((r) => [r.status, r.n]));
  const s = { queued: c.queued ?? 0, sent: c.sent ?? 0, failed: c.failed ?? 0, skipped: c.skipped ?? 0 };
  return { editionId, number: e.number, status: e.status, pausedReason: e.paused_reason, total: s.queued + s.sent + s.failed + s.skipped, ...s };
}
