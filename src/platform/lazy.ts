// Packages that only some requests use (feed and CSV parsers, the HTML sanitiser, Markdown, password
// hashing, diffs) are loaded on their first use instead of at start-up, so that a restart does not
// read and compile them before the first page (docs/decisions/0014-lazy-packages-at-start-up.md).
// Loading is synchronous (each of them ships a CommonJS build), so the functions using them keep
// their signatures. The package is resolved from here: every caller is in this package.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** `lazyPackage<typeof import('x')>('x')()` loads x (its CommonJS build) on the first call, then returns it. */
export function lazyPackage<T>(specifier: string): () => T {
  let loaded: { value: T } | null = null;
  return () => (loaded ??= { value: require(specifier) as T }).value;
}
