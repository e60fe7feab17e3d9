// boot.ts picks the operator bundle by the command word: the word list it reads must be exactly
// the commands that bundle registers — the command table as built with KK_CLI_BUNDLE=operator —
// or a command would start the wrong bundle and be unknown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OPERATOR_WORDS } from '../../../coordinator/cli/fast-start/operator-words';
import type * as CommandTableModule from '../../../coordinator/cli/command-table';

test("the operator bundle's words are the commands it registers", async () => {
  const before = process.env.KK_CLI_BUNDLE;
  process.env.KK_CLI_BUNDLE = 'operator';
  let table;
  try {
    // A fresh evaluation of the table under the operator bundle's setting (the query makes it a new module).
    table = ((await import(`../../../coordinator/cli/command-table.ts?operator=${Date.now()}`)) as typeof CommandTableModule).COMMANDS;
  } finally {
    if (before === undefined) delete process.env.KK_CLI_BUNDLE;
    else process.env.KK_CLI_BUNDLE = before;
  }
  const present = Object.entries(table).filter(([, load]) => load !== undefined);
  assert.deepEqual(present.map(([w]) => w).sort(), [...OPERATOR_WORDS].sort());
  for (const [word, load] of present) {
    const names = (await load!()).map((c) => c.name());
    assert.ok(names.includes(word), `${word} loads ${names.join(', ')}`);
  }
});

test('the full table offers every word, and each loads its own command', async () => {
  const { COMMANDS } = await import('../../../coordinator/cli/command-table');
  for (const [word, load] of Object.entries(COMMANDS)) {
    assert.ok(load, `${word} is in the full bundle`);
    const names = (await load()).map((c) => c.name());
    assert.ok(names.includes(word), `${word} loads ${names.join(', ')}`);
  }
  for (const w of OPERATOR_WORDS) assert.ok(COMMANDS[w], `${w} is in the full bundle too`);
});
