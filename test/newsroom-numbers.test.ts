// Numbers in the publication's locale (issue 14 follow-up, as dates are: decision 0072): the
// newsroom's counts, the dashboard's subscribers and the members' insights, the CLI's, and the public
// pages' counts are written by one helper (src/platform/numbers.ts) in the publication's locale; an
// en-US publication reads 1,234 where a de-DE one reads 1.234.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from './helpers/app.ts';
import { signedIn } from './helpers/newsroom.ts';
import { setPublicationSetting } from '../src/publication/settings.ts';
import { createOutlet } from '../src/newswire/outlets.ts';
import { formatNumber, formatSigned } from '../src/platform/numbers.ts';
import { progressBar } from '../src/cli/io.ts';

const T = { timeout: 60_000 };
const t = await startTestApp({ now: '2026-11-20T12:00:00Z' });
const { db } = t.deps;
const admin = await signedIn(t, 'admin@example.com', 'administrator', 'Ada Min');

test('the helper: grouping and decimal sign by locale, a true minus sign, an unknown locale falls back', T, () => {
  assert.equal(formatNumber(1234, 'en-US'), '1,234');
  assert.equal(formatNumber(1234, 'de-DE'), '1.234');
  assert.equal(formatNumber(1234567.25, 'de-DE'), '1.234.567,3');
  assert.equal(formatNumber(1234, undefined), '1,234', 'en-GB when no locale is known');
  assert.equal(formatNumber(1234, 'no-such-locale-at-all-xx'), '1,234');
  assert.equal(formatSigned(1234, 'de-DE'), '+1.234');
  assert.equal(formatSigned(-56, 'en-US'), '\u221256');
  assert.equal(formatSigned(0, 'en-US'), '0');
  assert.match(progressBar(1234, 5000, 10, 'de-DE'), /1\.234\/5\.000$/);
});

test('a newsroom screen\'s count follows the publication\'s locale: 1,234 for en-US, 1.234 for de-DE', T, async () => {
  const o = await createOutlet(db, { name: 'Count Wire', url: 'https://count.example/', lean: 'center' });
  await db.query(
    `INSERT INTO wire_items (outlet_id, url, title, published_at, extract_status)
     SELECT $1, 'https://count.example/' || g, 'Item ' || g, now() - g * interval '1 minute', 'skipped' FROM generate_series(1, 1234) g`,
    [o.id],
  );
  try {
    await setPublicationSetting(db, 'locale', 'en-US');
    const us = await admin.c.page('/admin/wire');
    assert.match(us, /<p>1,234 item\(s\)\.<\/p>/);
    await setPublicationSetting(db, 'locale', 'de-DE');
    const de = await admin.c.page('/admin/wire');
    assert.match(de, /<p>1\.234 item\(s\)\.<\/p>/);
    assert.doesNotMatch(de, /1,234 item/);
  } finally {
    await setPublicationSetting(db, 'locale', 'en-GB');
  }
});

test('the coverage of a story counts in the locale: the readers\' bar and "How it was covered", the Stories screen\'s bar, the digest\'s line', T, async () => {
  const { coverageBar: readersBar, howItWasCovered } = await import('../src/web/pages/coverage.ts');
  const { coverageBar: newsroomBar } = await import('../src/admin/pages/stories.ts');
  const counts = { left: 1234, center: 5, right: 2000 };
  const web = readersBar(counts, 'de-DE').value;
  assert.match(web, /<strong>1\.234<\/strong>/);
  assert.match(web, /aria-label="Coverage by outlets’ lean: 1\.234 left, 5 center, 2\.000 right"/);
  assert.match(readersBar(counts, 'en-US').value, /<strong>1,234<\/strong>/);
  const aside = howItWasCovered({ storyPath: '', counts, outlets: 3239, blindspot: null, sides: { left: [], center: [], right: [] }, locale: 'de-DE' }).value;
  assert.match(aside, /3\.239 outlets covered this story/);
  const bar = newsroomBar(counts, 3239, 'de-DE').value;
  assert.match(bar, /L 1\.234<\/span>/);
  assert.match(bar, /· 3\.239 outlets/);
  assert.match(bar, /\(3\.239 outlets in all\)/);
  const { renderEditionEmail } = await import('../src/newsletters/render.ts');
  const article = { id: 7, slug: 'big-story', headline: 'The big story', dek: '', status: 'published' as const, published_at: new Date('2026-11-20T08:00:00Z'), updated_at: new Date('2026-11-20T08:00:00Z'), editors_pick: false, feature_image_url: null, feature_image_alt: '', format: null, section: null, authors: [], access: 'public' as const };
  const mail = renderEditionEmail({
    publication: { name: 'Die Zeitung', siteUrl: 'https://news.example', timeZone: 'Europe/Berlin', locale: 'de-DE' },
    newsletter: { slug: 'daily', name: 'Daily', description: 'Every day' },
    edition: { number: 1, subject: 'Today', intro: '', date: new Date('2026-11-20T08:00:00Z') },
    items: [article],
    coverage: { 7: { slug: 'big-story', outlets: 3239, left: 1234, center: 5, right: 2000 } },
  });
  assert.match(mail.text, /How it was covered: 3\.239 outlets: 1\.234 left, 5 center, 2\.000 right/);
});
