// One edition's message factory: the MIME template compiled once, then per recipient only the values
// are computed (signed links, VERP return path, Message-ID, To, Date) and spliced in, and the result
// DKIM-signed when a key is configured. A message is a list of buffers: its own header block, then the
// edition's fixed body pieces (shared by every recipient) with the recipient's values between them.
import crypto from 'node:crypto';
import type { Config } from '../../config.ts';
import { effectiveMailFrom, bareAddress, mailDomain, preferencesUrl, unsubscribeMailtoPrefix, unsubscribeToken, unsubscribeUrl, verpAddresser } from '../links.ts';
import { compileTemplate, encodeHeaderText, formatAddress, personaliseChunks, rfc2822Date, slot, type MessageTemplate } from './mime.ts';
import { createDkimSigner, type DkimSigner } from './dkim.ts';
import type { OutgoingMessage } from './smtp.ts';

export interface Recipient {
  deliveryId: number;
  personId: number;
  email: string;
  name: string;
  /** Which version of the edition: 0 no account, 1 an account, 2 paying (absent: 0). */
  tier?: 0 | 1 | 2;
}

export interface EditionMessageInput {
  editionId: number;
  newsletter: { id: number; slug: string; name: string; sender_name: string; sender_email: string; reply_to: string };
  subject: string;
  html: string;
  text: string;
}

export interface MessageFactory {
  build(r: Recipient, now?: Date): OutgoingMessage;
  template: MessageTemplate;
}

/** "The Daily Digest" as an RFC 5322 phrase: atoms as they are, else quoted or encoded. */
function phrase(s: string): string {
  const t = s.replace(/[\r\n]+/g, ' ').trim();
  if (/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/.test(t)) return t;
  if (/^[\x20-\x7e]*$/.test(t)) return `"${t.replace(/(["\\])/g, '\\$1')}"`;
  return encodeHeaderText(t);
}

const SIGNED = ['from', 'to', 'subject', 'date', 'message-id', 'reply-to', 'list-id', 'list-unsubscribe', 'list-unsubscribe-post', 'list-archive', 'mime-version', 'content-type'];

export function createMessageFactory(config: Config, input: EditionMessageInput, opts: { subjectPrefix?: string } = {}): MessageFactory {
  const mailFrom = effectiveMailFrom(config);
  const nl = input.newsletter;
  const fromAddr = nl.sender_email || bareAddress(mailFrom);
  const fromName = nl.sender_name || (/^\s*"?([^"<]*?)"?\s*</.exec(mailFrom)?.[1] ?? '') || config.publicationName;
  const domain = mailDomain(mailFrom);
  const listHost = new URL(config.siteUrl).hostname;
  const headers: Array<[string, string]> = [
    ['From', formatAddress(fromName, fromAddr)],
    ['To', slot('to')],
    ...(nl.reply_to ? ([['Reply-To', `<${nl.reply_to}>`]] as Array<[string, string]>) : []),
    ['Subject', encodeHeaderText((opts.subjectPrefix ?? '') + input.subject)],
    ['Date', slot('date')],
    ['Message-ID', slot('message_id')],
    ['List-Id', `${phrase(nl.name)} <${nl.slug}.${listHost}>`],
    ['List-Unsubscribe', slot('list_unsubscribe')],
    ['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click'],
    ['List-Archive', `<${config.siteUrl}/newsletters/${nl.slug}>`],
  ];
  const template = compileTemplate({ headers, html: input.html, text: input.text });
  const signer: DkimSigner | null = config.delivery.dkim ? createDkimSigner(config.delivery.dkim, SIGNED) : null;
  const secret = config.secretKey;
  let dateSecond = -1;
  let dateValue = '';
  // Message-IDs: <e{edition}.d{delivery}.{tag}@domain>, the tag one secret value per edition, so
  // that two installations sending from one domain never collide and nobody can predict the IDs of
  // another edition. Computed once, not per recipient.
  const midKey = crypto.createHash('sha256').update(`mid\0${secret}`).digest();
  const midTag = crypto.createHmac('sha256', midKey).update(`edition\0${input.editionId}`).digest('hex').slice(0, 12);
  const verp = verpAddresser(mailFrom, secret);
  const bare = bareAddress(mailFrom);
  const mailtoBase = unsubscribeMailtoPrefix(mailFrom);
  return {
    template,
    build(r, now = new Date()) {
      const sec = Math.floor(now.getTime() / 1000);
      if (sec !== dateSecond) {
        dateSecond = sec;
        dateValue = rfc2822Date(now);
      }
      // One signed token for both links: the preferences page takes an unsubscribe token too
      // (verifyPreferencesToken). The token is base64url and a dot: nothing to escape in the mailto.
      const token = unsubscribeToken(secret, r.personId, nl.id, now);
      const unsub = unsubscribeUrl(config.siteUrl, token);
      const mailto = mailtoBase + token;
      const prefs = preferencesUrl(config.siteUrl, token);
      const name = r.name.replace(/[\r\n]+/g, ' ').trim();
      const { head, body } = personaliseChunks(template, {
        to: formatAddress(name, r.email),
        date: dateValue,
        // Stable per delivery: a message re-sent after a crash carries the same Message-ID, so
        // receivers that de-duplicate on it show it once.
        message_id: `<e${input.editionId}.d${r.deliveryId}.${midTag}@${domain}>`,
        list_unsubscribe: `<${unsub}>,\r\n <${mailto}>`,
        greeting: name ? `Hello ${name},` : 'Hello,',
        unsubscribe_url: unsub,
        preferences_url: prefs,
      });
      const dkim = signer ? signer.sign(head, body, now) : '';
      return {
        from: r.deliveryId > 0 ? verp(r.deliveryId) : bare,
        to: r.email,
        // The header block is new bytes; the body is the edition's shared pieces and this
        // recipient's values, written out as they are (no 20 KB copy per recipient).
        data: [Buffer.from(dkim + head, 'latin1'), ...body],
      };
    },
  };
}

/**
 * One factory per access level (each template compiled once), choosing by the recipient's tier: the
 * email carries what the recipient may read (src/newsletters/render.ts). Without `member`/`paid`
 * versions (an edition frozen before they existed) everyone gets the first, which has no gated text.
 */
export function tieredFactory(anonymous: MessageFactory, member?: MessageFactory | null, paid?: MessageFactory | null): MessageFactory {
  const byTier = [anonymous, member ?? anonymous, paid ?? member ?? anonymous];
  return { template: anonymous.template, build: (r, now) => byTier[r.tier ?? 0]!.build(r, now) };
}
