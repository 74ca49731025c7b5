#!/usr/bin/env node
// The import check (`npm run check:imports`, run by .ci/run): dependencies in src/ point one way,
//   roots (main.ts, server.ts, jobs.ts) -> surfaces (web/, admin/, api/, cli/) -> domains -> base
// (config.ts, deps.ts, db/, platform/), and there are no import cycles. See docs/ARCHITECTURE.md.
//
// Rules, for an import from file A to file B inside src/:
//   - B's layer is below A's: always allowed.
//   - same layer: base and domain files may import each other (cycles are still refused); a surface
//     imports only its own folder, except the pairs in SURFACE_EXCEPTIONS; roots import roots.
//   - B's layer is above A's: refused (a domain never imports a surface, the base never a domain).
// Type-only imports count too: a type is a dependency. Dynamic import() counts as an edge.
// It reads the files with the TypeScript parser (already a dev dependency for `tsc`), so comments,
// strings and `import type` are told apart exactly. Exit code 1 when anything is wrong.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Another tree can be checked by naming its src folder (the script's own test does).
const src = path.resolve(process.argv[2] ?? path.join(root, 'src'));

/** Layer of a path relative to src/, by its first segment. Unknown folders are an error (say where they belong). */
const LAYERS = [
  { name: 'base', rank: 0, match: ['config.ts', 'deps.ts', 'db/', 'platform/'] },
  {
    name: 'domain',
    rank: 1,
    match: ['articles/', 'newsletters/', 'staff/', 'publication/', 'media/', 'mail/', 'webhooks/', 'ghost/', 'demo/', 'members/', 'newswire/'],
  },
  { name: 'surface', rank: 2, match: ['web/', 'admin/', 'api/', 'cli/'] },
  { name: 'root', rank: 3, match: ['main.ts', 'server.ts', 'jobs.ts'] },
];

/**
 * Surface-to-surface imports that are allowed, with the reason. Keep this list short.
 *   admin -> web: the newsroom's preview is the public page itself (web's page templates and site data).
 */
const SURFACE_EXCEPTIONS = new Map([['admin/', ['web/']]]);

function layerOf(rel) {
  for (const l of LAYERS) for (const m of l.match) if (m.endsWith('/') ? rel.startsWith(m) : rel === m) return { ...l, unit: m };
  return null;
}

function walk(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (/\.(ts|mts|mjs|js)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

/** Relative imports of one file: { spec, line, typeOnly }. */
function importsOf(file) {
  const text = fs.readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found = [];
  const add = (node, spec, typeOnly) => {
    if (!spec.startsWith('.')) return;
    found.push({ spec, typeOnly, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 });
  };
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      let typeOnly = false;
      if (ts.isImportDeclaration(node)) {
        const c = node.importClause;
        typeOnly = !!c && (c.isTypeOnly || (!c.name && !!c.namedBindings && ts.isNamedImports(c.namedBindings) && c.namedBindings.elements.length > 0 && c.namedBindings.elements.every((e) => e.isTypeOnly)));
      } else {
        typeOnly = node.isTypeOnly;
      }
      add(node, node.moduleSpecifier.text, typeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
      add(node, node.arguments[0].text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node, node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

const files = walk(src);
const rel = (f) => path.relative(src, f).split(path.sep).join('/');
const problems = [];
const graph = new Map(); // rel -> [{ to, line }]

for (const file of files) {
  const from = rel(file);
  const fromLayer = layerOf(from);
  if (!fromLayer) {
    problems.push(`src/${from}: in no layer; add its folder to LAYERS in scripts/check-imports.mjs`);
    continue;
  }
  const edges = [];
  for (const imp of importsOf(file)) {
    const target = path.resolve(path.dirname(file), imp.spec);
    const to = rel(target);
    const where = `src/${from}:${imp.line}`;
    if (to.startsWith('..')) {
      problems.push(`${where}: imports ${imp.spec}, outside src/`);
      continue;
    }
    if (!fs.existsSync(target)) {
      problems.push(`${where}: imports ${imp.spec}, which does not exist`);
      continue;
    }
    edges.push({ to, line: imp.line });
    const toLayer = layerOf(to);
    if (!toLayer) continue; // reported for the file itself
    if (toLayer.rank < fromLayer.rank) continue;
    if (toLayer.rank > fromLayer.rank) {
      problems.push(`${where}: a ${fromLayer.name} file imports the ${toLayer.name} src/${to} (dependencies point surfaces -> domains -> base)`);
      continue;
    }
    if (fromLayer.name === 'surface' && toLayer.unit !== fromLayer.unit && !(SURFACE_EXCEPTIONS.get(fromLayer.unit) ?? []).includes(toLayer.unit)) {
      problems.push(`${where}: the ${fromLayer.unit} surface imports the ${toLayer.unit} surface (src/${to}); share it through a domain or platform/`);
    }
  }
  graph.set(from, edges);
}

// Cycles: Tarjan's strongly connected components; every component of more than one file (or a file
// importing itself) is a cycle, reported with one path through it.
let index = 0;
const stack = [];
const state = new Map();
const components = [];
function strong(v) {
  state.set(v, { index, low: index, on: true });
  index++;
  stack.push(v);
  for (const { to } of graph.get(v) ?? []) {
    if (!graph.has(to)) continue;
    if (!state.has(to)) {
      strong(to);
      state.get(v).low = Math.min(state.get(v).low, state.get(to).low);
    } else if (state.get(to).on) {
      state.get(v).low = Math.min(state.get(v).low, state.get(to).index);
    }
  }
  if (state.get(v).low === state.get(v).index) {
    const comp = [];
    let w;
    do {
      w = stack.pop();
      state.get(w).on = false;
      comp.push(w);
    } while (w !== v);
    if (comp.length > 1 || (graph.get(v) ?? []).some((e) => e.to === v)) components.push(comp);
  }
}
for (const v of graph.keys()) if (!state.has(v)) strong(v);

for (const comp of components) {
  const inComp = new Set(comp);
  // Walk from the first file until we come back to a file already on the path.
  const start = comp.sort()[0];
  const pathTaken = [start];
  const seen = new Set([start]);
  let at = start;
  for (;;) {
    const next = (graph.get(at) ?? []).find((e) => inComp.has(e.to));
    if (!next) break;
    if (seen.has(next.to)) {
      pathTaken.push(next.to);
      break;
    }
    pathTaken.push(next.to);
    seen.add(next.to);
    at = next.to;
  }
  problems.push(`import cycle among ${comp.length} file(s): ${pathTaken.map((p) => 'src/' + p).join(' -> ')}`);
}

if (problems.length) {
  console.error(`import check: ${problems.length} problem(s)\n` + problems.map((p) => '  ' + p).join('\n'));
  process.exit(1);
}
console.log(`import check: ${files.length} files, ${[...graph.values()].reduce((n, e) => n + e.length, 0)} imports, no cycles, every edge points down`);
