// Bounces and complaints: delivery status notifications (RFC 3464 multipart/report), feedback loop
// complaints (RFC 5965 ARF) and "unsubscribe" mails arriving at the bounce mailbox, and the JSON
// webhooks of Amazon SES (through SNS), Postmark, Mailgun and SendGrid. Every report becomes
// mail_events rows; the suppression rules then apply:
//   - a hard bounce (permanent failure, 5.x.x except 5.2.2 "mailbox full") suppresses the person;
//   - a complaint suppresses the person and unsubscribes them from everything;
//   - a soft bounce (4.x.x, 5.2.2) counts; SOFT_BOUNCE_LIMIT in a row suppress. A successful delivery
//     in between (a provider's "delivered" event, or a later delivery that went out and did not
//     bounce) starts the count again.
// The same report processed twice counts once (mail_events.source_ref).
//
// Who is believed: anyone can mail the bounce mailbox (its address is in every newsletter's
// List-Unsubscribe), and one forged report can name thousands of people. So a raw report (a DSN or
// an ARF complaint, from the mailbox, `newsdesk bounces process` or the `dsn` webhook) acts only when
// it carries our signed VERP return path, and then only on the person of the delivery it names. The
// JSON webhooks of providers, which present MAIL_WEBHOOK_SECRET, act as they are. Anything else is
// held in mail_reports_review for an editor to apply or dismiss (the newsroom's Bounces screen).
import type { Db } from '../db/index.ts';
import { parseVerp, parseUnsubscribeSubject, verifyUnsubscribeToken } from './links.ts';
import { unsubscribe } from './signup.ts';
import { ValidationError } from '../platform/errors.ts';

export const SOFT_BOUNCE_LIMIT = 3;

export type MailEventKind = 'hard_bounce' | 'soft_bounce' | 'complaint' | 'delivered';
export type MailEventSource = 'dsn' | 'arf' | 'ses' | 'postmark' | 'mailgun' | 'sendgrid';

export interface MailEvent {
  kind: MailEventKind;
  email: string;
  source: MailEventSource;
  detail: string;
  /** The delivery a VERP return path named. */
  deliveryId?: number | null;
  /** Unique within the source: the same report seen again is ignored. */
  sourceRef?: string | null;
}

// ---------------------------------------------------------------------------------------------
// MIME: just enough to walk a multipart/report and read its machine-readable parts.

interface MimePart {
  headers: Map<string, string>;
  contentType: string;
  params: Record<string, string>;
  body: string;
  children: MimePart[];
}

function parseHeaderBlock(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  const unfolded = text.replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const key = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    headers.set(key, headers.has(key) ? `${headers.get(key)}\n${value}` : value);
  }
  return headers;
}

function parseContentType(value: string | undefined): { type: string; params: Record<string, string> } {
  const [type, ...rest] = (value ?? 'text/plain').split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const m = /^\s*([^=\s]+)\s*=\s*(?:"([^"]*)"|([^\s;]*))/.exec(p);
    if (m) params[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  }
  return { type: type!.trim().toLowerCase(), params };
}

function decodeBody(body: string, encoding: string | undefined): string {
  const enc = (encoding ?? '').toLowerCase().trim();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') {
    return Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  }
  return body;
}

export function parseMime(raw: string, depth = 0): MimePart {
  const split = /\r?\n\r?\n/.exec(raw);
  const headerText = split ? raw.slice(0, split.index) : raw;
  const rawBody = split ? raw.slice(split.index + split[0].length) : '';
  const headers = parseHeaderBlock(headerText);
  const { type, params } = parseContentType(headers.get('content-type'));
  const part: MimePart = { headers, contentType: type, params, body: '', children: [] };
  if (type.startsWith('multipart/') && params.boundary && depth < 8) {
    const delimiter = '--' + params.boundary;
    const pieces = rawBody.split(new RegExp(`(?:^|\\r?\\n)${delimiter.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?:--)?[ \\t]*(?:\\r?\\n|$)`));
    // pieces[0] is the preamble; a trailing piece after the closing delimiter is the epilogue.
    for (const piece of pieces.slice(1)) if (piece.trim()) part.children.push(parseMime(piece, depth + 1));
  } else {
    part.body = decodeBody(rawBody, headers.get('content-transfer-encoding'));
  }
  return part;
}

