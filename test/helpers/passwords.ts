// A staff password stored as setPassword stores it (an argon2id hash in staff.password_hash), but at
// argon2's lowest cost instead of the library's defaults (19 MiB, two passes: about 50 ms a hash or a
// check here). Verifying reads the cost from the stored hash, so a test that checks one password many
// times (sign-in limits) spends milliseconds instead of seconds; the sign-in code is the same. What
// setPassword itself stores, at the production cost, is checked in staff.test.ts.
import { createRequire } from 'node:module';
import type { Db } from '../../src/db/index.ts';

const argon2 = createRequire(import.meta.url)('@node-rs/argon2') as typeof import('@node-rs/argon2');

export async function setCheapPassword(db: Db, staffId: number, password: string): Promise<void> {
  const hash = await argon2.hash(password, { memoryCost: 8, timeCost: 1, parallelism: 1 });
  const rows = await db.query(`UPDATE staff SET password_hash = $2 WHERE id = $1 RETURNING id`, [staffId, hash]);
  if (!rows.length) throw new Error(`no staff member ${staffId}`);
}
