// The command registry names each command without loading it (src/cli/registry.ts). What it says
// must match the command it loads, for every command, or `--help` would describe another command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commands, findCommand, loadCommand } from '../src/cli/registry.ts';

test('every registry entry loads the command it names, with the same summary and flags', async () => {
  assert.ok(commands.length > 0);
  const names = new Set<string>();
  for (const entry of commands) {
    assert.ok(!names.has(entry.name), `"${entry.name}" is registered twice`);
    names.add(entry.name);
    const command = await loadCommand(entry);
    assert.equal(typeof command.run, 'function', entry.name);
    assert.equal(command.name, entry.name);
    assert.equal(command.summary, entry.summary, `${entry.name}: summary`);
    assert.equal(command.remote, entry.remote, `${entry.name}: remote`);
    assert.equal(!!command.offline, !!entry.offline, `${entry.name}: offline`);
    assert.match(command.usage, new RegExp(`^newsdesk ${entry.name}\\b`), `${entry.name}: usage starts with its name`);
  }
});

test('the longest matching name wins and the rest are the arguments', () => {
  const found = findCommand(['subscribers', 'import', 'x.csv', '--confirmed']);
  assert.equal(found?.command.name, 'subscribers import');
  assert.deepEqual(found?.rest, ['x.csv', '--confirmed']);
  assert.equal(findCommand(['subscribers']), null);
  assert.equal(findCommand(['nonsense']), null);
});
