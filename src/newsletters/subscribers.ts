// Subscribers for the newsroom, the Admin API and the command line: list and search with counts,
// add, unsubscribe, delete (really: the person row, their subscriptions, deliveries and mail events),
// import from CSV and export to CSV.
import { Readable } from 'node:stream';
import { lazyPackage } from '../platform/lazy.ts';
import { fromSpreadsheetSafe, toSafeCsv } from '../platform/csv.ts';
import type { Db } from '../db/index.ts';
import type { Deps } from '../deps.ts';
import { NotFoundError, ValidationError } from '../platform/errors.ts';
import { emitWebhookEvents, hasWebhookListeners } from '../webhooks/emit.ts';
import { getNewsletterBySlug, listNewsletters } from './newsletters.ts';
import { parseEmail, parseName, queueVerifications, resolveNewsletters, signup, textProblem, unsubscribe } from './signup.ts';

// csv-parse loads on the first CSV read (src/platform/lazy.ts), not at start-up.
const csvSync = lazyPackage<typeof import('csv-parse/sync')>('csv-parse/sync');
const csvStream = lazyPackage<typeof import('csv-parse')>('csv-parse');


export { unsubscribe };

export interface SubscriberRow {
  id: number;
  email: string;
  name: string;
  created_at: Date;
  suppressed_at: Date | null;
  suppressed_reason: string | null;
  /** slug -> status */
  subscriptions: Record<string, 'pending' | 'confirmed' | 'unsubscribed'>;
}

export interface ListSubscribersOptions {
  newsletter?: string;
  status?: 'pending' | 'confirmed' | 'unsubscribed';
  /** Part of an email address or name. */
  q?: string;
  limit?: number;
  offset?: number;
}

