// The import check (scripts/check-imports.mjs, run by .ci/run): it passes on src/ and fails, naming
// the file and line, on an edge against surfaces -> domains -> base and on an import cycle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const script = new URL('../scripts/check-imports.mjs', import.meta.url).pathname;
const run = (dir?: string) => spawnSync(process.execPath, [script, ...(dir ? [dir] : [])], { encoding: 'utf8' });

function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imports-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

test('src/ passes: no cycles, every edge points down', () => {
  const r = run();
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /no cycles, every edge points down/);
});

test('a domain importing a surface, the base importing a domain and a surface importing another fail', () => {
  const dir = tree({
    'platform/http.ts': "import { PageCache } from '../web/page-cache.ts';\nexport const x = PageCache;\n",
    'web/page-cache.ts': 'export class PageCache {}\n',
    'newsletters/pages.ts': "// a comment mentioning import '../web/layout.ts' is not an import\nimport type { Site } from '../web/site.ts';\nexport type S = Site;\n",
    'web/site.ts': 'export interface Site { name: string }\n',
    'web/layout.ts': 'export {};\n',
    'cli/api.ts': "import { keys } from '../api/keys.ts';\nexport const k = keys;\n",
    'api/keys.ts': 'export const keys = 1;\n',
    'admin/preview.ts': "import { Site } from '../web/site.ts';\nexport type P = Site;\n", // allowed: the preview is the public page
    'articles/write.ts': "import { x } from '../platform/http.ts';\nexport const y = x;\n", // allowed: down
  });
  const r = run(dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /src\/platform\/http\.ts:1: a base file imports the surface src\/web\/page-cache\.ts/);
  assert.match(r.stderr, /src\/newsletters\/pages\.ts:2: a domain file imports the surface src\/web\/site\.ts/, 'type-only imports count');
  assert.match(r.stderr, /src\/cli\/api\.ts:1: the cli\/ surface imports the api\/ surface/);
  assert.doesNotMatch(r.stderr, /admin\/preview|articles\/write|layout/);
  assert.match(r.stderr, /3 problem\(s\)/);
});

test('an import cycle fails, with its path', () => {
  const dir = tree({
    'newsletters/editions.ts': "export { runSend } from './delivery/engine.ts';\nexport const editions = 1;\n",
    'newsletters/delivery/engine.ts': "import { editions } from '../editions.ts';\nexport const runSend = () => editions;\n",
    'staff/signin.ts': "export const later = () => import('./sessions.ts');\n", // a dynamic import is an edge too
    'staff/sessions.ts': "import { later } from './signin.ts';\nexport const s = later;\n",
  });
  const r = run(dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /import cycle among 2 file\(s\): src\/newsletters\/delivery\/engine\.ts -> src\/newsletters\/editions\.ts -> src\/newsletters\/delivery\/engine\.ts/);
  assert.match(r.stderr, /import cycle among 2 file\(s\): src\/staff\/sessions\.ts -> src\/staff\/signin\.ts -> src\/staff\/sessions\.ts/);
  assert.match(r.stderr, /2 problem\(s\)/);
});

test('a folder in no layer is named, so that a new domain is placed on purpose', () => {
  const r = run(tree({ 'misc/thing.ts': 'export {};\n' }));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /src\/misc\/thing\.ts: in no layer/);
});
