// KK_LOG_LEVEL: a level, then optional per-component levels for child loggers ({ component }).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, parseLevelSpec } from '../../../shared/log';
import { UserError } from '../../../shared/errors';

test('a level spec names the base level and per-component levels', () => {
  assert.deepEqual(parseLevelSpec('debug'), { level: 'debug', components: new Map() });
  const s = parseLevelSpec('warn, runs=debug,admin=error');
  assert.equal(s.level, 'warn');
  assert.deepEqual(
    [...s.components],
    [
      ['runs', 'debug'],
      ['admin', 'error'],
    ],
  );
  assert.equal(parseLevelSpec('runs=trace').level, 'info', 'the base level defaults to info');
});

test('an unknown level is a clear error', () => {
  assert.throws(
    () => parseLevelSpec('verbose'),
    (err: unknown) => err instanceof UserError && /"verbose" is not a level/.test(err.message),
  );
  assert.throws(() => parseLevelSpec('info,runs=loud'), /"loud" is not a level/);
});

test('child loggers of a named component take its level, down the tree; others keep the base level', () => {
  const log = createLogger('t', 'info,runs=debug');
  const admin = log.child({ component: 'admin' });
  const runs = admin.child({ component: 'runs' });
  assert.equal(log.level, 'info');
  assert.equal(admin.level, 'info');
  assert.equal(runs.level, 'debug');
  assert.equal(runs.child({ run: 'x' }).level, 'debug');
  assert.equal(createLogger('t', 'warn').child({ component: 'runs' }).level, 'warn');
});
