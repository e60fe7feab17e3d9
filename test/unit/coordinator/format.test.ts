import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration, table, ago } from '../../../coordinator/cli/format';

test('durations: units, combinations, never; garbage is an error', () => {
  assert.equal(parseDuration('24h'), 86_400);
  assert.equal(parseDuration('1h30m'), 5_400);
  assert.equal(parseDuration('7d'), 604_800);
  assert.equal(parseDuration('0'), 0);
  for (const bad of ['', 'soon', '10', '5x', '1h junk']) assert.throws(() => parseDuration(bad), /not a duration/, bad);
});

test('tables align columns and never pad the last one', () => {
  const t = table(
    ['A', 'LONGER'],
    [
      ['x', 'y'],
      ['wide-value', 'z'],
    ],
  );
  assert.equal(t, 'A           LONGER\nx           y\nwide-value  z\n');
});

test('ago reads like a person would say it', () => {
  assert.equal(ago(0), 'never');
  assert.equal(ago(1000, 6000), '5s ago');
  assert.equal(ago(0 + 1, 1 + 3 * 3600 * 1000), '3h ago');
});