/** People with subscriptions, newest first, filtered; with the total for paging. */
export async function listSubscribers(db: Db, opts: ListSubscribersOptions = {}): Promise<{ rows: SubscriberRow[]; total: number }> {
  const where: string[] = ['EXISTS (SELECT 1 FROM subscriptions s0 JOIN newsletters n0 ON n0.id = s0.newsletter_id WHERE s0.person_id = p.id AND ($1::text IS NULL OR n0.slug = $1) AND ($2::text IS NULL OR s0.status = $2))'];
  const params: unknown[] = [opts.newsletter ?? null, opts.status ?? null];
  if (opts.q?.trim()) {
    params.push(`%${opts.q.trim().toLowerCase().replace(/[\\%_]/g, '\\$&')}%`);
    where.push(`(p.email_normalized LIKE $${params.length} OR lower(p.name) LIKE $${params.length})`);
  }
  const total = (await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM people p WHERE ${where.join(' AND ')}`, params))!.n;
  params.push(Math.min(opts.limit ?? 50, 1000), opts.offset ?? 0);
  const rows = await db.query<SubscriberRow>(
    `SELECT p.id, p.email, p.name, p.created_at, p.suppressed_at, p.suppressed_reason,
            coalesce((SELECT jsonb_object_agg(n.slug, s.status) FROM subscriptions s JOIN newsletters n ON n.id = s.newsletter_id WHERE s.person_id = p.id), '{}') AS subscriptions
       FROM people p WHERE ${where.join(' AND ')}
      ORDER BY p.created_at DESC, p.id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return { rows, total };
}

export interface NewsletterCounts {
  slug: string;
  name: string;
  pending: number;
  confirmed: number;
  unsubscribed: number;
  /** Confirmed but suppressed (bounced or complained): not mailed. */
  suppressed: number;
}

export async function subscriberCounts(db: Db): Promise<NewsletterCounts[]> {
  return db.query<NewsletterCounts>(
    `SELECT n.slug, n.name,
            count(*) FILTER (WHERE s.status = 'pending')::int AS pending,
            count(*) FILTER (WHERE s.status = 'confirmed' AND p.suppressed_at IS NULL)::int AS confirmed,
            count(*) FILTER (WHERE s.status = 'unsubscribed')::int AS unsubscribed,
            count(*) FILTER (WHERE s.status = 'confirmed' AND p.suppressed_at IS NOT NULL)::int AS suppressed
       FROM newsletters n
       LEFT JOIN subscriptions s ON s.newsletter_id = n.id
       LEFT JOIN people p ON p.id = s.person_id
      GROUP BY n.id ORDER BY n.position, n.id`,
  );
}

/**
 * Add a subscriber from the newsroom or the Admin API. `confirmed` records consent given elsewhere
 * (skips double opt-in); otherwise this is a sign-up with its verification email.
 */
export async function addSubscriber(
  deps: Pick<Deps, 'db' | 'clock'>,
  input: { email: unknown; name?: unknown; newsletters: string[]; confirmed?: boolean; consentAt?: Date; source?: 'admin' | 'api' },
): Promise<{ personId: number }> {
  if (!input.confirmed) {
    const r = await signup(deps, { email: input.email, name: input.name, newsletters: input.newsletters, source: input.source ?? 'admin' });
    return { personId: r.personId };
  }
  const name = parseName(input.name);
  const r = await importRows(deps, [{ line: 0, email: String(input.email ?? ''), name, newsletters: input.newsletters, consentAt: input.consentAt ?? null }], { confirmed: true, source: input.source ?? 'admin' });
  if (r.errors.length) throw new ValidationError(r.errors[0]!.message, { email: 'invalid' });
  const person = await db1(deps.db, String(input.email));
  return { personId: person!.id };
}

async function db1(db: Db, email: string) {
  return db.one<{ id: number }>(`SELECT id FROM people WHERE email_normalized = $1`, [parseEmail(email).normalized]);
}

/** Delete a person for good: people row, subscriptions, deliveries, mail events (by id and address). */
/** The person with this address (compared as stored: trimmed, lower-case), if any. */
export async function findPersonIdByEmail(db: Db, email: string): Promise<number | null> {
  const p = await db.one<{ id: number }>(`SELECT id FROM people WHERE email_normalized = lower(trim($1))`, [email]);
  return p?.id ?? null;
}

export async function deleteSubscriber(db: Db, email: string): Promise<{ deleted: boolean }> {
  const { normalized } = parseEmail(email);
  return db.tx(async (tx) => {
    const person = await tx.one<{ id: number }>(`SELECT id FROM people WHERE email_normalized = $1`, [normalized]);
    await tx.query(`DELETE FROM mail_events WHERE email_normalized = $1 OR person_id = $2`, [normalized, person?.id ?? null]);
    if (!person) return { deleted: false };
    await tx.query(`DELETE FROM jobs WHERE status = 'queued' AND payload->>'personId' = $1`, [String(person.id)]);
    await tx.query(`DELETE FROM people WHERE id = $1`, [person.id]);
    return { deleted: true };
  });
}

// ---------------------------------------------------------------------------------------------
// CSV import

const HEADER_ALIASES: Record<string, string[]> = {
  email: ['email', 'e-mail', 'email address', 'e-mail address', 'emailaddress', 'email_address', 'mail', 'address', 'subscriber'],
  name: ['name', 'full name', 'fullname', 'full_name', 'display name', 'subscriber name'],
  first: ['first name', 'firstname', 'first_name', 'given name'],
  last: ['last name', 'lastname', 'last_name', 'surname', 'family name'],
  newsletters: ['newsletters', 'newsletter', 'lists', 'list', 'labels', 'subscriptions'],
  consent: ['consent', 'consent time', 'consent_time', 'consent at', 'consent_at', 'consented at', 'opt-in time', 'optin_time', 'opt in time', 'confirm_time', 'confirmed at', 'confirmed_at', 'subscribed at', 'subscribed_at', 'created_at', 'created', 'signup date', 'date added'],
};

function normalizeHeader(h: string): string {
  return h.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/\s+/g, ' ');
}

export interface ImportRow {
  line: number;
  email: string;
  name: string;
  newsletters: string[];
  consentAt: Date | null;
}

export interface ImportError {
  line: number;
  message: string;
}

/** Which column holds what, from the header line; a file without an email column is refused. */
function headerColumns(first: string[]): Record<string, number> {
  const header = first.map(normalizeHeader);
  const col: Record<string, number> = {};
  for (const [key, aliases] of Object.entries(HEADER_ALIASES)) {
    const i = header.findIndex((h) => aliases.includes(h));
    if (i >= 0) col[key] = i;
  }
  if (col.email === undefined) {
    throw new ValidationError(`The first line must name the columns, with one for the email address (for example "email"). Found: ${first.join(', ')}`);
  }
  return col;
}

