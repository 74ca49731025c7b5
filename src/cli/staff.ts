// `newsdesk staff create --email ADDRESS --name NAME --role ROLE`: create a staff account and print a
// one-time sign-in link (signed, expiring, single use), so the first administrator of a fresh install
// can get in without any mail server.
import type { Command } from './command.ts';
import { UsageError } from './command.ts';
import { createStaff } from '../staff/staff.ts';
import { INVITE_LINK_TTL, signInLink } from '../staff/signin.ts';
import { ROLES, isRole } from '../staff/roles.ts';

export const staffCreateCommand: Command = {
  name: 'staff create',
  summary: 'Create a staff account and print a one-time sign-in link',
  usage: `newsdesk staff create --email ADDRESS --name NAME --role ROLE\n  NAME is how the person appears in the newsroom and, for writers, in bylines.\n  ROLE is one of ${ROLES.join(', ')}. Prints a sign-in link that works once, within ${INVITE_LINK_TTL / 86400} days.`,
  options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } },
  remote: true,
  check(args) {
    const { email, role, name } = args.values;
    if (args.positionals.length) throw new UsageError(`Unexpected argument(s): ${args.positionals.join(' ')}`);
    if (typeof email !== 'string' || !email) throw new UsageError('Give the person\'s address with --email.');
    if (typeof name !== 'string' || !name.trim()) throw new UsageError('Give the person\'s name with --name (in quotes if it has spaces): it is how they appear in the newsroom and in bylines.');
    if (typeof role !== 'string' || !isRole(role)) throw new UsageError(`Give a role with --role: one of ${ROLES.join(', ')}.`);
  },
  async run({ deps, io }, args) {
    const { email, role, name } = args.values as { email: string; role: string; name: string };
    const staff = await createStaff(deps.db, { email, role, name: name.trim() });
    io.out(`Created ${staff.role} ${staff.email}${staff.name ? ` (${staff.name})` : ''}.`);
    io.out(`Sign in once with this link (valid for ${INVITE_LINK_TTL / 86400} days):`);
    io.out(signInLink(deps, staff.id, INVITE_LINK_TTL));
    return 0;
  },
};
