// A small, hand-written SMTP client for bulk sending: one connection carries many messages, commands
// are pipelined (RFC 2920) when the server offers PIPELINING, and the end of one message's data is
// sent in the same write as the next message's MAIL FROM / RCPT TO / DATA, so a message costs one
// round trip. STARTTLS (smtp://) or implicit TLS (smtps://), AUTH PLAIN or LOGIN from the URL's
// user:password. Replies are classified: 2xx sent, 4xx (and a dropped connection) temporary, 5xx
// permanent. After a refused envelope the transaction is reset with RSET; after a broken connection
// the caller opens a new one. Messages must be 7-bit with CRLF line ends (src/newsletters/delivery/mime.ts).
import net from 'node:net';
import tls from 'node:tls';
import os from 'node:os';
import { dotStuff, needsDotStuffing } from './mime.ts';

export interface SmtpOptions {
  /** smtp://[user:pass@]host[:port] (STARTTLS when offered) or smtps://... (implicit TLS). */
  url: string;
  /** Name given in EHLO. */
  clientName?: string;
  /** Socket inactivity limit once open (ms; default 60 s). */
  timeoutMs?: number;
  /**
   * Limit for opening as a whole (ms; default 15 s): TCP connect, TLS handshake, greeting, EHLO,
   * STARTTLS and AUTH. A server that accepts and never speaks is given up on, not waited on.
   */
  connectTimeoutMs?: number;
  /** Extra TLS options (tests: a self-signed certificate's CA). */
  tls?: tls.ConnectionOptions;
}

export interface Reply {
  code: number;
  text: string;
}

export class SmtpConnectionError extends Error {
  readonly temporary = true;
}

export class SmtpReplyError extends Error {
  constructor(readonly reply: Reply, what: string) {
    super(`${what}: ${reply.code} ${reply.text}`);
  }
}

export interface OutgoingMessage {
  from: string;
  to: string;
  /** The whole message, CRLF line ends, ending with CRLF: one buffer, or its pieces in order. */
  data: Buffer | readonly Buffer[];
}

/** A message, or a function that builds it when its turn comes. */
export type MessageSource = OutgoingMessage | (() => OutgoingMessage);

export interface SendOptions {
  /** Called before each message's envelope; a returned promise is awaited first (rate limits, in-flight window). */
  gate?: () => Promise<void> | void;
  /** Checked before each message: once true, the messages not started are reported notAttempted. */
  halted?: () => boolean;
  /** Each message's result, as soon as the server has answered it. */
  onResult?: (index: number, result: SendResult) => void;
}

/** `notAttempted`: the connection broke before this message was started; it costs no attempt. */
export type SendResult = { ok: true; reply: Reply } | { ok: false; temporary: boolean; error: string; notAttempted?: boolean };

type Waiter = { resolve: (r: Reply) => void; reject: (e: Error) => void };

const noop = () => {};

export class SmtpConnection {
  private socket: net.Socket;
  private buf = '';
  private lines: string[] = [];
  private waiters: Waiter[] = [];
  private early: Reply[] = [];
  private dead: Error | null = null;
  extensions = new Map<string, string>();
  messagesSent = 0;

  private constructor(socket: net.Socket, private readonly opts: SmtpOptions) {
    this.socket = socket;
    this.attach(socket);
  }

  get closed(): boolean {
    return this.dead !== null;
  }

  get pipelining(): boolean {
    return this.extensions.has('PIPELINING');
  }

  private attach(socket: net.Socket) {
    socket.setEncoding('latin1');
    socket.setNoDelay(true);
    socket.setTimeout(this.opts.timeoutMs ?? 60_000);
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('timeout', () => this.fail(new SmtpConnectionError('SMTP server did not answer in time')));
    socket.on('error', (e) => this.fail(new SmtpConnectionError(`SMTP connection failed: ${e.message}`)));
    socket.on('close', () => this.fail(new SmtpConnectionError('SMTP connection closed by the server')));
  }

  private fail(e: Error) {
    if (this.dead) return;
    this.dead = e;
    for (const w of this.waiters.splice(0)) w.reject(e);
    this.socket.destroy();
  }

