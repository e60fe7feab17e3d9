// boot.ts picks the operator bundle by the command word: the word list it reads must be exactly
// the commands that bundle registers, or a command would start the wrong bundle and be unknown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OPS_COMMANDS } from '../../../coordinator/cli/ops-commands';
import { OPS_TABLE } from '../../../coordinator/cli/ops-table';

test('the operator bundle\'s words are the commands it registers', async () => {
  assert.deepEqual([...OPS_COMMANDS].sort(), Object.keys(OPS_TABLE).sort());
  for (const [word, load] of Object.entries(OPS_TABLE)) {
    const names = (await load()).map((c) => c.name());
    assert.ok(names.includes(word), `${word} loads ${names.join(', ')}`);
  }
});
