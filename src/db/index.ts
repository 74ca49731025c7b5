// One SQL dialect, PostgreSQL, behind a very small interface. The embedded default is PGlite (Postgres
// compiled to WASM, in-process, stored under DATA_DIR/pglite); with DATABASE_URL the same SQL runs on
// a PostgreSQL server through node-postgres. Domain code writes plain SQL with $1 parameters next to
// the function that uses it (see docs/decisions/0002-plain-sql.md).
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { secureDataDir } from '../platform/data-dir.ts';
import type { PGlite as PGliteType } from '@electric-sql/pglite';
import type pgTypes from 'pg';
import { copyTemplate } from './template.ts';

export type Row = Record<string, any>;

export interface Db {
  readonly kind: 'pglite' | 'postgres';
  /** Run one statement and return its rows. */
  query<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  /** The first row, or undefined. */
  one<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T | undefined>;
  /**
   * Run one statement that runs often, planned once per database session under `name` (the live
   * wire's batch, decision 0063): PGlite plans anew every statement sent with parameters, and for a
   * statement of many parts the planning costs more than the running. `types` are its parameters'
   * types, `params` strings, numbers, booleans or null. On PGlite: PREPARE once per instance, then
   * EXECUTE with the parameters as literals and the generic plan from the first execution on
   * (decision 0075); on PostgreSQL: a named statement (node-postgres prepares it once per connection;
   * the server plans the first five executions with their values, then keeps the generic plan).
   */
  prepared<T extends Row = Row>(name: string, types: string[], sql: string, params: unknown[]): Promise<T[]>;
  /** Run a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Run fn in a transaction; nested calls join the outer transaction. */
  tx<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * Send a notification on a channel: to this process's listeners at once (after commit when inside a
   * transaction) and to other processes through Postgres NOTIFY. Listeners may hear it twice; they
   * must be idempotent (clearing a cache is).
   */
  notify(channel: string, payload?: string): Promise<void>;
  /** Subscribe to a channel; returns an unsubscribe function. */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

// Both drivers: int8 (bigint counts and ids) as JS numbers, `date` as 'YYYY-MM-DD' strings.
const INT8 = 20;
const DATE = 1082;

export class DatabaseBusyError extends Error {
  constructor(readonly dataDir: string, readonly pid: number) {
    super(
      `The embedded database in ${dataDir} is open in another Newsdesk process (pid ${pid}). ` +
        'PGlite admits one process at a time: stop that process, or run the command while it serves so the command can talk to it.',
    );
    this.name = 'DatabaseBusyError';
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: any) {
    return e.code === 'EPERM';
  }
}

/** When a process started (clock ticks since boot, /proc/PID/stat field 22), or null where /proc is not there. */
function processStart(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null; // fields after "(comm)" start at field 3
  } catch {
    return null;
  }
}

/**
 * Whether the process a lock file names still holds it. The file says "PID START": a PID the system
 * has since given to another process (after a crash or a reboot) has another start time, so the
 * lock is stale however alive that process is. A lock from an older version holds only the PID:
 * then the process must at least be a Node.js or Newsdesk one.
 */
export function lockHolderAlive(content: string): boolean {
  const [pidText, start] = content.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || !pidAlive(pid)) return false;
  const now = processStart(pid);
  if (now === null) return true; // no /proc: trust the PID
  if (start) return start === now;
  try {
    return /node|newsdesk/i.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return true;
  }
}

/** Hold DATA_DIR/pglite.lock for this process; refuse when a live process holds it. */
export function takeLock(dataDir: string): () => void {
  const file = path.join(dataDir, 'pglite.lock');
  const mine = `${process.pid} ${processStart(process.pid) ?? ''}`.trim();
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, mine, { flag: 'wx', mode: 0o600 });
      const release = () => {
        try {
          if (fs.readFileSync(file, 'utf8') === mine) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return release;
    } catch (e: any) {
      if (e.code !== 'EEXIST') throw e;
      const content = fs.readFileSync(file, 'utf8');
      if (lockHolderAlive(content)) throw new DatabaseBusyError(dataDir, Number(content.trim().split(/\s+/)[0]));
      fs.unlinkSync(file); // stale: the process died, or its PID now belongs to another program
    }
  }
  throw new Error(`could not take ${file}`);
}

