// The bulk SMTP client (src/newsletters/delivery/smtp.ts) on the paths real relays use, against real
// smtp-server processes on loopback with TLS and authentication on: STARTTLS with the certificate's
// host checked, smtps:// (implicit TLS), AUTH PLAIN and LOGIN, a server without PIPELINING (checked
// by a proxy that sees every command and reply: no command may go before the previous reply), the
// HELO fallback, and a server that accepts the connection and never speaks (the open timeout).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { SmtpConnection, type OutgoingMessage } from '../src/newsletters/delivery/smtp.ts';
import { smtpTransport } from '../src/newsletters/delivery/transport.ts';
import { tmpDir } from './helpers/db.ts';

// A self-signed certificate for localhost and 127.0.0.1, and one for another name.
function certificate(dir: string, name: string, san: string): { key: Buffer; cert: Buffer } | null {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.crt`);
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`, '-addext', `subjectAltName=${san}`], { stdio: 'ignore' });
  if (r.status !== 0) return null;
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
}
const dir = tmpDir();
const local = certificate(dir, 'localhost', 'DNS:localhost,IP:127.0.0.1');
const other = certificate(dir, 'mail.elsewhere.example', 'DNS:mail.elsewhere.example');
const noTls = !local || !other ? 'openssl is needed to make the test certificates' : false;

interface Relay {
  port: number;
  received: Array<{ from: string; to: string[]; raw: string; secure: boolean; user: string | undefined }>;
  authAttempts: Array<{ method: string; username: string }>;
}

async function relay(options: Partial<SMTPServerOptions>, users: Record<string, string> = { newsdesk: 'pa:ss w0rd' }): Promise<Relay> {
  const r: Relay = { port: 0, received: [], authAttempts: [] };
  const server = new SMTPServer({
    logger: false,
    authOptional: false,
    ...options,
    onAuth(auth, _session, cb) {
      r.authAttempts.push({ method: auth.method, username: auth.username ?? '' });
      if (auth.username && users[auth.username] === auth.password) return cb(null, { user: auth.username });
      cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, cb) {
      if (address.address.startsWith('refused')) return cb(Object.assign(new Error('No such user here'), { responseCode: 550 }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        r.received.push({
          from: (session.envelope.mailFrom as { address: string }).address,
          to: session.envelope.rcptTo.map((a) => a.address),
          raw: Buffer.concat(chunks).toString('latin1'),
          secure: session.secure,
          user: session.user as string | undefined,
        });
        cb();
      });
    },
  });
  // A client that refuses the server's certificate shows up here as a failed TLS session.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  r.port = (server.server.address() as net.AddressInfo).port;
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return r;
}

const msg = (to: string, n = 1): OutgoingMessage => ({
  from: 'bounces@ledger.example',
  to,
  data: Buffer.from(`From: The Ledger <news@ledger.example>\r\nTo: <${to}>\r\nSubject: Edition ${n}\r\n\r\nHello ${n}.\r\n.leading dot\r\n`, 'latin1'),
});

const USER = encodeURIComponent('newsdesk');
const PASS = encodeURIComponent('pa:ss w0rd');

test('STARTTLS, then AUTH PLAIN: the certificate is checked against the host, messages go over TLS', { skip: noTls, timeout: 30_000 }, async () => {
  const r = await relay({ key: local!.key, cert: local!.cert, authMethods: ['PLAIN', 'LOGIN'] });
  for (const host of ['localhost', '127.0.0.1']) {
    const conn = await SmtpConnection.open({ url: `smtp://${USER}:${PASS}@${host}:${r.port}`, tls: { ca: local!.cert } });
    const results = await conn.sendAll([msg('a@example.net', 1), msg('b@example.net', 2)]);
    await conn.quit();
    assert.deepEqual(results.map((x) => x.ok), [true, true], host);
  }
  assert.equal(r.received.length, 4);
  assert.ok(r.received.every((m) => m.secure && m.user === 'newsdesk'), 'over TLS, authenticated');
  assert.ok(r.authAttempts.every((a) => a.method === 'PLAIN'));
  // Dot-stuffing survives the round trip.
  assert.match(r.received[0]!.raw, /\r\n\.leading dot\r\n/);
});

