// API key commands: create (prints the secret once), list, revoke.
import type { Command } from './command.ts';
import { UsageError } from './command.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../staff/api-keys.ts';
import { ROLES } from '../staff/roles.ts';

export const apiKeysCreateCommand: Command = {
  name: 'apikeys create',
  summary: 'Create an Admin or Content API key (the secret is shown once)',
  usage: `newsdesk apikeys create --name NAME --kind admin|content [--role ${ROLES.join('|')}]\n  Admin keys act with the role given; content keys read published content (also through Ghost's Content API paths).`,
  options: { name: { type: 'string' }, kind: { type: 'string' }, role: { type: 'string' } },
  remote: true,
  async run({ deps, io }, args) {
    if (args.positionals.length) throw new UsageError(`Unexpected argument(s): ${args.positionals.join(' ')}`);
    const name = args.values.name;
    const kind = args.values.kind;
    if (typeof name !== 'string' || !name.trim()) throw new UsageError('Give the key a name with --name.');
    if (kind !== 'admin' && kind !== 'content') throw new UsageError('--kind is admin or content.');
    const role = typeof args.values.role === 'string' ? args.values.role : undefined;
    const { key, secret } = await createApiKey(deps.db, { name, kind, role: role as any });
    io.out(`Created ${key.kind} API key "${key.name}" (id ${key.id}${key.role ? `, role ${key.role}` : ''}).`);
    io.out(`Secret (shown only now; store it safely): ${secret}`);
    if (kind === 'content') io.out(`Try: ${deps.config.siteUrl}/ghost/api/content/posts/?key=${secret}`);
    else io.out(`Use: curl -H "Authorization: Bearer ${secret}" ${deps.config.siteUrl}/api/admin/articles`);
    return 0;
  },
};

export const apiKeysListCommand: Command = {
  name: 'apikeys list',
  summary: 'List API keys (never their secrets)',
  usage: 'newsdesk apikeys list [--all]\n  --all includes revoked keys.',
  options: { all: { type: 'boolean', default: false } },
  remote: true,
  async run({ deps, io }, args) {
    const keys = await listApiKeys(deps.db, { includeRevoked: Boolean(args.values.all) });
    if (!keys.length) {
      io.out('No API keys. Create one with: newsdesk apikeys create --name NAME --kind admin|content [--role ROLE]');
      return 0;
    }
    for (const k of keys) {
      const used = k.last_used_at ? `last used ${k.last_used_at.toISOString()}` : 'never used';
      io.out(`${String(k.id).padStart(4)}  ${k.kind.padEnd(7)} ${(k.role ?? '-').padEnd(13)} ${k.prefix}…  ${k.name}  (${used}${k.revoked_at ? `, revoked ${k.revoked_at.toISOString()}` : ''})`);
    }
    return 0;
  },
};

export const apiKeysRevokeCommand: Command = {
  name: 'apikeys revoke',
  summary: 'Revoke an API key (it stops working at once)',
  usage: 'newsdesk apikeys revoke ID',
  remote: true,
  async run({ deps, io }, args) {
    const id = args.positionals[0];
    if (!id || args.positionals.length > 1 || !/^\d+$/.test(id)) throw new UsageError('Name the key by its id (see newsdesk apikeys list).');
    const key = await revokeApiKey(deps.db, Number(id), deps.clock.now());
    io.out(`Revoked ${key.kind} API key "${key.name}" (id ${key.id}).`);
    return 0;
  },
};