export interface OpenOptions {
  databaseUrl: string | null;
  dataDir: string;
  /** PGlite only: start from this dump (tests), or keep everything in memory. */
  pgliteLoad?: Blob;
  inMemory?: boolean;
  /**
   * PGlite only: a data directory that does not exist yet is created as a copy of the migrated template
   * (src/db/template.ts) when there is one; with noTemplate, by PGlite itself (initdb, slow).
   */
  noTemplate?: boolean;
}

export async function openDb(opts: OpenOptions): Promise<Db> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(opts);
}

/** In-process listeners per channel, shared by a database handle and its transactions. */
class LocalBus {
  readonly handlers = new Map<string, Set<(p: string) => void>>();
  emit(channel: string, payload: string) {
    this.handlers.get(channel)?.forEach((f) => {
      try {
        f(payload);
      } catch {
        /* a listener's failure is its own */
      }
    });
  }
  add(channel: string, f: (p: string) => void): boolean {
    let set = this.handlers.get(channel);
    const isNew = !set;
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(f);
    return isNew;
  }
}

const pgliteHandles = new WeakMap<Db, PGliteType>();

/** The statements PREPAREd in each PGlite instance (its one session), by name. */
const pglitePrepared = new WeakMap<PGliteType, Map<string, string>>();

/** A parameter of a prepared statement as an SQL literal (standard_conforming_strings is on: checked at PREPARE). */
function sqlLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`a prepared statement's parameter is not a finite number: ${v}`);
    return `'${String(v)}'`;
  }
  if (typeof v === 'string') {
    if (v.includes('\0')) throw new Error("a prepared statement's parameter holds a NUL character");
    return `'${v.replace(/'/g, "''")}'`;
  }
  throw new Error(`a prepared statement's parameter must be a string, number, boolean or null (got ${typeof v})`);
}

function preparedName(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,50}$/.test(name)) throw new Error(`bad prepared statement name ${name}`);
  return `nd_${name}`;
}

/** The PGlite instance behind an embedded Db (tests dump a migrated template from it). */
export function pgliteOf(db: Db): PGliteType | undefined {
  return pgliteHandles.get(db);
}

function checkChannel(channel: string) {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
}

/**
 * PGlite's Postgres is a 9 MB WebAssembly module that V8 compiles with its baseline compiler
 * (Liftoff) and then recompiles, function by function as they get hot, with its optimising one
 * (TurboFan). The second tier's code and the memory its compilations leave in the allocator's arenas
 * cost the process about 60 MB of resident memory for a few per cent of database CPU time
 * (decision 0044), so the module is compiled with Liftoff only. V8 reads the flag when it compiles a
 * module, so it is set before the first database opens, in every process that opens one.
 */
let wasmTierSet = false;
function baselineWasmOnly(): void {
  if (wasmTierSet) return;
  wasmTierSet = true;
  v8.setFlagsFromString('--liftoff-only');
}

async function openPglite(opts: OpenOptions): Promise<Db> {
  baselineWasmOnly();
  const { PGlite } = await import('@electric-sql/pglite');
  let release = () => {};
  let dir: string | undefined;
  if (!opts.inMemory) {
    fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    release = takeLock(opts.dataDir);
    dir = path.join(opts.dataDir, 'pglite');
    try {
      if (!opts.pgliteLoad && !opts.noTemplate && !fs.existsSync(dir)) copyTemplate(dir);
    } catch (e) {
      release();
      throw e;
    }
  }
  let pg: PGliteType;
  try {
    pg = await PGlite.create(dir, {
      loadDataDir: opts.pgliteLoad,
      // Postgres' default 128 MB of shared buffers lives inside the WASM heap and is never given back;
      // 16 MB holds a small publication's working set and keeps the serving process near 300 MB.
      startParams: [...(PGlite as any).defaultStartParams, '-c', 'shared_buffers=16MB', '-c', 'maintenance_work_mem=16MB'],
      parsers: { [INT8]: (v: string) => Number(v), [DATE]: (v: string) => v },
    });
  } catch (e) {
    release();
    throw e;
  }
  // PGlite gives its files mode 0666 whatever the umask; its folders are 0700, but tighten the files
  // too, so that a folder opened by hand later exposes nothing (src/platform/data-dir.ts).
  if (dir) secureDataDir(dir);
  return pgliteDb(pg, async () => {
    await pg.close();
    release();
  });
}

