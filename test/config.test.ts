import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, ensureSecrets, loadConfig } from '../src/config.ts';
import { tmpDir } from './helpers/db.ts';

const load = (env: Record<string, string>) => loadConfig(env, { loadDotEnv: false });

test('defaults', () => {
  const c = load({});
  assert.equal(c.port, 3000);
  assert.equal(c.siteUrl, 'http://localhost:3000');
  assert.equal(c.databaseUrl, null);
  assert.equal(c.timeZone, 'UTC');
  assert.equal(c.demoContent, true);
  assert.ok(path.isAbsolute(c.dataDir) && c.dataDir.endsWith('data'));
});

test('a bad value names the variable and what is expected', () => {
  const cases: Array<[Record<string, string>, string, RegExp]> = [
    [{ PORT: 'abc' }, 'PORT', /whole number/],
    [{ PORT: '70000' }, 'PORT', /0 to 65535/],
    [{ SITE_URL: 'news.example' }, 'SITE_URL', /URL/],
    [{ SITE_URL: 'ftp://news.example' }, 'SITE_URL', /http/],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', /postgres/],
    [{ TIME_ZONE: 'Mars/Olympus' }, 'TIME_ZONE', /IANA time zone/],
    [{ DEMO_CONTENT: 'maybe' }, 'DEMO_CONTENT', /true or false/],
    [{ SECRET_KEY: 'short' }, 'SECRET_KEY', /32 characters/],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /one of/],
    [{ MAIL_FROM: 'not an address' }, 'MAIL_FROM', /address/],
  ];
  for (const [env, variable, expected] of cases) {
    assert.throws(
      () => load(env),
      (e: unknown) => e instanceof ConfigError && e.variable === variable && expected.test(e.message) && e.message.startsWith(variable),
      `${JSON.stringify(env)} should fail on ${variable}`,
    );
  }
});

test('trailing slashes are dropped from SITE_URL; DATABASE_URL selects PostgreSQL', () => {
  const c = load({ SITE_URL: 'https://news.example/', DATABASE_URL: 'postgres://u@h/db' });
  assert.equal(c.siteUrl, 'https://news.example');
  assert.equal(c.databaseUrl, 'postgres://u@h/db');
});

test('secrets are generated on first start, kept in DATA_DIR with mode 0600, and reused', () => {
  const dir = tmpDir();
  const a = ensureSecrets(load({ DATA_DIR: dir }));
  assert.ok(a.secretKey.length >= 32);
  const file = path.join(dir, 'secrets.json');
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  const b = ensureSecrets(load({ DATA_DIR: dir }));
  assert.equal(b.secretKey, a.secretKey);
  const given = ensureSecrets(load({ DATA_DIR: dir, SECRET_KEY: 'k'.repeat(40) }));
  assert.equal(given.secretKey, 'k'.repeat(40));
});