/** One record of the file as a row to import, or the reason it is skipped. */
function recordRow(r: string[], col: Record<string, number>, line: number): ImportRow | ImportError {
  // Our own exports write cells that would start a formula with a leading apostrophe: take it off.
  const get = (k: string) => (col[k] !== undefined ? fromSpreadsheetSafe((r[col[k]!] ?? '').trim()) : '');
  const email = get('email');
  if (!email) return { line, message: 'no email address' };
  let consentAt: Date | null = null;
  const c = get('consent');
  if (c) {
    const d = /^\d{9,11}$/.test(c) ? new Date(Number(c) * 1000) : new Date(c);
    if (Number.isNaN(d.getTime())) return { line, message: `the consent time "${c}" is not a date (use e.g. 2024-03-01T09:30:00Z)` };
    consentAt = d;
  }
  const name = get('name') || [get('first'), get('last')].filter(Boolean).join(' ');
  const newsletters = get('newsletters').split(/[;,|]/).map((s) => s.trim().toLowerCase()).filter(Boolean);
  return { line, email, name, newsletters, consentAt };
}

const CSV_OPTIONS = { bom: true, relax_column_count: true, skip_empty_lines: true, trim: true } as const;

/** Read a CSV export from another tool: flexible headers, one row per address. */
export function readSubscriberCsv(text: string): { rows: ImportRow[]; errors: ImportError[] } {
  let records: string[][];
  try {
    records = csvSync().parse(text, CSV_OPTIONS);
  } catch (e) {
    throw new ValidationError(`The file is not readable CSV: ${(e as Error).message}`);
  }
  if (!records.length) throw new ValidationError('The file is empty.');
  const col = headerColumns(records[0]!);
  const rows: ImportRow[] = [];
  const errors: ImportError[] = [];
  records.slice(1).forEach((r, i) => {
    const row = recordRow(r, col, i + 2);
    if ('message' in row) errors.push(row);
    else rows.push(row);
  });
  return { rows, errors };
}

/** Where a CSV import reads from: the text itself, or a way to open the file (read twice, streaming). */
export type CsvSource = string | (() => NodeJS.ReadableStream);

/** The records of a CSV source one at a time, never the whole file in memory. */
async function* csvRecords(source: CsvSource): AsyncGenerator<string[]> {
  const input = typeof source === 'string' ? Readable.from([source]) : source();
  const parser = csvStream().parse(CSV_OPTIONS);
  // A read error (the file went away) ends the parser with that error.
  input.on('error', (e) => parser.destroy(e as Error));
  input.pipe(parser);
  try {
    for await (const record of parser) yield record as string[];
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith('CSV_')) throw new ValidationError(`The file is not readable CSV: ${(e as Error).message}`);
    throw e;
  } finally {
    (input as Readable).destroy?.();
  }
}

export interface ImportResult {
  total: number;
  added: number;
  /** Already subscribed (confirmed or pending): left as they were. */
  unchanged: number;
  /** People who had unsubscribed or are suppressed: an import never overrides that. */
  keptOut: number;
  verificationQueued: number;
  errors: ImportError[];
}

/** Rows checked and written per transaction, unless an import is given its own `batchSize`. */
const IMPORT_BATCH = 1000;

export interface ImportOptions {
  confirmed: boolean;
  defaultNewsletters?: string[];
  source?: string;
}

/**
 * An import in batches: each add() checks its rows and writes them in one transaction of a few
 * statements, so a stopped import keeps every batch written and running it again continues. With
 * `confirmed` the subscriptions are confirmed at once with the row's consent time (or the import
 * time); otherwise they are pending and a verification email is queued. Idempotent: importing the
 * same rows again changes nothing. An unsubscribed or suppressed person stays so.
 */
