// Mail for staff: sign-in links and invitations, sent one at a time through the transactional mail
// function (SMTP_URL when set, else DATA_DIR/outbox-staff: never DATA_DIR/outbox, whose messages
// editors can read in the newsroom, since a sign-in link there would let them sign in as anyone).
import type { Deps } from '../deps.ts';
import { escapeHtml } from '../platform/html.ts';
import { sendTransactional } from '../mail/transactional.ts';
import { getPublication } from '../publication/settings.ts';

export interface StaffMail {
  to: string;
  subject: string;
  text: string;
}

export async function sendStaffMail(deps: Deps, mail: StaffMail): Promise<void> {
  // The HTML part is the text with links made clickable; nothing else in it.
  const htmlBody = escapeHtml(mail.text)
    .split(/\n{2,}/)
    .map((p) => `<p>${p.replace(/(https?:\/\/[^\s<]+)/g, '<a href="$1">$1</a>').replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  const pub = await getPublication(deps.db, deps.config);
  await sendTransactional(
    deps.config,
    { to: mail.to, subject: mail.subject, text: mail.text, html: htmlBody, outbox: 'outbox-staff', fromName: pub.name, language: pub.locale },
    deps.clock.now(),
  );
}
