#!/usr/bin/env node
// Run by `npm install` (the `prepare` script): compile the sources (scripts/build.mjs) and build the
// embedded database template (src/db/template.ts), so neither the first start nor `npm test` waits
// for them. Both land in node_modules/.cache/newsdesk/ and are rebuilt on demand when missing, so a
// failure here is reported and never fails the install. `--template` builds only the template (what
// `newsdesk serve` runs in a child process when it finds none).
import { build, importSource } from './build.mjs';

const say = (line) => console.log(line);
const templateOnly = process.argv.includes('--template');
let ok = true;
if (!templateOnly) {
  try {
    await build({ quiet: false });
  } catch (e) {
    ok = false;
    console.error(`newsdesk: could not compile the sources (${e.message}); commands will run through tsx.`);
  }
}
try {
  const { buildTemplate } = await importSource('src/db/template-build.ts');
  if (!templateOnly) say('newsdesk: building the embedded database template ...');
  await buildTemplate(say);
} catch (e) {
  ok = false;
  console.error(`newsdesk: could not build the database template (${e.message}); the first start will create the database itself.`);
}
process.exit(templateOnly && !ok ? 1 : 0);
