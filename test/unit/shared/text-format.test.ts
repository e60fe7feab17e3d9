// Durations are written the same everywhere: the run history (shared/text-format.ts) and the live
// progress view (coordinator/phases/progress.ts, which keeps its own copy until it imports this one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seconds, table } from '../../../shared/text-format';
import { seconds as progressSeconds } from '../../../coordinator/phases/progress';

test('seconds: tenths under 10 s, whole seconds under 10 min, then minutes and seconds — as the progress view writes them', () => {
  assert.equal(seconds(400), '0.4s');
  assert.equal(seconds(42_000), '42s');
  assert.equal(seconds(725_000), '12m5s');
  for (const ms of [0, 1, 99, 9_949, 9_999, 10_000, 59_500, 599_499, 599_999, 600_000, 3_600_000, 7_265_432]) assert.equal(seconds(ms), progressSeconds(ms), `${ms} ms`);
});

test('table: columns padded to the widest cell, the last one left ragged', () => {
  assert.equal(table(['A', 'BB'], [['xyz', '1'], ['', '22']]), 'A    BB\nxyz  1\n     22\n');
});
