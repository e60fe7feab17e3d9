// Durations are written the same everywhere: one seconds() in shared/text-format.ts, used by the
// run history and the live progress view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seconds, table } from '../../../shared/text-format';

test('seconds: tenths under 10 s, whole seconds under 10 min, then minutes and seconds', () => {
  assert.equal(seconds(400), '0.4s');
  assert.equal(seconds(42_000), '42s');
  assert.equal(seconds(725_000), '12m5s');
});

test('table: columns padded to the widest cell, the last one left ragged', () => {
  assert.equal(
    table(
      ['A', 'BB'],
      [
        ['xyz', '1'],
        ['', '22'],
      ],
    ),
    'A    BB\nxyz  1\n     22\n',
  );
});
