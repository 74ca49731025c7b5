// Safe, clear sending in the edition composer (issue 14, item 9): the count before a send ("Send to 3
// readers now?"), the email previewed inside the composer at desktop and phone widths, one row of
// controls per story, messages that say what happened, an empty edition explained before it can be
// sent, and the send's state and progress in words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from './helpers/app.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { signedIn } from './helpers/newsroom.ts';
import { seedNewsletters, getNewsletterBySlug } from '../src/newsletters/newsletters.ts';
import { addItem, buildEdition, getEdition, removeItem } from '../src/newsletters/editions.ts';
import { progressText } from '../src/admin/pages/newsletters.ts';

const NOW = '2026-11-20T12:00:00Z';
const t = await startTestApp({ now: NOW });
const { db } = t.deps;
await seedFixtures(db, new Date(NOW));
await seedNewsletters(db);
const daily = (await getNewsletterBySlug(db, 'daily'))!;
for (const [i, email] of ['a@example.com', 'b@example.com', 'c@example.com', 'gone@example.com'].entries()) {
  const p = await db.one<{ id: number }>(`INSERT INTO people (email, email_normalized, suppressed_at) VALUES ($1, $1, $2) RETURNING id`, [email, i === 3 ? new Date(NOW) : null]);
  await db.query(`INSERT INTO subscriptions (person_id, newsletter_id, status, confirmed_at) VALUES ($1, $2, 'confirmed', $3)`, [p!.id, daily.id, new Date(NOW)]);
}
const { c } = await signedIn(t, 'editor@example.com', 'editor', 'Eddie Tor');

test('progress in words, with thousands separated', { timeout: 5_000 }, () => {
  assert.equal(progressText({ editionId: 1, number: 1, status: 'draft', pausedReason: null, total: 0, queued: 0, sent: 0, failed: 0, skipped: 0 }, 'en-GB'), 'Not started.');
  assert.equal(progressText({ editionId: 1, number: 1, status: 'sending', pausedReason: null, total: 12408, queued: 11201, sent: 1204, failed: 3, skipped: 0 }, 'en-GB'), '1,204 of 12,408 sent (9%), 3 failed, 11,201 to go.');
  assert.equal(progressText({ editionId: 1, number: 1, status: 'sending', pausedReason: null, total: 12408, queued: 11201, sent: 1204, failed: 3, skipped: 0 }, 'de-DE'), '1.204 of 12.408 sent (9%), 3 failed, 11.201 to go.', 'in the publication\'s locale');
});

