// Stopping the server: close() waits for requests in flight, then closes their connections at once.
// A keep-alive connection whose answer was still going out when close() began becomes idle only when
// answered; it used to be held open until a keep-alive timeout ran out (the client's 3 s, the
// server's 5 s), and every test file's cleanup that followed such an answer waited that long.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { startTestApp } from './helpers/app.ts';

test('a request still arriving when close() begins is answered, and its connection is then closed, not kept alive', { timeout: 20_000 }, async (ctx) => {
  const t = await startTestApp({ scope: ctx });
  const server = t.server.app.server;
  // Longer than this test's time limit: a connection held until it runs out fails the test.
  server.keepAliveTimeout = 30_000;
  const { port } = server.address() as net.AddressInfo;
  const socket = net.connect(port, '127.0.0.1');
  ctx.after(() => socket.destroy());
  await once(socket, 'connect');
  let answer = '';
  socket.on('data', (c) => (answer += c));
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  // The headers now, the body once close() has begun: the request is in flight at the close.
  const body = 't=not-a-token';
  const started = once(server, 'request');
  socket.write(`POST /newsletters/confirm HTTP/1.1\r\nHost: news.example\r\nOrigin: https://news.example\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`);
  await started;
  const closed = t.server.close();
  socket.write(body);
  await closed;
  await ended;
  assert.match(answer, /^HTTP\/1\.1 400 /, 'the request in flight was answered');
  assert.match(answer, /connection: keep-alive/i, 'an answer that would have kept the connection open');
});
