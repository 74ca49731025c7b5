// Uploads over the limit are refused with a 413 and never stored cut short: the multipart parser's
// truncated flag and the byte count are checked explicitly (src/admin/uploads.ts), not left to
// toBuffer() throwing, and storeImage refuses an oversized buffer whoever calls it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestApp } from './helpers/app.ts';
import { signedIn } from './helpers/newsroom.ts';
import { createArticle } from '../src/articles/write.ts';
import { getArticleById } from '../src/articles/queries.ts';
import { uploadedBytes } from '../src/admin/uploads.ts';
import { imageTooLarge, MAX_IMAGE_BYTES, storeImage, uploadsDir } from '../src/media/images.ts';
import { TooLargeError } from '../src/platform/errors.ts';

const PNG = fs.readFileSync(new URL('../src/web/assets/logo.png', import.meta.url));
const t = await startTestApp();
const { c, staff } = await signedIn(t, 'pics@example.com', 'administrator', 'Pic Admin');
const stored = () => (fs.existsSync(uploadsDir(t.deps.config.dataDir)) ? fs.readdirSync(uploadsDir(t.deps.config.dataDir)) : []);

/** A PNG (by its signature) of exactly `size` bytes. */
const pngOf = (size: number) => Buffer.concat([PNG, Buffer.alloc(size - PNG.length)]);

test('a file the parser cut short is refused even when toBuffer() returns it without throwing', async () => {
  const tooLarge = () => imageTooLarge();
  // What the parser hands over when the limit falls on the last chunk: the bytes up to the limit, no error.
  const cut = { toBuffer: async () => pngOf(1000), file: { truncated: true } as any };
  await assert.rejects(uploadedBytes(cut, 5000, tooLarge), (e: any) => e instanceof TooLargeError && e.status === 413);
  // Over the limit by the byte count alone (the parser's limit is one byte above ours).
  const long = { toBuffer: async () => pngOf(5001), file: { truncated: false } as any };
  await assert.rejects(uploadedBytes(long, 5000, tooLarge), TooLargeError);
  // The parser's own error becomes the same 413.
  const thrown = { toBuffer: async () => Promise.reject(Object.assign(new Error('too large'), { code: 'FST_REQ_FILE_TOO_LARGE' })), file: { truncated: true } as any };
  await assert.rejects(uploadedBytes(thrown, 5000, tooLarge), TooLargeError);
  // Exactly at the limit is fine.
  const exact = { toBuffer: async () => pngOf(5000), file: { truncated: false } as any };
  assert.equal((await uploadedBytes(exact, 5000, tooLarge)).length, 5000);
});

test('storeImage refuses an oversized image when given a limit, and stores nothing', () => {
  const dir = fs.mkdtempSync(path.join(t.deps.config.dataDir, 'store-'));
  assert.throws(() => storeImage(dir, pngOf(2001), { maxBytes: 2000 }), (e: any) => e instanceof TooLargeError && /larger than/.test(e.message));
  assert.equal(fs.existsSync(uploadsDir(dir)), false);
  assert.match(storeImage(dir, pngOf(2000), { maxBytes: 2000 }), /^\/uploads\/[a-f0-9]{32}\.png$/);
});

test('uploads of a feature image and a logo: at the limit stored whole, one byte over refused with 413 and nothing stored', async () => {
  const a = await createArticle(t.deps.db, { headline: 'Pictured', body: 'x' }, { now: new Date() });
  await t.deps.db.query(`UPDATE articles SET created_by = $2 WHERE id = $1`, [a.id, staff.id]);
  await c.page(`/admin/articles/${a.id}`);
  const send = (url: string, field: string, bytes: ReturnType<typeof pngOf>) => {
    const fd = new FormData();
    fd.append('_csrf', c.csrf);
    fd.append(field, new Blob([bytes], { type: 'image/png' }), 'x.png');
    return c.request(url, { body: fd, method: 'POST', headers: { accept: 'application/json' } });
  };
  for (const [url, field] of [[`/admin/articles/${a.id}/image`, 'image'], ['/admin/settings/logo', 'logo']] as const) {
    const before = stored();
    for (const size of [MAX_IMAGE_BYTES + 1, MAX_IMAGE_BYTES + 4096, MAX_IMAGE_BYTES * 2]) {
      const res = await send(url, field, pngOf(size));
      assert.equal(res.status, 413, `${url}: ${size} bytes`);
      assert.match(await res.text(), /larger than 5 MB/);
      assert.deepEqual(stored(), before, `${url}: nothing stored for ${size} bytes`);
    }
  }
  const ok = await send(`/admin/articles/${a.id}/image`, 'image', pngOf(MAX_IMAGE_BYTES));
  assert.equal(ok.status, 200, await ok.clone().text());
  const { url } = await ok.json();
  assert.equal((await getArticleById(t.deps.db, a.id))!.feature_image_url, url);
  const served = await t.get(url);
  assert.equal(Buffer.from(await served.arrayBuffer()).length, MAX_IMAGE_BYTES, 'stored whole');
});