test('the composer: human state, recipients, one row of controls per story, messages, and the preview at two widths', { timeout: 60_000 }, async () => {
  const built = await buildEdition(t.deps, 'daily');
  const published = await db.query<{ id: number }>(`SELECT id FROM articles WHERE status = 'published' AND type = 'post' ORDER BY published_at DESC LIMIT 3`);
  for (const a of published) if (!built.items.some((i) => i.id === a.id)) await addItem(db, built.id, a.id);
  const e = await getEdition(db, built.id);
  assert.equal(e.items.length, 3);
  const base = `/admin/newsletters/editions/${e.id}`;
  const res = await c.request(base);
  const page = await res.text();
  assert.match(page, /<strong id="edition-state" data-state="draft">Draft, not scheduled<\/strong>/);
  assert.match(page, /goes to 3 readers now/, 'confirmed and not suppressed');
  assert.match(page, new RegExp(`<a class="button primary" href="${base}/send">Send to 3 readers now…</a>`));
  // One form per story, its buttons in one row: up (disabled on the first), down, remove (formaction).
  const rows = [...page.matchAll(/<form method="post" action="[^"]+\/move" class="story-controls">([\s\S]*?)<\/form>/g)];
  assert.equal(rows.length, e.items.length);
  assert.match(rows[0]![1]!, /value="up" class="icon" aria-label="Move “[^”]+” up" disabled/);
  assert.match(rows[0]![1]!, new RegExp(`formaction="${base}/remove"`));
  assert.match(rows.at(-1)![1]!, /value="down" class="icon" aria-label="Move “[^”]+” down" disabled/);
  // The preview: framed at desktop and phone widths from this site, sandboxed.
  assert.match(page, new RegExp(`<iframe class="preview-frame preview-frame--desktop" src="${base}/preview" sandbox=""`));
  assert.match(page, /preview-frame--phone/);
  assert.match(res.headers.get('content-security-policy') ?? '', /frame-src 'self'/);
  const preview = await c.request(`${base}/preview`);
  assert.equal(preview.status, 200);
  assert.match(preview.headers.get('content-security-policy') ?? '', /sandbox/);
  const previewHtml = await preview.text();
  assert.ok(e.items.every((i) => previewHtml.includes(i.headline.replace(/’/g, '’'))), 'every story is in the preview');
  // The per-recipient slots are filled as for a reader without a name, never shown as markers.
  assert.doesNotMatch(previewHtml, /[\uE000\uE001]/, 'no slot marker in the preview');
  assert.match(previewHtml, />Hello,<\/p>/);
  assert.match(previewHtml, /href="https:\/\/news\.example\/newsletters"[^>]*>Unsubscribe</);

  // Messages that say what happened.
  const second = e.items[1]!;
  const moved = await c.post(`${base}/move`, { article: String(second.id), direction: 'up' });
  assert.equal(moved.status, 303);
  assert.match(moved.headers.get('location')!, /notice=story_moved/);
  assert.match(await c.page(moved.headers.get('location')!), /Story moved\./);
  assert.equal((await getEdition(db, e.id)).items[0]!.id, second.id);
  const removed = await c.post(`${base}/remove`, { article: String(second.id) });
  assert.match(removed.headers.get('location')!, /notice=story_removed/);
  assert.match(await c.page(removed.headers.get('location')!), /Story removed\./);
  const added = await c.post(`${base}/add`, { article: String(second.id) });
  assert.match(added.headers.get('location')!, /notice=story_added/);
});

test('sending asks first, with the count; a bare POST only shows the question; an empty edition is explained', { timeout: 60_000 }, async () => {
  const e = (await getEdition(db, (await db.one<{ id: number }>(`SELECT id FROM editions WHERE status = 'draft' ORDER BY id DESC LIMIT 1`))!.id));
  const base = `/admin/newsletters/editions/${e.id}`;
  const confirm = await c.page(`${base}/send`);
  assert.match(confirm, /<h1>Send to 3 readers now\?<\/h1>/);
  assert.match(confirm, new RegExp(`<form method="post" action="${base}/send"`));
  const bare = await c.post(`${base}/send`, {});
  assert.equal(bare.status, 303);
  assert.equal(bare.headers.get('location'), `${base}/send`);
  assert.equal((await getEdition(db, e.id)).status, 'draft', 'nothing was sent');

  // Empty: explained on the composer and on the question page, and no send button.
  for (const it of e.items) await removeItem(db, e.id, it.id);
  const empty = await c.page(base);
  assert.match(empty, /id="empty-edition"[^>]*>This edition has no stories yet, so it cannot be sent\./);
  assert.doesNotMatch(empty, /Send to 3 readers now…/);
  assert.match(await c.page(`${base}/send`), /This edition has no stories yet/);

  // With a story again, the confirmed send starts and says so.
  const story = await db.one<{ id: number }>(`SELECT id FROM articles WHERE status = 'published' AND type = 'post' ORDER BY published_at DESC LIMIT 1`);
  await c.post(`${base}/add`, { article: String(story!.id) });
  await c.page(`${base}/send`);
  const sent = await c.post(`${base}/send`, { confirm: '3' });
  assert.equal(sent.status, 303);
  assert.match(sent.headers.get('location')!, /notice=sending/);
  const after = await c.page(sent.headers.get('location')!);
  assert.match(after, /Sending started\./);
  assert.match(after, /data-state="sending">Sending now</);
  assert.equal((await getEdition(db, e.id)).status, 'sending');
});
