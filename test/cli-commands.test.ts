// The CLI loads only the module of the command being run: each name it maps to a module must be a
// command that module adds, and no command may be left out of the map.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProgram, COMMANDS } from '../src/cli/main.js';

test('each mapped command name loads the module that defines it, alone', async () => {
  for (const { names } of COMMANDS) {
    for (const name of names) {
      const program = await buildProgram(name);
      const got = program.commands.map((c) => c.name()).sort();
      assert.deepEqual(got, [...names].sort(), `earshot ${name} should register exactly ${names.join(', ')}`);
    }
  }
});

test('help (no command, or an unknown one) lists every command, each named in the map', async () => {
  const mapped = COMMANDS.flatMap((c) => c.names).sort();
  for (const only of [undefined, '--help', 'quer']) {
    const program = await buildProgram(only);
    assert.deepEqual(program.commands.map((c) => c.name()).sort(), mapped);
  }
  const help = (await buildProgram()).helpInformation();
  for (const name of ['import', 'query', 'tables', 'serve', 'users', 'publish', 'lake']) assert.match(help, new RegExp(`\\n  ${name} `));
});