/**
 * A Db handle on an open PGlite; `close` runs once, on the handle's first close(). After that the handle
 * and its transactions refuse every query, so a caller that keeps using it fails instead of reaching
 * whatever the instance holds next (the test pool hands one instance to file after file).
 */
export function pgliteDb(pg: PGliteType, close: () => Promise<void>): Db {
  const bus = new LocalBus();
  let closed = false;
  const open = () => {
    if (closed) throw new Error('the database is closed');
  };
  const wrap = (q: Pick<PGliteType, 'query' | 'exec'>, pending: Array<[string, string]> | null): Db => {
    const inTx = pending !== null;
    const db: Db = {
      kind: 'pglite',
      async query(sql, params) {
        open();
        return (await q.query(sql, params as any[])).rows as any[];
      },
      async one(sql, params) {
        open();
        return (await q.query(sql, params as any[])).rows[0] as any;
      },
      async prepared(name, types, sql, params) {
        open();
        const id = preparedName(name);
        let done = pglitePrepared.get(pg);
        if (!done) pglitePrepared.set(pg, (done = new Map()));
        const had = done.get(id);
        if (had !== undefined && had !== sql) throw new Error(`prepared statement ${name} was prepared with another text`);
        if (had === undefined) {
          const scs = (await q.query<{ standard_conforming_strings: string }>('SHOW standard_conforming_strings')).rows[0]?.standard_conforming_strings;
          if (scs !== 'on') throw new Error('prepared statements need standard_conforming_strings on');
          // Not transactional: a PREPARE stays when its transaction rolls back.
          await q.query(`PREPARE ${id}(${types.join(', ')}) AS ${sql}`);
          done.set(id, sql);
        }
        try {
          // The simple query protocol: one round trip into the WebAssembly module, where query() sends
          // five (parse, describe, bind, describe, execute) and a sync; the statement has no bind
          // parameters, and its one result's rows are parsed by the same type parsers. The generic
          // plan from the first execution on: Postgres would otherwise plan the first five anew with
          // their values (2.6 ms each for the live batch with merges, which runs a few times an hour;
          // its plan does not depend on them, decision 0075). The setting is this statement's only
          // (an error rolls it back with its transaction).
          const [, r] = await q.exec(`SET plan_cache_mode = force_generic_plan; EXECUTE ${id}(${params.map(sqlLiteral).join(', ')}); RESET plan_cache_mode`);
          return (r?.rows ?? []) as any[];
        } catch (e: any) {
          if (e?.code === '26000') done.delete(id); // deallocated behind our back: prepared again next time
          throw e;
        }
      },
      async exec(sql) {
        open();
        await q.exec(sql);
      },
      async tx(fn) {
        if (inTx) return fn(db);
        open();
        const queued: Array<[string, string]> = [];
        const result = await pg.transaction((t) => fn(wrap(t as any, queued)));
        for (const [c, p] of queued) bus.emit(c, p);
        return result;
      },
      async notify(channel, payload = '') {
        checkChannel(channel);
        // One process owns an embedded database, so the local bus is the whole audience.
        if (pending) pending.push([channel, payload]);
        else if (!closed) bus.emit(channel, payload);
      },
      async listen(channel, onMessage) {
        checkChannel(channel);
        bus.add(channel, onMessage);
        return async () => {
          bus.handlers.get(channel)?.delete(onMessage);
        };
      },
      async close() {
        if (closed) return;
        closed = true;
        bus.handlers.clear();
        await close();
      },
    };
    return db;
  };
  const root = wrap(pg, null);
  pgliteHandles.set(root, pg);
  return root;
}

