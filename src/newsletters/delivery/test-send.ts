// The test send: an editor's proof of the edition as it stands, to one address, marked [Test]. The
// same renderer, message builder and transport as the real send; no delivery row, and the links in it
// are not any subscriber's.
import type { Deps } from '../../deps.ts';
import { ValidationError } from '../../platform/errors.ts';
import { editionPreview } from '../preview.ts';
import { createMessageFactory, type MessageFactory } from './message.ts';
import { transportFor, type Transport } from './transport.ts';
import { SAFE_ADDRESS } from './worker.ts';

/**
 * Send the edition as it stands to one address, marked [Test] (an editor's proof). Uses the same
 * renderer and transport as the real send; the links in it are not any subscriber's.
 */
export async function sendTest(deps: Deps, editionId: number, to: string, opts: { transport?: Transport } = {}): Promise<{ to: string; reply: string }> {
  const addr = typeof to === 'string' ? to.trim() : '';
  if (!SAFE_ADDRESS.test(addr) || addr.length > 254) throw new ValidationError('Give one valid email address to send the test to.', { to: 'invalid' });
  const preview = await editionPreview(deps, editionId);
  const factory: MessageFactory = createMessageFactory(
    deps.config,
    { editionId, newsletter: preview.newsletter, subject: preview.subject, html: preview.html, text: preview.text },
    { subjectPrefix: '[Test] ' },
  );
  const msg = factory.build({ deliveryId: 0, personId: 0, email: addr, name: '' });
  const chan = await (opts.transport ?? transportFor(deps.config)).open();
  try {
    const [r] = await chan.sendAll([msg]);
    if (!r!.ok) throw new ValidationError(`The mail server refused the test message: ${r!.error}`, { to: 'refused' });
    return { to: addr, reply: `${r!.reply.code} ${r!.reply.text}` };
  } finally {
    await chan.close();
  }
}