function findParts(part: MimePart, pred: (p: MimePart) => boolean, out: MimePart[] = []): MimePart[] {
  if (pred(part)) out.push(part);
  for (const c of part.children) findParts(c, pred, out);
  return out;
}

/** "rfc822; a@b" or "<a@b>" -> a@b */
function addressOf(v: string | undefined): string {
  if (!v) return '';
  const s = v.includes(';') ? v.slice(v.indexOf(';') + 1) : v;
  const m = /<([^<>]+)>/.exec(s);
  return (m ? m[1]! : s).trim().toLowerCase();
}

/** Status codes to a kind: 5.x.x hard (but 5.2.2 mailbox full soft), 4.x.x soft, 2.x.x delivered. */
export function classifyStatus(action: string, status: string): MailEventKind | null {
  const a = action.toLowerCase();
  const m = /^([245])\.(\d{1,3})\.(\d{1,3})/.exec(status.trim());
  if (a === 'delivered' || a === 'relayed' || a === 'expanded') return 'delivered';
  if (a === 'delayed') return null; // a warning: the sending MTA is still trying
  if (a !== 'failed') return null;
  if (!m) return 'hard_bounce';
  if (m[1] === '4') return 'soft_bounce';
  if (m[1] === '5' && m[2] === '2' && m[3] === '2') return 'soft_bounce';
  return m[1] === '5' ? 'hard_bounce' : null;
}

export interface BounceMessage {
  kind: 'dsn' | 'complaint' | 'unsubscribe' | 'other';
  events: MailEvent[];
  /** For an unsubscribe mail: the token from its subject. */
  unsubscribeToken?: string;
  messageId: string;
  subject: string;
}

/**
 * Read one message from the bounce mailbox. The VERP address it was sent to (To, Delivered-To,
 * X-Original-To, or the returned message's Return-Path) names the delivery when it is one of ours.
 */