async function createImporter(deps: Pick<Deps, 'db' | 'clock'>, opts: ImportOptions) {
  const { db } = deps;
  const result: ImportResult = { total: 0, added: 0, unchanged: 0, keptOut: 0, verificationQueued: 0, errors: [] };
  const all = await listNewsletters(db);
  const bySlug = new Map(all.map((n) => [n.slug, n]));
  let imported = 0;
  const seen = new Set<string>();
  /** A row checked; null (and an error noted) when it is skipped. */
  const check = (r: ImportRow): (ImportRow & { normalized: string; ids: number[] }) | null => {
    let normalized: string;
    let email: string;
    try {
      ({ email, normalized } = parseEmail(r.email));
    } catch {
      result.errors.push({ line: r.line, message: `"${r.email.slice(0, 80)}" is not a valid email address` });
      return null;
    }
    const slugs = [...new Set([...(opts.defaultNewsletters ?? []), ...r.newsletters])];
    const unknown = slugs.filter((s) => !bySlug.has(s));
    if (unknown.length) {
      result.errors.push({ line: r.line, message: `no newsletter called "${unknown[0]}" (known: ${[...bySlug.keys()].join(', ')})` });
      return null;
    }
    if (!slugs.length) {
      result.errors.push({ line: r.line, message: 'no newsletter named (give --newsletter or a newsletters column)' });
      return null;
    }
    const nameProblem = textProblem(r.name, 'name');
    if (nameProblem) {
      result.errors.push({ line: r.line, message: nameProblem.replace(/ Please type it again\.$/, ' (the row was skipped)') });
      return null;
    }
    if (seen.has(normalized)) {
      result.errors.push({ line: r.line, message: `${email} appears earlier in the file; this line was skipped` });
      return null;
    }
    seen.add(normalized);
    return { ...r, email, normalized, ids: slugs.map((s) => bySlug.get(s)!.id) };
  };
  const now = deps.clock.now();
  const status = opts.confirmed ? 'confirmed' : 'pending';
  // Each batch in a few statements (people, their current subscriptions, the new ones, the jobs),
  // not several per row: 10,000 rows took 24 s one by one on PGlite. Rows are checked a batch at a
  // time as they are imported, and a file is read a batch at a time (importSubscribersCsv), so a large
  // file never exists in memory all at once (the command runs inside the serving process when
  // forwarded, where PGlite and the JavaScript heap keep what they grew to).
  return {
    result,
    async add(rows: ImportRow[]): Promise<void> {
      result.total += rows.length;
      const batch = rows.map(check).filter((r): r is NonNullable<typeof r> => r !== null);
      imported += batch.length;
      if (batch.length) await db.tx(async (tx) => {
        const people = await tx.query<{ id: number; email_normalized: string; suppressed_at: Date | null }>(
          `INSERT INTO people (email, email_normalized, name) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
           ON CONFLICT (email_normalized) DO UPDATE SET name = CASE WHEN people.name = '' THEN EXCLUDED.name ELSE people.name END
           RETURNING id, email_normalized, suppressed_at`,
          [batch.map((r) => r.email), batch.map((r) => r.normalized), batch.map((r) => r.name)],
        );
        const personOf = new Map(people.map((p) => [p.email_normalized, p]));
        const wantP: number[] = [];
        const wantN: number[] = [];
        for (const r of batch) for (const id of r.ids) (wantP.push(personOf.get(r.normalized)!.id), wantN.push(id));
        // Primary-key lookups, whatever the planner statistics say.
        const before = await tx.query<{ person_id: number; newsletter_id: number; status: string }>(
          `SELECT w.p AS person_id, w.n AS newsletter_id, s.status FROM unnest($1::bigint[], $2::int[]) AS w(p, n)
           CROSS JOIN LATERAL (SELECT status FROM subscriptions WHERE person_id = w.p AND newsletter_id = w.n LIMIT 1) s`,
          [wantP, wantN],
        );
        const had = new Map<number, Array<{ newsletter_id: number; status: string }>>();
        for (const b of before) (had.get(b.person_id) ?? had.set(b.person_id, []).get(b.person_id)!).push(b);
        const subP: number[] = [];
        const subN: number[] = [];
        const subConsent: Array<string | null> = [];
        const added: Array<{ r: (typeof batch)[number]; person: (typeof people)[number]; fresh: number[] }> = [];
        for (const r of batch) {
          const person = personOf.get(r.normalized)!;
          const prior = had.get(person.id) ?? [];
          const fresh = r.ids.filter((id) => !prior.some((b) => b.newsletter_id === id));
          const out = prior.some((b) => b.status === 'unsubscribed') || Boolean(person.suppressed_at);
          if (out) result.keptOut++;
          if (!fresh.length || person.suppressed_at) {
            if (!out) result.unchanged++;
            continue;
          }
          const consent = opts.confirmed ? (r.consentAt ?? now) : r.consentAt;
          for (const id of fresh) (subP.push(person.id), subN.push(id), subConsent.push(consent ? consent.toISOString() : null));
          added.push({ r, person, fresh });
          result.added++;
        }
        if (subP.length) {
          await tx.query(
            `INSERT INTO subscriptions (person_id, newsletter_id, status, source, consent_at, confirmed_at)
             SELECT u.p, u.n, $4, $5, u.c, CASE WHEN $4 = 'confirmed' THEN $6::timestamptz END FROM unnest($1::bigint[], $2::int[], $3::timestamptz[]) AS u(p, n, c)
             ON CONFLICT (person_id, newsletter_id) DO NOTHING`,
            [subP, subN, subConsent, status, opts.source ?? 'import', now],
          );
        }
        if (!opts.confirmed) {
          await queueVerifications(tx, added.map((a) => a.person.id));
          result.verificationQueued += added.length;
        }
        // Webhook events only when a webhook listens (asked once per batch).
        const created = added.length && (await hasWebhookListeners(tx, 'subscriber.created'));
        const confirmed = added.length && opts.confirmed && (await hasWebhookListeners(tx, 'subscriber.confirmed'));
        // The batch's events written together (emitWebhookEvents), in the order one at a time would.
        const events: Parameters<typeof emitWebhookEvents>[1] = [];
        for (const { r, person, fresh } of created || confirmed ? added : []) {
          const slugs = all.filter((n) => fresh.includes(n.id)).map((n) => n.slug);
          if (created) events.push({ event: 'subscriber.created', payload: { subscriber: { id: person.id, email: r.email, name: r.name, status, source: opts.source ?? 'import', newsletters: slugs } } });
          if (confirmed) events.push({ event: 'subscriber.confirmed', payload: { subscriber: { id: person.id, email: r.email, name: r.name, status, newsletters: slugs } } });
        }
        if (events.length) await emitWebhookEvents(tx, events);
      });
    },
    async finish(): Promise<ImportResult> {
      // A large import changes the tables' shape: fresh planner statistics (PGlite never gathers them).
      if (imported > 1000) await db.exec('ANALYZE people; ANALYZE subscriptions');
      result.errors.sort((a, b) => a.line - b.line);
      return result;
    },
  };
}

