// Variable layering as KubeKey does it: maps merge key by key, anything else (lists, scalars)
// is replaced by the higher layer. A null in a higher layer means "not set" (YAML `key:` with
// only comments under it), so it never wipes a lower layer's value.
import type { Value, Vars } from '../model/cluster';

export function isMap(v: Value | undefined): v is Vars {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clone(v: Value): Value {
  if (Array.isArray(v)) return v.map(clone);
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
  return v;
}

/** A fresh map: `low` overlaid with `high`; neither input is modified. */
export function deepMerge(low: Vars, high: Vars): Vars {
  const out: Vars = {};
  for (const [k, v] of Object.entries(low)) out[k] = clone(v);
  for (const [k, v] of Object.entries(high)) {
    if (v === null) {
      if (!(k in out)) out[k] = null;
      continue;
    }
    const cur = out[k];
    out[k] = isMap(cur) && isMap(v) ? deepMerge(cur, v) : clone(v);
  }
  return out;
}

/** Layers merged low → high. */
export function mergeLayers(layers: Vars[]): Vars {
  return layers.reduce<Vars>((acc, layer) => deepMerge(acc, layer), {});
}