test('STARTTLS refuses a certificate for another host, and one it cannot verify', { skip: noTls, timeout: 30_000 }, async () => {
  const wrongName = await relay({ key: other!.key, cert: other!.cert, authMethods: ['PLAIN'] });
  await assert.rejects(SmtpConnection.open({ url: `smtp://${USER}:${PASS}@localhost:${wrongName.port}`, tls: { ca: other!.cert } }), /STARTTLS failed: .*(does not match|not in the cert|altnames)/i);
  await assert.rejects(SmtpConnection.open({ url: `smtp://${USER}:${PASS}@127.0.0.1:${wrongName.port}`, tls: { ca: other!.cert } }), /STARTTLS failed: .*(does not match|not in the cert|altnames)/i);
  const untrusted = await relay({ key: local!.key, cert: local!.cert, authMethods: ['PLAIN'] });
  await assert.rejects(SmtpConnection.open({ url: `smtp://${USER}:${PASS}@localhost:${untrusted.port}` }), /STARTTLS failed: .*self[- ]signed/i);
  assert.equal(wrongName.authAttempts.length + untrusted.authAttempts.length, 0, 'no password was sent');
});

test('smtps:// (implicit TLS) with AUTH LOGIN', { skip: noTls, timeout: 30_000 }, async () => {
  const r = await relay({ secure: true, key: local!.key, cert: local!.cert, authMethods: ['LOGIN'] });
  const t = smtpTransport({ url: `smtps://${USER}:${PASS}@localhost:${r.port}`, tls: { ca: local!.cert } });
  const chan = await t.open();
  const results = await chan.sendAll([msg('a@example.net'), msg('refused@example.net'), msg('c@example.net')]);
  await chan.close();
  assert.deepEqual(results.map((x) => x.ok), [true, false, true]);
  assert.equal((results[1] as { temporary: boolean }).temporary, false, '550 is permanent');
  assert.deepEqual(r.authAttempts.map((a) => a.method), ['LOGIN']);
  assert.deepEqual(r.received.map((m) => [m.to[0], m.secure]), [['a@example.net', true], ['c@example.net', true]]);
  // The host is checked on implicit TLS too.
  const wrong = await relay({ secure: true, key: other!.key, cert: other!.cert, authMethods: ['LOGIN'] });
  await assert.rejects(SmtpConnection.open({ url: `smtps://${USER}:${PASS}@localhost:${wrong.port}`, tls: { ca: other!.cert } }), /does not match|not in the cert|altnames/i);
});

test('a wrong password is refused with the server\'s answer, and nothing is sent', { skip: noTls, timeout: 30_000 }, async () => {
  const r = await relay({ key: local!.key, cert: local!.cert, authMethods: ['PLAIN', 'LOGIN'] });
  await assert.rejects(SmtpConnection.open({ url: `smtp://${USER}:wrong@localhost:${r.port}`, tls: { ca: local!.cert } }), /AUTH: 535/);
  const login = await relay({ key: local!.key, cert: local!.cert, authMethods: ['LOGIN'] });
  await assert.rejects(SmtpConnection.open({ url: `smtp://${USER}:wrong@localhost:${login.port}`, tls: { ca: local!.cert } }), /535/);
  assert.equal(r.received.length + login.received.length, 0);
});

test('a server without STARTTLS never gets the password in clear (except on this machine\'s own address)', { timeout: 30_000 }, async () => {
  const r = await relay({ disabledCommands: ['STARTTLS'], allowInsecureAuth: true, authMethods: ['PLAIN'] });
  // 127.0.0.2 is loopback on Linux, but not "this machine's address" to the client: it stands for a remote host.
  const remote = SmtpConnection.open({ url: `smtp://${USER}:${PASS}@127.0.0.2:${r.port}`, connectTimeoutMs: 5000 });
  await assert.rejects(remote, /does not offer STARTTLS|Cannot connect/);
  assert.equal(r.authAttempts.length, 0);
});

