// Values derived from a whole run's inputs (the model and every fact set) that more than one rule
// needs: computed once per evaluation instead of once per rule. The engine hands rules a context
// object of its own for each run, so a memo can never outlive the inputs it was computed from.
import type { RuleContext } from './rule';

const memos = new WeakMap<RuleContext, Map<object, unknown>>();

/** A copy of `ctx` for one evaluation, with an empty memo. */
export function beginRun(ctx: RuleContext): RuleContext {
  const run = { ...ctx };
  memos.set(run, new Map());
  return run;
}

/**
 * `compute()` once per run for `key` (a module-level object naming the value). Outside a run
 * begun by the engine (a rule called directly) it simply computes.
 */
export function perRun<T>(ctx: RuleContext, key: object, compute: () => T): T {
  const memo = memos.get(ctx);
  if (!memo) return compute();
  if (memo.has(key)) return memo.get(key) as T;
  const value = compute();
  memo.set(key, value);
  return value;
}
