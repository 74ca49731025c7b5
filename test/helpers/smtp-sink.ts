// A real SMTP server on loopback (smtp-server) that keeps what it receives, with faults on demand:
// a recipient address can be answered 4xx a number of times, 5xx always, or have its connection
// dropped in the middle of DATA. Closed when the test file ends.
import { after } from 'node:test';
import { SMTPServer } from 'smtp-server';

export interface Received {
  from: string;
  to: string[];
  raw: Buffer;
}

export interface Sink {
  url: string;
  port: number;
  received: Received[];
  /** Answer RCPT TO for this address with `code` the next `times` times. */
  failRcpt(address: string, code: number, times?: number): void;
  /** Drop the connection during DATA for this recipient the next `times` times. */
  dropData(address: string, times?: number): void;
  /** Called after each accepted message. */
  onMessage?: (m: Received) => void;
  /** Delay before answering DATA's end (ms). */
  dataDelayMs: number;
  connections: number;
  close(): Promise<void>;
}

export async function startSink(opts: { authUser?: string; authPass?: string } = {}): Promise<Sink> {
  const rcptFaults = new Map<string, { code: number; times: number }>();
  const drops = new Map<string, number>();
  const sink: Sink = {
    url: '',
    port: 0,
    received: [],
    dataDelayMs: 0,
    connections: 0,
    failRcpt: (a, code, times = Infinity) => void rcptFaults.set(a.toLowerCase(), { code, times }),
    dropData: (a, times = 1) => void drops.set(a.toLowerCase(), times),
    close: async () => {},
  };
  const server: any = new SMTPServer({
    disabledCommands: opts.authUser ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !opts.authUser,
    allowInsecureAuth: true,
    logger: false,
    size: 50 * 1024 * 1024,
    onConnect(_session, cb) {
      sink.connections++;
      cb();
    },
    onAuth(auth, _session, cb) {
      if (auth.username === opts.authUser && auth.password === opts.authPass) return cb(null, { user: auth.username });
      cb(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, cb) {
      const f = rcptFaults.get(address.address.toLowerCase());
      if (f && f.times > 0) {
        f.times--;
        const err: any = new Error(f.code >= 500 ? 'No such user here' : 'Try again later');
        err.responseCode = f.code;
        return cb(err);
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      const to = session.envelope.rcptTo.map((r) => r.address);
      const drop = to.find((a) => (drops.get(a.toLowerCase()) ?? 0) > 0);
      stream.on('data', (c: Buffer) => chunks.push(c));
      if (drop) {
        drops.set(drop.toLowerCase(), drops.get(drop.toLowerCase())! - 1);
        // Drop the connection with the message half received.
        stream.once('data', () => {
          for (const conn of server.connections) if (conn.id === session.id) conn._socket.destroy();
        });
        return;
      }
      stream.on('end', () => {
        const m: Received = { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to, raw: Buffer.concat(chunks) };
        const done = () => {
          sink.received.push(m);
          sink.onMessage?.(m);
          cb();
        };
        if (sink.dataDelayMs) setTimeout(done, sink.dataDelayMs);
        else done();
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.port = server.server.address().port;
  const auth = opts.authUser ? `${encodeURIComponent(opts.authUser)}:${encodeURIComponent(opts.authPass ?? '')}@` : '';
  sink.url = `smtp://${auth}127.0.0.1:${sink.port}`;
  let closed = false;
  sink.close = () =>
    closed
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          closed = true;
          server.close(() => resolve());
        });
  after(() => sink.close());
  return sink;
}
