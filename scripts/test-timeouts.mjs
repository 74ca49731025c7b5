// Preloaded into every test file by scripts/test.mjs (`--import`): gives every test and `it` a default
// timeout of TEST_TIMEOUT ms (120000 unless set) when it does not set its own `{ timeout }`, so a
// regression fails instead of hanging. Node 20's `--test-timeout` limits a whole file under
// `--test`, not each test (scripts/test.mjs uses it for the per-file limit); node:test has no default
// of its own, so `test` and `it` are wrapped here and the module's ESM exports re-synced. Subtests
// (`t.test`) run inside their parent's time.
import { createRequire, syncBuiltinESMExports } from 'node:module';

const require = createRequire(import.meta.url);
const nodeTest = require('node:test');
const ms = Number(process.env.TEST_TIMEOUT ?? 120_000);

/** test()'s arguments with the default timeout added to its options when they set none. */
export function withTimeout(args) {
  if (!Number.isFinite(ms) || ms <= 0) return args;
  const i = args.findIndex((a) => a !== null && typeof a === 'object');
  if (i === -1) {
    const fn = args.findIndex((a) => typeof a === 'function');
    args.splice(fn === -1 ? args.length : fn, 0, { timeout: ms });
  } else if (args[i].timeout === undefined) {
    args[i] = { ...args[i], timeout: ms };
  }
  return args;
}

function withDefaultTimeout(original) {
  const wrapped = function (...args) {
    return original.apply(this, withTimeout(args));
  };
  for (const k of ['skip', 'todo', 'only']) if (typeof original[k] === 'function') wrapped[k] = (...a) => wrapped(...insert(a, k));
  return wrapped;
}

/** test.skip(name, fn) is test(name, { skip: true }, fn): keep that meaning through the wrapper. */
export function insert(args, flag) {
  const i = args.findIndex((a) => a !== null && typeof a === 'object');
  if (i === -1) {
    const fn = args.findIndex((a) => typeof a === 'function');
    args.splice(fn === -1 ? args.length : fn, 0, { [flag]: true });
  } else args[i] = { ...args[i], [flag]: args[i][flag] ?? true };
  return args;
}

if (Number.isFinite(ms) && ms > 0) {
  nodeTest.test = withDefaultTimeout(nodeTest.test);
  nodeTest.it = withDefaultTimeout(nodeTest.it);
  syncBuiltinESMExports();
}
