// Each host's final variables: its merged layers plus the derived values (config/derived.ts).
// Deriving is the costly part of a load — thirty-odd fills, each copying maps, per host — yet a
// host whose own vars leave every key derivation reads or writes alone (typically just
// internal_ipv4) derives exactly what its group-mates derive. So derivation runs once per group
// combination and those hosts share the result; hosts with their own say run it themselves.
import type { Vars } from '../model/cluster';
import { applyDerived, DERIVED_TOP_KEYS } from '../config/derived';
import type { DeriveContext } from '../config/derived';
import { deepMerge } from '../config/merge';

export class HostVarsDeriver {
  /** Group-layer prefix (by identity) → its derived merge with the Config spec, and its derived keys. */
  private readonly byPrefix = new Map<Vars, { derived: Vars; keys: string[] }>();

  constructor(
    private readonly configSpec: Vars,
    private readonly ctx: DeriveContext,
  ) {}

  /**
   * What `applyDerived(merged, ctx)` makes of `merged` — the caller's own
   * `deepMerge(deepMerge(prefix, hostVars), configSpec)`, changed in place and returned: same
   * values, same key order. Derived maps may be shared between hosts: like all merged trees, the
   * result is never changed in place afterwards.
   */
  vars(prefix: Vars, hostVars: Vars, merged: Vars): Vars {
    for (const k in hostVars) if (DERIVED_TOP_KEYS.has(k)) return applyDerived(merged, this.ctx);
    let shared = this.byPrefix.get(prefix);
    if (!shared) {
      const derived = applyDerived(deepMerge(prefix, this.configSpec), this.ctx);
      shared = { derived, keys: Object.keys(derived).filter((k) => DERIVED_TOP_KEYS.has(k)) };
      this.byPrefix.set(prefix, shared);
    }
    // Keys already present keep their place; keys derivation added are appended in its order, as
    // applyDerived itself would have appended them.
    for (const k of shared.keys) merged[k] = shared.derived[k]!;
    return merged;
  }
}
