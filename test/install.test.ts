// A quiet install (issue 14, item 12): `npm install` on the oldest Node this project supports prints no
// warning. Every locked package accepts that Node (no EBADENGINE), and every dependency with an install
// script is named in `allowScripts` (npm 11 warns about the others on every install).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import semver from 'semver';

const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const lock = JSON.parse(fs.readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));

test('every locked package accepts the oldest Node we support', { timeout: 10_000 }, () => {
  const oldest = semver.minVersion(pkg.engines.node)!.version;
  assert.ok(semver.satisfies(process.version, pkg.engines.node), `this Node (${process.version}) is one we support`);
  const refused = Object.entries(lock.packages as Record<string, { engines?: { node?: string } | string[] }>)
    .filter(([k, v]) => k && v.engines && !Array.isArray(v.engines) && v.engines.node && !semver.satisfies(oldest, v.engines.node))
    .map(([k, v]) => `${k.replace(/^node_modules\//, '')} wants Node ${(v.engines as { node: string }).node}`);
  assert.deepEqual(refused, [], `npm would print EBADENGINE on Node ${oldest}`);
});

test('every dependency with an install script is allowed or denied in allowScripts', { timeout: 10_000 }, () => {
  const named = new Set(Object.keys(pkg.allowScripts ?? {}));
  const unnamed = Object.entries(lock.packages as Record<string, { hasInstallScript?: boolean }>)
    .filter(([k, v]) => k && v.hasInstallScript)
    .map(([k]) => k.replace(/^.*node_modules\//, ''))
    .filter((name) => !named.has(name));
  assert.deepEqual(unnamed, []);
});