/** Import rows (see createImporter), IMPORT_BATCH at a time. */
export async function importRows(
  deps: Pick<Deps, 'db' | 'clock'>,
  rows: ImportRow[],
  opts: ImportOptions & { onProgress?: (done: number, total: number) => void },
): Promise<ImportResult> {
  const importer = await createImporter(deps, opts);
  for (let i = 0; i < rows.length; i += IMPORT_BATCH) {
    await importer.add(rows.slice(i, i + IMPORT_BATCH));
    opts.onProgress?.(Math.min(i + IMPORT_BATCH, rows.length), rows.length);
  }
  return importer.finish();
}

export interface CsvImportResult extends ImportResult {
  /** The import stopped early (the process is shutting down): rows after `done` were not read. */
  stopped?: boolean;
  /** Rows read (and written) when it stopped. */
  done?: number;
}

/**
 * Import a CSV file into one newsletter (plus any the file's newsletters column names). The file is
 * read twice as a stream: once to check that it is CSV with an email column and to count its rows
 * (nothing is written from a file that is not readable to its end), then a batch of `batchSize` rows
 * (IMPORT_BATCH unless given) at a time, each written before the next is read. With `signal`, an
 * abort stops the import after the batch being written (every earlier row stays imported; importing
 * the file again continues).
 */
