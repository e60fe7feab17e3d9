// --skip and --ignore-errors take rule ids and tags (`node.swap`, `node`), and --ignore-errors
// also `all`, like kubeadm's --ignore-preflight-errors. Anything else is a usage error (exit 2).
import { UserError } from '../../shared/errors';
import type { Rule } from './rule';

/** Splits, trims and lower-cases `a,b` / repeated values; empty entries are dropped. */
export function splitSelectors(values: readonly string[]): string[] {
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v !== '');
}

/** The rule ids the selectors name; throws UserError (exit 2) naming an unknown id or tag. */
export function resolveSelectors(values: readonly string[], ruleList: readonly Rule[], flag: string, allowAll: boolean): Set<string> {
  const ids = new Set<string>();
  const tags = new Map<string, string[]>();
  for (const r of ruleList) tags.set(r.tag, [...(tags.get(r.tag) ?? []), r.id]);
  const known = new Set(ruleList.map((r) => r.id));
  for (const s of splitSelectors(values)) {
    if (allowAll && s === 'all') {
      for (const id of known) ids.add(id);
    } else if (known.has(s)) {
      ids.add(s);
    } else if (tags.has(s)) {
      for (const id of tags.get(s)!) ids.add(id);
    } else {
      const all = allowAll ? ', or all' : '';
      throw new UserError(
        `${flag}: unknown rule id or tag "${s}" (tags: ${[...tags.keys()].join(', ')}${all}; rule ids are <tag>.<name>, listed in docs/precheck-rules.md)`,
        2,
      );
    }
  }
  return ids;
}
