#!/usr/bin/env node
// The `newsdesk` command. The source is TypeScript; it runs as JavaScript compiled once by
// scripts/build.mjs (at `npm install`, and again here after any change to src/), so no process pays
// for a TypeScript loader (docs/decisions/0005-compile-at-install.md). When a build cannot be made
// (esbuild missing, node_modules read-only), or with NEWSDESK_NO_BUILD=1, the source runs through tsx.
import { importSource } from '../scripts/build.mjs';

const { main } = await importSource('src/main.ts');
process.exitCode = await main(process.argv.slice(2));
