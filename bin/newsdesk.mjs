#!/usr/bin/env node
// The `newsdesk` command. Source is TypeScript run through tsx's loader, so there is no build step
// between a clone and a running server (see docs/decisions/0001-stack.md).
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
