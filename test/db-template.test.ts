// A new embedded DATA_DIR is a copy of the migrated template built at install (src/db/template.ts),
// not a fresh initdb: the first open already has every migration, and later opens keep their data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openDb } from '../src/db/index.ts';
import { listMigrations } from '../src/db/migrate.ts';
import { copyTemplate, findTemplate, templateKey } from '../src/db/template.ts';
import { tmpDir } from './helpers/db.ts';

const skip = process.env.NEWSDESK_TEST_PG_URL ? 'embedded-database behaviour: runs in the PGlite pass' : false;

test('the template is keyed by the PGlite version and the migration files', { skip }, () => {
  assert.match(templateKey(), /^\d+\.\d+\.\d+[^-]*-[0-9a-f]{16}$/);
  assert.equal(templateKey(), templateKey());
  const t = findTemplate();
  assert.ok(t, 'scripts/test.mjs builds the template before the tests');
  assert.ok(fs.existsSync(path.join(t.pgdata, 'PG_VERSION')));
  assert.ok(fs.statSync(t.dump).size > 0);
});

test('a new DATA_DIR opens already migrated, from the template; reopening keeps what was written', { skip }, async () => {
  const dataDir = path.join(tmpDir(), 'data');
  const db = await openDb({ databaseUrl: null, dataDir });
  try {
    const rows = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY version');
    assert.deepEqual(rows.map((r) => r.name), listMigrations().map((m) => m.name));
    await db.query(`INSERT INTO tags (slug, name) VALUES ('kept', 'Kept')`);
  } finally {
    await db.close();
  }
  assert.deepEqual(fs.readdirSync(path.dirname(dataDir)).filter((n) => n.includes('.copy-')), [], 'no copy left beside it');
  const again = await openDb({ databaseUrl: null, dataDir });
  try {
    assert.equal((await again.one<{ n: number }>(`SELECT count(*)::int AS n FROM tags WHERE slug = 'kept'`))!.n, 1);
  } finally {
    await again.close();
  }
});

test('copyTemplate says when there is no template, and never writes over an existing directory', { skip }, () => {
  const dir = tmpDir();
  assert.equal(copyTemplate(path.join(dir, 'none'), null), false);
  assert.equal(fs.existsSync(path.join(dir, 'none')), false);
  const existing = path.join(dir, 'existing');
  fs.mkdirSync(path.join(existing, 'x'), { recursive: true });
  assert.throws(() => copyTemplate(existing), /exists already/);
  assert.ok(fs.existsSync(path.join(existing, 'x')));
  assert.deepEqual(fs.readdirSync(dir).sort(), ['existing']);
});