async function openPostgres(url: string): Promise<Db> {
  const pg = (await import('pg')).default;
  const types = pg.types;
  types.setTypeParser(INT8, (v: string) => Number(v));
  types.setTypeParser(DATE, (v: string) => v);
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => {}); // idle client errors surface on the next query instead
  let listenClient: pgTypes.PoolClient | null = null;
  let closed = false;
  let reconnectTimer: NodeJS.Timeout | null = null;
  const bus = new LocalBus();
  // One dedicated connection LISTENs on every channel. If it breaks (server restart, terminated
  // backend), reconnect with backoff, LISTEN again, and tell every listener once, since notifications
  // may have been missed meanwhile (clearing a cache twice is harmless; missing a clear is not).
  const connectListener = async (): Promise<void> => {
    const client = await pool.connect();
    client.on('notification', (n) => bus.emit(n.channel, n.payload ?? ''));
    client.on('error', () => {
      if (listenClient !== client) return;
      listenClient = null;
      client.release(true);
      scheduleReconnect(500);
    });
    for (const channel of bus.handlers.keys()) await client.query(`LISTEN ${channel}`);
    listenClient = client;
  };
  // One connection attempt at a time: listens started together (a cache listening on two channels at
  // once) would otherwise each open a listening connection, and the one not kept would never be released.
  let connecting: Promise<void> | null = null;
  const ensureListener = (): Promise<void> => (connecting ??= connectListener().finally(() => (connecting = null)));
  const scheduleReconnect = (ms: number) => {
    if (closed) return;
    reconnectTimer = setTimeout(async () => {
      try {
        await ensureListener();
        for (const channel of bus.handlers.keys()) bus.emit(channel, 'reconnected');
      } catch {
        scheduleReconnect(Math.min(ms * 2, 30_000));
      }
    }, ms);
    reconnectTimer.unref();
  };
  const open = () => {
    if (closed) throw new Error('the database is closed');
  };
  const wrap = (q: pgTypes.Pool | pgTypes.PoolClient, pending: Array<[string, string]> | null): Db => {
    const inTx = pending !== null;
    const db: Db = {
      kind: 'postgres',
      async query(sql, params) {
        open();
        return (await q.query(sql, params as any[])).rows;
      },
      async one(sql, params) {
        open();
        return (await q.query(sql, params as any[])).rows[0];
      },
      async prepared(name, _types, sql, params) {
        open();
        return (await q.query({ name: preparedName(name), text: sql, values: params as any[] })).rows;
      },
      async exec(sql) {
        open();
        await q.query(sql);
      },
      async tx(fn) {
        if (inTx) return fn(db);
        open();
        const client = await pool.connect();
        const queued: Array<[string, string]> = [];
        try {
          await client.query('BEGIN');
          const result = await fn(wrap(client, queued));
          await client.query('COMMIT');
          for (const [c, p] of queued) bus.emit(c, p);
          return result;
        } catch (e) {
          await client.query('ROLLBACK').catch(() => {});
          throw e;
        } finally {
          client.release();
        }
      },
      async notify(channel, payload = '') {
        checkChannel(channel);
        // NOTIFY inside a transaction is delivered by Postgres at commit, like our local echo.
        await q.query('SELECT pg_notify($1, $2)', [channel, payload]);
        if (pending) pending.push([channel, payload]);
        else bus.emit(channel, payload);
      },
      async listen(channel, onMessage) {
        checkChannel(channel);
        const isNew = bus.add(channel, onMessage);
        if (!listenClient) await ensureListener();
        else if (isNew) await listenClient.query(`LISTEN ${channel}`);
        return async () => {
          bus.handlers.get(channel)?.delete(onMessage);
        };
      },
      async close() {
        if (closed) return;
        closed = true;
        if (reconnectTimer) clearTimeout(reconnectTimer);
        listenClient?.release(true);
        listenClient = null;
        await pool.end();
      },
    };
    return db;
  };
  return wrap(pool, null);
}