/**
 * A proxy in front of a relay that checks the client waits for each reply before its next command
 * (what a server without PIPELINING may require: RFC 5321 4.3.1). Plain text only.
 */
async function strictProxy(target: number): Promise<{ port: number; violations: string[]; commands: string[] }> {
  const out = { port: 0, violations: [] as string[], commands: [] as string[] };
  const server = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    let owed = 1; // the greeting
    let inData = false;
    let cbuf = '';
    let sbuf = '';
    client.on('data', (chunk) => {
      cbuf += chunk.toString('latin1');
      let i: number;
      while ((i = cbuf.indexOf('\r\n')) !== -1) {
        const line = cbuf.slice(0, i);
        cbuf = cbuf.slice(i + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            owed++;
          }
          continue;
        }
        out.commands.push(line);
        if (owed > 0) out.violations.push(`"${line}" sent before the reply to the previous command`);
        owed++;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      sbuf += chunk.toString('latin1');
      let i: number;
      while ((i = sbuf.indexOf('\r\n')) !== -1) {
        const line = sbuf.slice(0, i);
        sbuf = sbuf.slice(i + 2);
        if (line[3] === '-') continue;
        owed--;
        if (line.startsWith('354')) inData = true;
      }
      client.write(chunk);
    });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.end());
    upstream.on('close', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  out.port = (server.address() as net.AddressInfo).port;
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return out;
}

test('a server without PIPELINING: one command at a time, a refused recipient reset with RSET, every message sent', { timeout: 30_000 }, async () => {
  const r = await relay({ hidePIPELINING: true, disabledCommands: ['STARTTLS', 'AUTH'], authOptional: true });
  const proxy = await strictProxy(r.port);
  const conn = await SmtpConnection.open({ url: `smtp://127.0.0.1:${proxy.port}` });
  assert.equal(conn.pipelining, false);
  const results = await conn.sendAll([msg('a@example.net', 1), msg('refused1@example.net', 2), msg('b@example.net', 3), msg('c@example.net', 4), msg('refused2@example.net', 5), msg('d@example.net', 6)]);
  await conn.quit();
  assert.deepEqual(results.map((x) => x.ok), [true, false, true, true, false, true]);
  assert.deepEqual(r.received.map((m) => m.to[0]), ['a@example.net', 'b@example.net', 'c@example.net', 'd@example.net']);
  assert.ok(proxy.commands.includes('RSET'), 'the refused transaction was reset');
  assert.deepEqual(proxy.violations, []);
});

test('a server that refuses EHLO: the client falls back to HELO and sends', { timeout: 30_000 }, async () => {
  const r = await relay({ disabledCommands: ['EHLO', 'STARTTLS', 'AUTH'], authOptional: true });
  const proxy = await strictProxy(r.port);
  const conn = await SmtpConnection.open({ url: `smtp://127.0.0.1:${proxy.port}`, clientName: 'newsdesk.test' });
  assert.equal(conn.pipelining, false, 'HELO offers no extensions');
  const results = await conn.sendAll([msg('a@example.net', 1), msg('b@example.net', 2)]);
  await conn.quit();
  assert.deepEqual(results.map((x) => x.ok), [true, true]);
  assert.equal(r.received.length, 2);
  assert.deepEqual(proxy.commands.slice(0, 2), ['EHLO newsdesk.test', 'HELO newsdesk.test']);
  assert.deepEqual(proxy.violations, []);
});

test('a server that accepts the connection and never answers: opening gives up with a clear error', { timeout: 30_000 }, async () => {
  const sockets: net.Socket[] = [];
  const silent = net.createServer((s) => void sockets.push(s));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
  after(() => {
    for (const s of sockets) s.destroy();
    silent.close();
  });
  const port = (silent.address() as net.AddressInfo).port;
  await assert.rejects(SmtpConnection.open({ url: `smtp://127.0.0.1:${port}`, connectTimeoutMs: 300 }), /did not answer|timed out/i);
  // Implicit TLS whose handshake never completes.
  await assert.rejects(SmtpConnection.open({ url: `smtps://localhost:${port}`, connectTimeoutMs: 300 }), /did not answer|timed out/i);
});
