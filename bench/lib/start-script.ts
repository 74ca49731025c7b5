// How `npm start` starts the serving process, read from package.json's start script
// ("[NAME=VALUE ...] node [flags] bin/newsdesk.mjs serve"): the environment it sets (MALLOC_ARENA_MAX,
// decision 0073) and the Node options it gives (the V8 heap limit, decision 0013). Benchmarks that
// measure the serving process start it the same way.
import fs from 'node:fs';
import path from 'node:path';

export function startScript(root: string): { env: Record<string, string>; flags: string[] } {
  const script: string = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts.start;
  const m = /^((?:[A-Z_][A-Z0-9_]*=\S*\s+)*)node\s+(.*?)\s*bin\/newsdesk\.mjs serve$/.exec(script);
  if (!m) throw new Error(`package.json's start script is not "[NAME=VALUE...] node [flags] bin/newsdesk.mjs serve": ${script}`);
  const env = Object.fromEntries(m[1]!.split(/\s+/).filter(Boolean).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]));
  return { env, flags: m[2]!.split(/\s+/).filter(Boolean) };
}