  private onData(chunk: string) {
    this.buf += chunk;
    let i: number;
    while ((i = this.buf.indexOf('\n')) !== -1) {
      const line = this.buf.slice(0, i).replace(/\r$/, '');
      this.buf = this.buf.slice(i + 1);
      this.lines.push(line);
      if (line.length >= 3 && line[3] !== '-') {
        const code = Number(line.slice(0, 3));
        const text = this.lines.map((l) => l.slice(4)).join('\n');
        this.lines = [];
        const reply = { code: Number.isFinite(code) ? code : 0, text };
        const w = this.waiters.shift();
        if (w) w.resolve(reply);
        else this.early.push(reply);
      }
    }
  }

  /** The next reply, in order. The returned promise never causes an unhandled rejection. */
  private reply(): Promise<Reply> {
    if (this.dead) {
      const p = Promise.reject(this.dead);
      p.catch(noop);
      return p;
    }
    const early = this.early.shift();
    if (early) return Promise.resolve(early);
    const p = new Promise<Reply>((resolve, reject) => this.waiters.push({ resolve, reject }));
    p.catch(noop);
    return p;
  }

  private write(s: string | Buffer) {
    if (!this.dead) this.socket.write(s);
  }

  async command(line: string, expect: number[] = [250]): Promise<Reply> {
    this.write(line + '\r\n');
    const r = await this.reply();
    if (!expect.includes(r.code)) throw new SmtpReplyError(r, line.split(' ')[0]!);
    return r;
  }

