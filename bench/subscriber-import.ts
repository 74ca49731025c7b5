// Importing subscribers from CSV (issue #3 item 8): 100,000 rows, confirmed, into embedded PGlite in a
// temporary directory, through importSubscribersCsv (parse, validate, batches of 1,000: people,
// current subscriptions, new subscriptions, webhooks check). The reference, measured in the same run
// on a second fresh database: the same rows written by the database's own bulk path (one INSERT ...
// SELECT FROM unnest for people, one for subscriptions), with no parsing or validation at all.
// A second import of the same file (every row unchanged) is timed as well.
// No target was set (issue #3 item 8); the closing note of issue #4 quoted 8,346 rows/s, 0.53 of the
// bulk insert.
//   node --import tsx bench/subscriber-import.ts [ROWS]        (default 100,000; 20,000 with --quick)
// Time limit: 10 minutes (3 with --quick; BENCH_TIME_LIMIT=S), see bench/lib/harness.ts.
import os from 'node:os';
import { openDb, type Db } from '../src/db/index.ts';
import { migrate } from '../src/db/migrate.ts';
import { seedNewsletters } from '../src/newsletters/newsletters.ts';
import { importSubscribersCsv } from '../src/newsletters/subscribers.ts';
import { systemClock } from '../src/platform/clock.ts';
import { startBench } from './lib/harness.ts';

const bench = startBench({ name: 'subscriber-import', limit: { full: 600, quick: 180 } });
const N = Number(bench.argv[0] ?? (bench.quick ? 20_000 : 100_000));
const dirs: string[] = [];

async function fresh(): Promise<Db> {
  const dir = bench.tempDir('newsdesk-bench-subimport-');
  dirs.push(dir);
  const db = await openDb({ databaseUrl: null, dataDir: dir });
  await migrate(db);
  await seedNewsletters(db);
  return db;
}

const emails = Array.from({ length: N }, (_, i) => `Reader.${i}@Import.example`);
const csv = 'email,name,consent\n' + emails.map((e, i) => `${e},Reader ${i},2025-0${1 + (i % 9)}-15T09:30:00Z`).join('\n') + '\n';
console.log(`# ${N.toLocaleString('en-GB')} rows (${(csv.length / 1048576).toFixed(1)} MiB of CSV), confirmed import into PGlite, ${os.cpus().length} CPUs`);
try {
  bench.waiting('a fresh migrated database');
  const db = await fresh();
  bench.waiting(`the import of ${N.toLocaleString('en-GB')} rows`);
  let t = performance.now();
  const r = await importSubscribersCsv({ db, clock: systemClock }, csv, { newsletter: 'daily', confirmed: true });
  const importMs = performance.now() - t;
  if (r.added !== N || r.errors.length) throw new Error(`unexpected result: ${JSON.stringify({ ...r, errors: r.errors.slice(0, 3) })}`);
  bench.waiting(`the second import of the same ${N.toLocaleString('en-GB')} rows`);
  t = performance.now();
  const again = await importSubscribersCsv({ db, clock: systemClock }, csv, { newsletter: 'daily', confirmed: true });
  const againMs = performance.now() - t;
  if (again.unchanged !== N) throw new Error(`second run changed something: ${JSON.stringify(again)}`);
  const stored = (await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM subscriptions WHERE status = 'confirmed'`))!.n;
  await db.close();

  bench.waiting('the reference bulk insert on a second fresh database');
  const ref = await fresh();
  t = performance.now();
  await ref.tx(async (tx) => {
    await tx.query(`INSERT INTO people (email, email_normalized, name) SELECT e, lower(e), 'Reader' FROM unnest($1::text[]) AS e`, [emails]);
    await tx.query(`INSERT INTO subscriptions (person_id, newsletter_id, status, source, consent_at, confirmed_at)
                    SELECT p.id, n.id, 'confirmed', 'import', now(), now() FROM people p, newsletters n WHERE n.slug = 'daily'`);
  });
  const refMs = performance.now() - t;
  await ref.close();

  const rate = (ms: number) => Math.round(N / (ms / 1000)).toLocaleString('en-GB');
  console.log(`import:     ${(importMs / 1000).toFixed(1)} s = ${rate(importMs)} rows/s (${stored.toLocaleString('en-GB')} confirmed subscriptions stored)`);
  console.log(`again:      ${(againMs / 1000).toFixed(1)} s = ${rate(againMs)} rows/s (all unchanged)`);
  console.log(`reference:  ${(refMs / 1000).toFixed(1)} s = ${rate(refMs)} rows/s (two bulk INSERT ... SELECT statements, no parsing or checks)`);
  console.log(`ratio import/reference: ${(refMs / importMs).toFixed(2)}`);
  const perS = (ms: number) => N / (ms / 1000);
  bench.row({
    name: 'CSV import',
    figure: perS(importMs),
    unit: 'rows/s',
    detail: `${N.toLocaleString('en-GB')} rows in ${(importMs / 1000).toFixed(1)} s; again, unchanged: ${Math.round(perS(againMs)).toLocaleString('en-GB')} rows/s`,
    reference: { figure: perS(refMs), unit: 'rows/s', what: 'two bulk INSERT ... SELECT, no checks' },
    ratio: refMs / importMs,
    target: null,
    pass: null,
  });
} finally {
  for (const d of dirs) bench.removeDir(d);
}
