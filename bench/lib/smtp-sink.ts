// A local SMTP sink for benchmarks, run as a child process: smtp-server on loopback, counting messages
// and their bytes, discarding the bodies. Reports its port, then answers {cmd:'count'} with the totals.
import { SMTPServer } from 'smtp-server';

let messages = 0;
let bytes = 0;
const server = new SMTPServer({
  disabledCommands: ['STARTTLS', 'AUTH'],
  authOptional: true,
  logger: false,
  size: 50 * 1024 * 1024,
  onData(stream, _session, cb) {
    stream.on('data', (c: Buffer) => (bytes += c.length));
    stream.on('end', () => {
      messages++;
      cb();
    });
  },
});
server.on('error', () => {});
server.listen(0, '127.0.0.1', () => {
  process.send!({ port: (server.server.address() as { port: number }).port });
});
process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'count') process.send!({ messages, bytes });
  if (m.cmd === 'reset') {
    messages = 0;
    bytes = 0;
    process.send!({ messages, bytes });
  }
  if (m.cmd === 'stop') server.close(() => process.exit(0));
});
