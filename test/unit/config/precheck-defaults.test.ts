// The precheck rules carry their own fallbacks (PRECHECK_DEFAULTS) so they work on any model, and
// the loader fills the full default tree (builtinDefaults). The two must never disagree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinDefaults } from '../../../coordinator/config/defaults';
import { PRECHECK_DEFAULTS } from '../../../coordinator/precheck/defaults';

test('every precheck fallback equals the loader default at the same path', () => {
  const loader = builtinDefaults();
  const walk = (path: string[], value: unknown): void => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk([...path, k], v);
      return;
    }
    let cur: unknown = loader;
    for (const k of path) cur = (cur as Record<string, unknown> | undefined)?.[k];
    assert.deepEqual(cur, value, path.join('.'));
  };
  walk([], PRECHECK_DEFAULTS);
});