  static async open(opts: SmtpOptions): Promise<SmtpConnection> {
    const u = new URL(opts.url);
    const implicit = u.protocol === 'smtps:';
    const port = Number(u.port) || (implicit ? 465 : 587);
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const limit = opts.connectTimeoutMs ?? 15_000;
    const timedOut = () => new SmtpConnectionError(`The SMTP server ${host}:${port} did not answer within ${Math.round(limit / 100) / 10} s (connecting, TLS, greeting or login)`);
    let conn: SmtpConnection | null = null;
    let pending: net.Socket | null = null;
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      pending?.destroy(timedOut());
      conn?.fail(timedOut());
    }, limit);
    timer.unref();
    try {
      const socket = await new Promise<net.Socket>((resolve, reject) => {
        const s = implicit
          ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ...opts.tls }, () => resolve(s))
          : net.connect({ host, port }, () => resolve(s));
        pending = s;
        s.once('error', reject);
      }).catch((e) => {
        throw expired ? timedOut() : new SmtpConnectionError(`Cannot connect to the SMTP server ${host}:${port}: ${e.message}`);
      });
      (socket as net.Socket).removeAllListeners('error');
      pending = null;
      const c = (conn = new SmtpConnection(socket, opts));
      try {
        const greeting = await c.reply();
        if (greeting.code !== 220) throw new SmtpReplyError(greeting, 'greeting');
        await c.ehlo();
        if (!implicit && c.extensions.has('STARTTLS')) {
          await c.command('STARTTLS', [220]);
          await c.upgrade(host);
          await c.ehlo();
        } else if (!implicit && u.username && !['127.0.0.1', '::1', 'localhost'].includes(host)) {
          throw new SmtpConnectionError(`The SMTP server ${host} does not offer STARTTLS; refusing to send the password in clear. Use smtps:// or a server with STARTTLS.`);
        }
        if (u.username) await c.auth(decodeURIComponent(u.username), decodeURIComponent(u.password));
        return c;
      } catch (e) {
        const err = expired ? timedOut() : e instanceof Error ? e : new Error(String(e));
        c.fail(err);
        throw err;
      }
    } finally {
      clearTimeout(timer);
    }
  }

  private async ehlo() {
    const name = this.opts.clientName ?? os.hostname();
    let r: Reply;
    try {
      r = await this.command(`EHLO ${name}`);
    } catch (e) {
      if (!(e instanceof SmtpReplyError)) throw e;
      r = await this.command(`HELO ${name}`);
    }
    this.extensions.clear();
    for (const line of r.text.split('\n').slice(1)) {
      const [k, ...rest] = line.trim().split(/\s+/);
      if (k) this.extensions.set(k.toUpperCase(), rest.join(' '));
    }
  }

  private upgrade(host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const plain = this.socket;
      plain.removeAllListeners('data');
      plain.removeAllListeners('close');
      plain.removeAllListeners('error');
      plain.removeAllListeners('timeout');
      const secure = tls.connect({ socket: plain, servername: net.isIP(host) ? undefined : host, ...this.opts.tls }, () => resolve());
      secure.once('error', (e) => reject(new SmtpConnectionError(`STARTTLS failed: ${e.message}`)));
      this.socket = secure;
      this.attach(secure);
    });
  }

  private async auth(user: string, pass: string) {
    const methods = (this.extensions.get('AUTH') ?? '').toUpperCase().split(/\s+/);
    if (methods.includes('PLAIN') || !methods.includes('LOGIN')) {
      await this.command(`AUTH PLAIN ${Buffer.from(`\0${user}\0${pass}`).toString('base64')}`, [235]);
    } else {
      await this.command('AUTH LOGIN', [334]);
      await this.command(Buffer.from(user).toString('base64'), [334]);
      await this.command(Buffer.from(pass).toString('base64'), [235]);
    }
  }

  private envelopeLines(m: OutgoingMessage): string[] {
    return [`MAIL FROM:<${m.from}>`, `RCPT TO:<${m.to}>`, 'DATA'];
  }

  /** Write an envelope; resolves with its three replies (fewer steps when not pipelining). */
  private envelope(m: OutgoingMessage): Promise<Reply[]> {
    const lines = this.envelopeLines(m);
    if (this.pipelining) {
      this.write(lines.join('\r\n') + '\r\n');
      const ps = lines.map(() => this.reply());
      const all = (async () => {
        const out: Reply[] = [];
        for (const p of ps) {
          try {
            out.push(await p);
          } catch (e) {
            // A refusal followed by the server closing (421): the refusal is the answer.
            if (out.some((r) => r.code >= 400)) return out;
            throw e;
          }
        }
        return out;
      })();
      all.catch(noop);
      return all;
    }
    const p = (async () => {
      const out: Reply[] = [];
      for (const line of lines) {
        this.write(line + '\r\n');
        const r = await this.reply();
        out.push(r);
        if (r.code >= 400) break;
      }
      return out;
    })();
    p.catch(noop);
    return p;
  }

  /** Write a message's data and the end-of-data line (dot-stuffed only if it needs it). */
  private writeData(data: Buffer | readonly Buffer[]) {
    if (Buffer.isBuffer(data)) this.write(dotStuff(data));
    else if (needsDotStuffing(data)) this.write(dotStuff(Buffer.concat(data as Buffer[])));
    else for (const c of data) this.write(c);
    this.write('.\r\n');
  }

  /**
   * Send messages in order on this connection; a message may be given as a function that builds it,
   * called just before it goes out (so a batch never holds all its messages at once). Returns one
   * result per message, and reports each to `onResult` as soon as the server answers.
   * `gate` is called before each message's envelope; when it returns a promise, the envelope waits
   * for it (rate limits, the in-flight window). `halted` is checked before each message: once it is
   * true, the messages not started are reported `notAttempted` (they cost no attempt).
   * A broken connection gives every unfinished message a temporary failure; the connection is then
   * closed and the caller opens another.
   */
  async sendAll(messages: readonly MessageSource[], opts: SendOptions = {}): Promise<SendResult[]> {
    const { gate, halted, onResult } = opts;
    const n = messages.length;
    const results: SendResult[] = new Array(n);
    const set = (i: number, r: SendResult) => {
      results[i] = r;
      onResult?.(i, r);
    };
    const lost = (from: number, e: unknown) => {
      const error = e instanceof Error ? e.message : String(e);
      for (let j = from; j < n; j++) if (!results[j]) set(j, { ok: false, temporary: true, error, notAttempted: j > from });
    };
    const stopFrom = (from: number) => {
      for (let j = from; j < n; j++) set(j, { ok: false, temporary: true, error: 'stopped before sending', notAttempted: true });
    };
    const get = (i: number): OutgoingMessage => {
      const m = messages[i]!;
      return typeof m === 'function' ? m() : m;
    };
    if (!n) return results;
    if (this.dead) {
      lost(0, this.dead);
      return results;
    }
    if (halted?.()) {
      stopFrom(0);
      return results;
    }
    const g0 = gate?.();
    if (g0) await g0;
    let cur = get(0);
    let env: Promise<Reply[]> = this.envelope(cur);
    for (let i = 0; i < n; i++) {
      let replies: Reply[];
      try {
        replies = await env;
      } catch (e) {
        lost(i, e);
        return results;
      }
      const refused = replies.find((r) => r.code !== 250 && r.code !== 251 && r.code !== 354);
      const more = i + 1 < n;
      let next: OutgoingMessage | undefined;
      if (!refused && replies.length === 3) {
        // End of this message's data and the next envelope in one write, unless the next message
        // must wait (gate) or is not to be sent (halted).
        const stop = more && halted?.() === true;
        const wait = more && !stop ? gate?.() : undefined;
        if (more && !stop && !wait) next = get(i + 1);
        // Without PIPELINING the next envelope waits for this message's reply (RFC 5321 4.3.1: the
        // client waits for each reply before its next command).
        const piped = this.pipelining;
        this.socket.cork();
        this.writeData(cur.data);
        const dataReply = this.reply();
        if (next && piped) env = this.envelope(next);
        this.socket.uncork();
        let r: Reply;
        try {
          r = await dataReply;
        } catch (e) {
          lost(i, e);
          return results;
        }
        set(i, classify(r));
        this.messagesSent++;
        if (stop) {
          stopFrom(i + 1);
          return results;
        }
        if (next && !piped) env = this.envelope(next);
        if (more && !next) {
          await wait;
          if (halted?.()) {
            stopFrom(i + 1);
            return results;
          }
          next = get(i + 1);
          env = this.envelope(next);
        }
      } else {
        // Refused envelope: record why, reset the transaction, go on with the next message.
        set(i, classify(refused ?? replies[replies.length - 1]!));
        if (replies[2]?.code === 354) {
          // A server that accepted DATA although the recipient was refused: end the empty message.
          this.write('.\r\n');
          try {
            await this.reply();
          } catch (e) {
            lost(i, e);
            return results;
          }
        }
        this.write('RSET\r\n');
        const rset = this.reply();
        const piped = this.pipelining;
        const stop = more && halted?.() === true;
        if (more && !stop && piped) {
          const w = gate?.();
          if (w) await w;
          next = get(i + 1);
          env = this.envelope(next);
        }
        try {
          await rset;
        } catch (e) {
          lost(i, e); // results[i] is set; the rest were not started
          return results;
        }
        if (stop) {
          stopFrom(i + 1);
          return results;
        }
        if (more && !piped) {
          // Without PIPELINING, the next envelope only after RSET's reply.
          const w = gate?.();
          if (w) await w;
          if (halted?.()) {
            stopFrom(i + 1);
            return results;
          }
          next = get(i + 1);
          env = this.envelope(next);
        }
      }
      cur = next!;
    }
    return results;
  }

  async quit(): Promise<void> {
    if (this.dead) return;
    try {
      this.write('QUIT\r\n');
      await Promise.race([this.reply(), new Promise((r) => setTimeout(r, 1000).unref())]);
    } catch {
      /* closing anyway */
    }
    this.fail(new SmtpConnectionError('closed'));
  }
}

function classify(r: Reply): SendResult {
  if (r.code >= 200 && r.code < 300) return { ok: true, reply: r };
  return { ok: false, temporary: r.code >= 400 && r.code < 500, error: `${r.code} ${r.text}`.slice(0, 500) };
}

/** A message's bytes as one buffer. */
export function messageBytes(data: Buffer | readonly Buffer[]): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
}
