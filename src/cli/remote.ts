// Commands while the server runs on the embedded database. PGlite admits one process, so a command
// that finds the database held by a running `newsdesk serve` sends itself to that server instead:
// POST /_internal/cli on the loopback address written in DATA_DIR/internal.json, authenticated by the
// random token in the same file (mode 0600). The server runs the very same command function with its
// own dependencies and streams the output back as JSON lines, progress bar included.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import http from 'node:http';
import { dataDirDigest } from './first-run.ts';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import type { CommandIO } from './io.ts';

export interface InternalEndpoint {
  pid: number;
  url: string;
  token: string;
}

export function internalFile(dataDir: string): string {
  return path.join(dataDir, 'internal.json');
}

export function writeInternalEndpoint(dataDir: string, url: string): InternalEndpoint {
  const ep: InternalEndpoint = { pid: process.pid, url, token: crypto.randomBytes(32).toString('base64url') };
  fs.writeFileSync(internalFile(dataDir), JSON.stringify(ep) + '\n', { mode: 0o600 });
  return ep;
}

export function removeInternalEndpoint(dataDir: string): void {
  try {
    const ep = JSON.parse(fs.readFileSync(internalFile(dataDir), 'utf8')) as InternalEndpoint;
    if (ep.pid === process.pid) fs.unlinkSync(internalFile(dataDir));
  } catch {
    /* not ours or gone */
  }
}

export function readInternalEndpoint(dataDir: string): InternalEndpoint | null {
  try {
    return JSON.parse(fs.readFileSync(internalFile(dataDir), 'utf8')) as InternalEndpoint;
  } catch {
    return null;
  }
}

type Runner = (argv: string[], cwd: string, io: CommandIO, deps: Deps) => Promise<number>;

/** Server side: run a forwarded command. Only with the token, only from this machine. */
export function registerInternalCli(app: FastifyInstance, deps: Deps, token: () => string | null, runner: Runner): void {
  // "Is this a Newsdesk, and on which data directory?" (a digest: nothing about the path leaks), for a
  // command about to create a new database next to a server that runs on another one (first-run.ts).
  app.get('/_internal/ping', async (req, reply) => {
    const local = ['127.0.0.1', '::1', '::ffff:127.0.0.1', req.socket.localAddress].includes(req.socket.remoteAddress);
    if (!local) return reply.code(404).send({ error: { status: 404, message: 'Not found' } });
    return reply.header('cache-control', 'no-store').send({ newsdesk: true, dataDir: dataDirDigest(deps.config.dataDir) });
  });
  app.post('/_internal/cli', async (req, reply) => {
    const expected = token();
    const given = String(req.headers['x-newsdesk-internal'] ?? '');
    const local = ['127.0.0.1', '::1', '::ffff:127.0.0.1', req.socket.localAddress].includes(req.socket.remoteAddress);
    const a = Buffer.from(given);
    const b = Buffer.from(expected ?? '');
    if (!expected || !local || a.length !== b.length || !crypto.timingSafeEqual(a, b)) {
      return reply.code(404).send({ error: { status: 404, message: 'Not found' } });
    }
    const body = req.body as { argv?: unknown; cwd?: unknown };
    if (!Array.isArray(body?.argv) || !body.argv.every((a) => typeof a === 'string') || typeof body.cwd !== 'string') {
      return reply.code(400).send({ error: { status: 400, message: 'argv and cwd required' } });
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
    const send = (o: unknown) => res.write(JSON.stringify(o) + '\n');
    const io: CommandIO = {
      out: (s) => send({ t: 'out', s }),
      err: (s) => send({ t: 'err', s }),
      progress: (done, total, label) => send({ t: 'progress', done, total, label }),
    };
    let code = 1;
    try {
      code = await runner(body.argv as string[], body.cwd, io, deps);
    } catch (e) {
      io.err(`Error: ${(e as Error).message}`);
    }
    send({ t: 'exit', code });
    res.end();
  });
}

/** What a forwarded command says when the server stops under it (SIGTERM, a crash, a restart). */
export const SERVER_STOPPED = 'the server stopped; run the command again to continue';

/**
 * Client side: forward argv to the running server; resolves with the command's exit code. A server
 * that goes away before the command's end (its stream ends without an exit line, or the connection
 * drops) is reported as SERVER_STOPPED, exit code 1: running the command again continues the work,
 * on the next server or on the database directly.
 */
export function forwardToServer(ep: InternalEndpoint, argv: string[], io: CommandIO): Promise<number> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (code: number, message?: string) => {
      if (settled) return;
      settled = true;
      if (message) io.err(message);
      resolve(code);
    };
    const payload = JSON.stringify({ argv, cwd: process.cwd() });
    const req = http.request(
      ep.url + '/_internal/cli',
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'x-newsdesk-internal': ep.token } },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return finish(1, `Error: the running server (pid ${ep.pid}) refused the command (HTTP ${res.statusCode}).`);
        }
        let buf = '';
        let code: number | null = null;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          let i: number;
          while ((i = buf.indexOf('\n')) !== -1) {
            const line = buf.slice(0, i);
            buf = buf.slice(i + 1);
            if (!line) continue;
            let m: { t?: string; s?: string; done?: number; total?: number; label?: string; code?: number };
            try {
              m = JSON.parse(line);
            } catch {
              continue; // a line cut short by the server going away
            }
            if (m.t === 'out') io.out(m.s!);
            else if (m.t === 'err') io.err(m.s!);
            else if (m.t === 'progress') io.progress(m.done!, m.total!, m.label);
            else if (m.t === 'exit') code = m.code!;
          }
        });
        const ended = () => (code === null ? finish(1, SERVER_STOPPED) : finish(code));
        res.on('end', ended);
        res.on('close', ended);
        res.on('error', () => finish(1, SERVER_STOPPED));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE'].includes(e.code ?? '') || /socket hang up/.test(e.message)) finish(1, SERVER_STOPPED);
      else finish(1, `Error: cannot reach the running server (pid ${ep.pid}) at ${ep.url}: ${e.message}`);
    });
    req.end(payload);
  });
}