export async function parseBounceMessage(raw: Buffer | string, secret: string): Promise<BounceMessage> {
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : raw;
  let simpleParser: typeof import('mailparser').simpleParser;
  try {
    ({ simpleParser } = await import('mailparser'));
  } catch {
    throw new Error('Reading bounce messages needs the "mailparser" package: run npm install (it is listed in package.json).');
  }
  // Reports are short; a message nested part in part hundreds deep is no report (and would make the
  // parsers recurse that deep): refused before parsing, as is anything the parser cannot read.
  const nesting = (text.match(/^content-type:\s*multipart\//gim) ?? []).length;
  if (nesting > 50) throw new ValidationError(`The message has ${nesting} nested multipart parts; a bounce report has a few. Not read.`);
  let mail: Awaited<ReturnType<typeof simpleParser>>;
  try {
    mail = await simpleParser(text, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  } catch (e) {
    throw new ValidationError(`The message could not be read as email: ${(e as Error).message}`);
  }
  const subject = mail.subject ?? '';
  const messageId = (mail.messageId ?? '').replace(/^<|>$/g, '');
  const root = parseMime(text);

  const verpCandidates: string[] = [];
  for (const h of ['delivered-to', 'x-original-to', 'to']) {
    const v = root.headers.get(h);
    if (v) verpCandidates.push(...v.split(/[\n,]/).map(addressOf));
  }
  const original = findParts(root, (p) => p.contentType === 'text/rfc822-headers' || p.contentType === 'message/rfc822')[0];
  if (original) {
    const oh = parseHeaderBlock(original.body.split(/\r?\n\r?\n/)[0]!);
    if (oh.get('return-path')) verpCandidates.push(addressOf(oh.get('return-path')));
  }
  let deliveryId: number | null = null;
  for (const c of verpCandidates) {
    const v = parseVerp(c, secret);
    if (v) {
      deliveryId = v.deliveryId;
      break;
    }
  }
  const ref = (recipient: string, kind: string) => (deliveryId !== null ? `delivery:${deliveryId}:${kind}` : `msg:${messageId || 'none'}:${recipient}:${kind}`);

  const report = root.contentType === 'multipart/report' ? (root.params['report-type'] ?? '').toLowerCase() : '';
  if (report === 'delivery-status') {
    const ds = findParts(root, (p) => p.contentType === 'message/delivery-status' || p.contentType === 'message/global-delivery-status')[0];
    const events: MailEvent[] = [];
    if (ds) {
      const blocks = ds.body.split(/\r?\n\s*\r?\n/).map((b) => b.trim()).filter(Boolean);
      for (const block of blocks.slice(1)) {
        const f = parseHeaderBlock(block);
        const recipient = addressOf(f.get('final-recipient') ?? f.get('original-recipient'));
        if (!recipient) continue;
        const kind = classifyStatus(f.get('action') ?? '', f.get('status') ?? '');
        if (!kind) continue;
        const detail = [f.get('status'), f.get('diagnostic-code')].filter(Boolean).join(' ').slice(0, 1000);
        events.push({ kind, email: recipient, source: 'dsn', detail, deliveryId, sourceRef: ref(recipient, kind) });
      }
    }
    return { kind: 'dsn', events, messageId, subject };
  }
  if (report === 'feedback-report') {
    const fr = findParts(root, (p) => p.contentType === 'message/feedback-report')[0];
    const f = fr ? parseHeaderBlock(fr.body) : new Map<string, string>();
    let recipient = addressOf(f.get('original-rcpt-to'));
    if (!recipient && original) recipient = addressOf(parseHeaderBlock(original.body.split(/\r?\n\r?\n/)[0]!).get('to'));
    const fromVerp = deliveryId === null && f.get('original-mail-from') ? parseVerp(addressOf(f.get('original-mail-from')), secret) : null;
    if (fromVerp) deliveryId = fromVerp.deliveryId;
    const type = (f.get('feedback-type') ?? 'abuse').toLowerCase();
    const events: MailEvent[] = recipient || deliveryId !== null
      ? [{ kind: 'complaint', email: recipient, source: 'arf', detail: `feedback-type: ${type}`, deliveryId, sourceRef: ref(recipient, 'complaint') }]
      : [];
    return { kind: 'complaint', events, messageId, subject };
  }
  const token = parseUnsubscribeSubject(subject);
  if (token) return { kind: 'unsubscribe', events: [], unsubscribeToken: token, messageId, subject };
  return { kind: 'other', events: [], messageId, subject };
}

// ---------------------------------------------------------------------------------------------
// Provider webhooks. Each returns the events in the body; unknown event types are ignored.

const lower = (v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : '');

/** Amazon SES notifications, delivered by SNS (the SNS envelope, or the bare SES JSON). */
export function parseSesNotification(body: any): MailEvent[] {
  const msg = typeof body?.Message === 'string' ? JSON.parse(body.Message) : body?.Message ?? body;
  const type = msg?.notificationType ?? msg?.eventType;
  const mailId = String(msg?.mail?.messageId ?? '');
  const out: MailEvent[] = [];
  if (type === 'Bounce') {
    const permanent = msg.bounce?.bounceType === 'Permanent';
    for (const r of msg.bounce?.bouncedRecipients ?? []) {
      const kind: MailEventKind = permanent ? 'hard_bounce' : 'soft_bounce';
      out.push({ kind, email: lower(r.emailAddress), source: 'ses', detail: [msg.bounce?.bounceType, msg.bounce?.bounceSubType, r.status, r.diagnosticCode].filter(Boolean).join(' ').slice(0, 1000), sourceRef: `${msg.bounce?.feedbackId ?? mailId}:${lower(r.emailAddress)}` });
    }
  } else if (type === 'Complaint') {
    for (const r of msg.complaint?.complainedRecipients ?? []) {
      out.push({ kind: 'complaint', email: lower(r.emailAddress), source: 'ses', detail: `complaint ${msg.complaint?.complaintFeedbackType ?? ''}`.trim(), sourceRef: `${msg.complaint?.feedbackId ?? mailId}:${lower(r.emailAddress)}` });
    }
  } else if (type === 'Delivery') {
    for (const r of msg.delivery?.recipients ?? []) out.push({ kind: 'delivered', email: lower(r), source: 'ses', detail: '', sourceRef: `${mailId}:${lower(r)}:delivered` });
  }
  return out;
}

/** Postmark bounce, spam complaint and delivery webhooks. */
export function parsePostmark(body: any): MailEvent[] {
  const type = body?.RecordType;
  const email = lower(body?.Email ?? body?.Recipient);
  if (!email) return [];
  const ref = String(body?.ID ?? body?.MessageID ?? '');
  if (type === 'Bounce') {
    const soft = ['SoftBounce', 'Transient', 'DnsError', 'AutoResponder', 'MailboxFull'].includes(body.Type) || body.Inactive === false;
    const hard = ['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated', 'SpamNotification', 'Blocked'].includes(body.Type) && body.Inactive !== false;
    if (!soft && !hard) return [];
    return [{ kind: hard ? 'hard_bounce' : 'soft_bounce', email, source: 'postmark', detail: `${body.Type}: ${body.Description ?? ''} ${body.Details ?? ''}`.trim().slice(0, 1000), sourceRef: `bounce:${ref}` }];
  }
  if (type === 'SpamComplaint') return [{ kind: 'complaint', email, source: 'postmark', detail: 'spam complaint', sourceRef: `complaint:${ref}` }];
  if (type === 'Delivery') return [{ kind: 'delivered', email, source: 'postmark', detail: '', sourceRef: `delivery:${ref}` }];
  return [];
}

/** Mailgun webhooks ("event-data": failed permanent/temporary, complained, delivered). */
export function parseMailgun(body: any): MailEvent[] {
  const e = body?.['event-data'];
  const email = lower(e?.recipient);
  if (!e || !email) return [];
  const ref = String(e.id ?? '');
  const ds = e['delivery-status'] ?? {};
  const detail = [ds.code, ds.message, ds.description].filter(Boolean).join(' ').slice(0, 1000);
  if (e.event === 'failed') {
    if (e.severity === 'permanent') return [{ kind: 'hard_bounce', email, source: 'mailgun', detail, sourceRef: ref }];
    if (e.severity === 'temporary') return [{ kind: 'soft_bounce', email, source: 'mailgun', detail, sourceRef: ref }];
    return [];
  }
  if (e.event === 'complained') return [{ kind: 'complaint', email, source: 'mailgun', detail: 'complaint', sourceRef: ref }];
  if (e.event === 'delivered') return [{ kind: 'delivered', email, source: 'mailgun', detail: '', sourceRef: ref }];
  return [];
}

/** SendGrid event webhook (an array of events). */
export function parseSendgrid(body: any): MailEvent[] {
  const list = Array.isArray(body) ? body : [];
  const out: MailEvent[] = [];
  for (const e of list) {
    const email = lower(e?.email);
    if (!email) continue;
    const ref = String(e.sg_event_id ?? `${e.sg_message_id}:${e.event}`);
    const detail = [e.status, e.reason].filter(Boolean).join(' ').slice(0, 1000);
    if (e.event === 'bounce') {
      const soft = e.type === 'blocked' || /^4\./.test(String(e.status ?? ''));
      out.push({ kind: soft ? 'soft_bounce' : 'hard_bounce', email, source: 'sendgrid', detail, sourceRef: ref });
    } else if (e.event === 'spamreport') out.push({ kind: 'complaint', email, source: 'sendgrid', detail: 'spam report', sourceRef: ref });
    else if (e.event === 'delivered') out.push({ kind: 'delivered', email, source: 'sendgrid', detail: '', sourceRef: ref });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Recording and the suppression rules

export interface RecordResult {
  recorded: number;
  duplicates: number;
  unknown: number;
  /** Emails suppressed by these events. */
  suppressed: string[];
  /** Events held for an editor's review: the report carried no signed return path. */
  held?: number;
}

/** Record events and apply the suppression rules, each event in its own transaction. */
export async function recordMailEvents(db: Db, events: MailEvent[], now: Date): Promise<RecordResult> {
  const result: RecordResult = { recorded: 0, duplicates: 0, unknown: 0, suppressed: [] };
  for (const ev of events) {
    await db.tx(async (tx) => {
      let person: { id: number; email_normalized: string } | undefined;
      if (ev.deliveryId != null) {
        person = await tx.one(`SELECT p.id, p.email_normalized FROM deliveries d JOIN people p ON p.id = d.person_id WHERE d.id = $1`, [ev.deliveryId]);
      }
      if (!person && ev.email) person = await tx.one(`SELECT id, email_normalized FROM people WHERE email_normalized = $1`, [ev.email.toLowerCase()]);
      if (!person) {
        result.unknown++;
        return;
      }
      if (ev.kind === 'delivered') {
        // Not kept (one row per delivered message would dwarf the table); it ends a run of soft bounces.
        await tx.query(`UPDATE people SET soft_bounces = 0 WHERE id = $1 AND soft_bounces > 0`, [person.id]);
        result.recorded++;
        return;
      }
      const prevSoft = ev.kind === 'soft_bounce'
        ? await tx.one<{ delivery_id: number | null }>(`SELECT delivery_id FROM mail_events WHERE person_id = $1 AND kind = 'soft_bounce' ORDER BY received_at DESC, id DESC LIMIT 1`, [person.id])
        : undefined;
      const inserted = await tx.one(
        `INSERT INTO mail_events (person_id, email_normalized, kind, source, detail, delivery_id, source_ref, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (source, source_ref) WHERE source_ref IS NOT NULL DO NOTHING RETURNING id`,
        [person.id, person.email_normalized, ev.kind, ev.source, ev.detail, ev.deliveryId ?? null, ev.sourceRef ?? null, now],
      );
      if (!inserted) {
        result.duplicates++;
        return;
      }
      result.recorded++;
      let suppressedNow: { id: number } | undefined;
      if (ev.kind === 'hard_bounce' || ev.kind === 'complaint') {
        const reason = ev.kind === 'complaint' ? `complaint (${ev.source})` : `hard bounce (${ev.source}): ${ev.detail}`.slice(0, 500);
        suppressedNow = await tx.one(`UPDATE people SET suppressed_at = $2, suppressed_reason = $3 WHERE id = $1 AND suppressed_at IS NULL RETURNING id`, [person.id, now, reason]);
        if (ev.kind === 'complaint') await unsubscribe(tx, person.id, null, now);
      } else if (ev.kind === 'soft_bounce') {
        // A delivery between the previous soft bounce and this one that went out and did not bounce
        // breaks the run.
        let reset = false;
        if (prevSoft?.delivery_id != null && ev.deliveryId != null) {
          const between = await tx.one(
            `SELECT 1 FROM deliveries d WHERE d.person_id = $1 AND d.status = 'sent' AND d.id > $2 AND d.id < $3
               AND NOT EXISTS (SELECT 1 FROM mail_events m WHERE m.delivery_id = d.id) LIMIT 1`,
            [person.id, prevSoft.delivery_id, ev.deliveryId],
          );
          reset = Boolean(between);
        }
        suppressedNow = await tx.one(
          `UPDATE people SET soft_bounces = CASE WHEN $2 THEN 1 ELSE soft_bounces + 1 END,
                  suppressed_at = CASE WHEN suppressed_at IS NULL AND (CASE WHEN $2 THEN 1 ELSE soft_bounces + 1 END) >= $3 THEN $4::timestamptz ELSE suppressed_at END,
                  suppressed_reason = CASE WHEN suppressed_at IS NULL AND (CASE WHEN $2 THEN 1 ELSE soft_bounces + 1 END) >= $3 THEN $5 ELSE suppressed_reason END
            WHERE id = $1 RETURNING id, (suppressed_at = $4::timestamptz) AS now_suppressed`,
          [person.id, reset, SOFT_BOUNCE_LIMIT, now, `${SOFT_BOUNCE_LIMIT} soft bounces in a row (${ev.source}): ${ev.detail}`.slice(0, 500)],
        ).then((r: any) => (r?.now_suppressed ? r : undefined));
      }
      if (suppressedNow) result.suppressed.push(person.email_normalized);
    });
  }
  return result;
}

/**
 * Handle one message from the bounce mailbox end to end. Only a report with our signed VERP address
 * acts, on the one delivery it names; the rest are held for review (see the top of this file).
 */
export async function processBounceMessage(db: Db, secret: string, raw: Buffer | string, now: Date): Promise<BounceMessage & { result: RecordResult; unsubscribed?: string[] }> {
  const msg = await parseBounceMessage(raw, secret);
  if (msg.kind === 'unsubscribe' && msg.unsubscribeToken) {
    const check = verifyUnsubscribeToken(secret, msg.unsubscribeToken, now);
    const unsubscribed = check.ok ? await unsubscribe(db, check.data.personId, check.data.newsletterId, now) : [];
    return { ...msg, result: { recorded: 0, duplicates: 0, unknown: check.ok ? 0 : 1, suppressed: [], held: 0 }, unsubscribed };
  }
  // A signed return path names one delivery and so one person: the first event speaks for it, and
  // other addresses the report lists are not ours to act on.
  const signed = msg.events.find((e) => e.deliveryId != null);
  const result = await recordMailEvents(db, signed ? [signed] : [], now);
  result.held = signed ? 0 : await holdForReview(db, msg, now);
  return { ...msg, result };
}

// ---------------------------------------------------------------------------------------------
// Reports held for review

export interface HeldReport {
  id: number;
  source: string;
  kind: Exclude<MailEventKind, 'delivered'>;
  email_normalized: string;
  detail: string;
  message_id: string;
  subject: string;
  received_at: Date;
  status: 'pending' | 'applied' | 'dismissed';
  /** Whether the address is someone on the list (a report about a stranger needs no decision). */
  known: boolean;
}

/** Keep a report's events for an editor; returns how many were newly held (the same report twice counts once). */
export async function holdForReview(db: Db, msg: BounceMessage, now: Date): Promise<number> {
  let held = 0;
  for (const ev of msg.events.slice(0, 1000)) {
    if (ev.kind === 'delivered' || !ev.email) continue;
    const row = await db.one(
      `INSERT INTO mail_reports_review (source, kind, email_normalized, detail, message_id, subject, source_ref, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (source, source_ref) WHERE source_ref IS NOT NULL DO NOTHING RETURNING id`,
      [ev.source, ev.kind, ev.email.toLowerCase().slice(0, 320), ev.detail.slice(0, 1000), msg.messageId.slice(0, 500), msg.subject.slice(0, 500), ev.sourceRef ?? null, now],
    );
    if (row) held++;
  }
  return held;
}

export async function listHeldReports(db: Db, opts: { limit: number; offset: number }): Promise<{ rows: HeldReport[]; total: number }> {
  const total = (await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM mail_reports_review WHERE status = 'pending'`))!.n;
  const rows = await db.query<HeldReport>(
    `SELECT r.id, r.source, r.kind, r.email_normalized, r.detail, r.message_id, r.subject, r.received_at, r.status,
            EXISTS (SELECT 1 FROM people p WHERE p.email_normalized = r.email_normalized) AS known
       FROM mail_reports_review r WHERE r.status = 'pending' ORDER BY r.received_at DESC, r.id DESC LIMIT $1 OFFSET $2`,
    [opts.limit, opts.offset],
  );
  return { rows, total };
}

export async function countHeldReports(db: Db): Promise<number> {
  return (await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM mail_reports_review WHERE status = 'pending'`))!.n;
}

/**
 * An editor's decision on a held report: `apply` runs the usual rules on its address (as if it had
 * come signed), `dismiss` keeps it on record and does nothing. Deciding twice changes nothing.
 */
export async function reviewHeldReport(db: Db, id: number, decision: 'apply' | 'dismiss', staffId: number | null, now: Date): Promise<{ report: HeldReport; result: RecordResult | null } | null> {
  const report = await db.one<HeldReport>(
    `UPDATE mail_reports_review SET status = $2, reviewed_by = $3, reviewed_at = $4 WHERE id = $1 AND status = 'pending'
     RETURNING id, source, kind, email_normalized, detail, message_id, subject, received_at, status, true AS known`,
    [id, decision === 'apply' ? 'applied' : 'dismissed', staffId, now],
  );
  if (!report) return null;
  if (decision === 'dismiss') return { report, result: null };
  const result = await recordMailEvents(
    db,
    [{ kind: report.kind, email: report.email_normalized, source: report.source as MailEventSource, detail: `${report.detail} (applied by an editor)`.slice(0, 1000), sourceRef: `review:${report.id}` }],
    now,
  );
  return { report, result };
}