export async function importSubscribersCsv(
  deps: Pick<Deps, 'db' | 'clock'>,
  source: CsvSource,
  opts: { newsletter: string; confirmed: boolean; onProgress?: (done: number, total: number) => void; signal?: AbortSignal; batchSize?: number },
): Promise<CsvImportResult> {
  const batchSize = opts.batchSize ?? IMPORT_BATCH;
  if (!(await getNewsletterBySlug(deps.db, opts.newsletter))) {
    const known = (await listNewsletters(deps.db)).map((n) => n.slug);
    throw new NotFoundError(`There is no newsletter called "${opts.newsletter}". Known newsletters: ${known.join(', ') || 'none'}.`);
  }
  let rowCount = -1;
  for await (const record of csvRecords(source)) {
    if (rowCount < 0) headerColumns(record);
    rowCount++;
  }
  if (rowCount < 0) throw new ValidationError('The file is empty.');
  const importer = await createImporter(deps, { confirmed: opts.confirmed, defaultNewsletters: [opts.newsletter] });
  const errors: ImportError[] = [];
  let col: Record<string, number> | null = null;
  let batch: ImportRow[] = [];
  let done = 0;
  let stopped = false;
  const flush = async () => {
    await importer.add(batch);
    batch = [];
    opts.onProgress?.(Math.min(done, rowCount), rowCount);
  };
  for await (const record of csvRecords(source)) {
    if (!col) {
      col = headerColumns(record);
      continue;
    }
    done++;
    const row = recordRow(record, col, done + 1);
    if ('message' in row) errors.push(row);
    else batch.push(row);
    if (done % batchSize === 0) {
      await flush();
      if (opts.signal?.aborted && done < rowCount) {
        stopped = true;
        break;
      }
    }
  }
  if (!stopped && (batch.length || done % batchSize !== 0 || !done)) await flush();
  const r: CsvImportResult = await importer.finish();
  r.total += errors.length;
  r.errors = [...errors, ...r.errors].sort((a, b) => a.line - b.line);
  if (stopped) Object.assign(r, { stopped: true, done });
  return r;
}

// ---------------------------------------------------------------------------------------------
// CSV export

/**
 * Subscribers as CSV that importSubscribersCsv reads back: email, name, newsletters (the confirmed
 * ones, ";"-separated), pending, unsubscribed, consent_at, created_at, suppressed_at. With a
 * newsletter: only people with a subscription to it, and its status. Cells that would start a
 * spreadsheet formula get a leading apostrophe (src/platform/csv.ts).
 */
export async function exportSubscribersCsv(db: Db, opts: { newsletter?: string } = {}): Promise<{ csv: string; count: number }> {
  if (opts.newsletter && !(await getNewsletterBySlug(db, opts.newsletter))) throw new NotFoundError(`There is no newsletter called "${opts.newsletter}".`);
  const rows = await db.query<{ email: string; name: string; confirmed: string | null; pending: string | null; unsubscribed: string | null; consent_at: Date | null; created_at: Date; suppressed_at: Date | null; status: string | null }>(
    `SELECT p.email, p.name,
            string_agg(n.slug, ';' ORDER BY n.position) FILTER (WHERE s.status = 'confirmed') AS confirmed,
            string_agg(n.slug, ';' ORDER BY n.position) FILTER (WHERE s.status = 'pending') AS pending,
            string_agg(n.slug, ';' ORDER BY n.position) FILTER (WHERE s.status = 'unsubscribed') AS unsubscribed,
            min(s.consent_at) AS consent_at, p.created_at, p.suppressed_at,
            max(s.status) FILTER (WHERE n.slug = $1) AS status
       FROM people p JOIN subscriptions s ON s.person_id = p.id JOIN newsletters n ON n.id = s.newsletter_id
      GROUP BY p.id
     HAVING $1::text IS NULL OR bool_or(n.slug = $1)
      ORDER BY p.id`,
    [opts.newsletter ?? null],
  );
  const iso = (d: Date | null) => (d ? d.toISOString() : '');
  const header = ['email', 'name', 'newsletters', 'pending', 'unsubscribed', 'consent_at', 'created_at', 'suppressed_at', ...(opts.newsletter ? ['status'] : [])];
  // Names come from anyone who signs up: no cell may start a spreadsheet formula.
  const csv = toSafeCsv([
    header,
    ...rows.map((r) => [r.email, r.name, r.confirmed ?? '', r.pending ?? '', r.unsubscribed ?? '', iso(r.consent_at), iso(r.created_at), iso(r.suppressed_at), ...(opts.newsletter ? [r.status ?? ''] : [])]),
  ]);
  return { csv, count: rows.length };
}

export { resolveNewsletters };
