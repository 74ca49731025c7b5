// Small newsroom defects seen by a new user (issue 14, item 12): a revision by someone without a name,
// the format label doubled in the newsletter's text part, angle brackets around addresses in the
// outbox, and the outbox's preview frame.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestApp } from './helpers/app.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { signedIn } from './helpers/newsroom.ts';
import { outboxDir } from '../src/mail/outbox.ts';
import { textLabel } from '../src/newsletters/render.ts';
import { displayAddresses } from '../src/admin/pages/outbox.ts';

const NOW = '2026-11-20T12:00:00Z';
const t = await startTestApp({ now: NOW });
await seedFixtures(t.deps.db, new Date(NOW));
const nameless = await signedIn(t, 'nameless@example.com', 'editor', '');

test('a revision saved by staff without a name shows their address, never a blank', { timeout: 60_000 }, async () => {
  const c = nameless.c;
  await c.page('/admin/articles/new');
  const res = await c.post('/admin/articles', { headline: 'Nameless save', body: 'Text.', action: 'save' });
  assert.equal(res.status, 303, await res.text());
  const id = Number(/\/admin\/articles\/(\d+)/.exec(res.headers.get('location')!)![1]);
  const list = await c.page(`/admin/articles/${id}/revisions`);
  assert.match(list, /· nameless@example\.com ·/);
  assert.doesNotMatch(list, /· · /, 'no empty name between the separators');
  const rev = Number(new RegExp(`/admin/articles/${id}/revisions/(\\d+)`).exec(list)![1]);
  assert.match(await c.page(`/admin/articles/${id}/revisions/${rev}`), /By nameless@example\.com \(/);
});

test('the text part labels a story with its format once: no "RECOMMENDS: Recommends: …"', { timeout: 5_000 }, () => {
  assert.equal(textLabel('Speed Read', 'Trams return to the river'), 'SPEED READ: ');
  assert.equal(textLabel('Recommends', 'Recommends: five podcasts for the night sky'), '');
  assert.equal(textLabel('Recommends', 'recommends — a winter reading list'), '');
  assert.equal(textLabel(null, 'No format'), '');
  assert.equal(textLabel('  ', 'Blank format'), '');
});

test('the outbox shows addresses without angle brackets, and its frame can show a whole edition', { timeout: 60_000 }, async () => {
  assert.equal(displayAddresses('<reader@example.com>'), 'reader@example.com');
  assert.equal(displayAddresses('"The Ledger" <news@ledger.example>'), 'The Ledger (news@ledger.example)');
  assert.equal(displayAddresses('"Doe, Jane" <j@d.example>, b@y.example'), 'Doe, Jane (j@d.example), b@y.example');
  const dir = outboxDir(t.deps.config.dataDir);
  fs.mkdirSync(dir, { recursive: true });
  const file = '20261120-120000-test.eml';
  fs.writeFileSync(path.join(dir, file), [
    'From: "The Ledger" <news@ledger.example>', 'To: <reader@example.com>', 'Subject: Your digest', 'Date: Fri, 20 Nov 2026 12:00:00 +0000',
    'MIME-Version: 1.0', 'Content-Type: text/html; charset=utf-8', '', '<p>Hello</p>', '',
  ].join('\r\n'));
  const admin = await signedIn(t, 'admin@example.com', 'administrator', 'Ada Min');
  const list = await admin.c.page('/admin/outbox');
  assert.match(list, /<td data-label="To">reader@example\.com<\/td>/);
  assert.doesNotMatch(list, /&lt;reader@example\.com&gt;/);
  const page = await admin.c.page(`/admin/outbox/${file}`);
  assert.match(page, /<dd>The Ledger \(news@ledger\.example\)<\/dd>/);
  assert.match(page, /<dd>reader@example\.com<\/dd>/);
  assert.match(page, new RegExp(`href="/admin/outbox/${file.replace(/\./g, '\\.')}/html" target="_blank"`), 'the HTML part opens on its own');
  const css = await (await t.get('/assets/admin.css')).text();
  assert.match(css, /\.mail-frame \{[^}]*resize: vertical/);
});
