// Variable layering as KubeKey does it: maps merge key by key, anything else (lists, scalars)
// is replaced by the higher layer. A null in a higher layer means "not set" (YAML `key:` with
// only comments under it), so it never wipes a lower layer's value.
import type { Value, Vars } from '../model/cluster';
import { isMap } from '../model/vars';

export { isMap };

/**
 * A new map: `low` overlaid with `high`; neither input is modified. Subtrees that only one side
 * has are shared with that input, not copied — a 5,000-host inventory would otherwise copy the
 * whole default tree per host. So merged trees are values: never change one in place; copy the
 * maps along the path you write (see `setIn`).
 */
export function deepMerge(low: Vars, high: Vars): Vars {
  const out: Vars = { ...low };
  for (const [k, v] of Object.entries(high)) {
    if (v === null) {
      if (!(k in out)) out[k] = null;
      continue;
    }
    const cur = out[k];
    out[k] = isMap(cur) && isMap(v) ? deepMerge(cur, v) : v;
  }
  return out;
}

/**
 * Sets `segs` in `root` (which the caller owns), copying every map on the way down so that maps
 * shared with other trees stay untouched. Intermediate maps are created where missing; a scalar
 * where a map belongs stops the write (returns false).
 */
export function setIn(root: Vars, segs: readonly string[], value: Value): boolean {
  let cur = root;
  for (const seg of segs.slice(0, -1)) {
    const next = cur[seg];
    if (next !== undefined && next !== null && !isMap(next)) return false;
    const copy: Vars = isMap(next) ? { ...next } : {};
    cur[seg] = copy;
    cur = copy;
  }
  cur[segs[segs.length - 1]!] = value;
  return true;
}

/** Layers merged low → high. */
export function mergeLayers(layers: Vars[]): Vars {
  return layers.reduce<Vars>((acc, layer) => deepMerge(acc, layer), {});
}
