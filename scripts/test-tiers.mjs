// The test tiers (scripts/test.mjs): a test file is slow when it, or a test/ helper it imports,
// imports node:child_process (it spawns processes: the CLI, benches, crash tests) or playwright-core
// (Chromium); a comment line `// test-tier: slow` or `// test-tier: fast` in the file overrides that.
// `npm run test:fast` runs the fast ones.
import fs from 'node:fs';
import path from 'node:path';

const SLOW_IMPORTS = /^(node:)?child_process$|^playwright(-core)?$/;
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;(])import\s*\(?\s*['"]([^'"]+)['"]/gm;

/** 'slow' or 'fast' for a test file, by its marker or by what it (and the helpers in testDir it imports) import. */
export function tierOf(file, testDir = path.resolve('test'), seen = new Set()) {
  const src = fs.readFileSync(file, 'utf8');
  if (!seen.size) {
    const marker = /^\/\/\s*test-tier:\s*(fast|slow)\b/m.exec(src);
    if (marker) return marker[1];
  }
  seen.add(path.resolve(file));
  for (const m of src.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2];
    if (SLOW_IMPORTS.test(spec)) return 'slow';
    if (!spec.startsWith('.')) continue;
    const dep = path.resolve(path.dirname(file), spec);
    // Follow the test folder's own helpers; src/ is what every test exercises and says nothing here.
    if (!dep.startsWith(testDir + path.sep) || seen.has(dep) || !fs.existsSync(dep)) continue;
    if (tierOf(dep, testDir, seen) === 'slow') return 'slow';
  }
  return 'fast';
}

