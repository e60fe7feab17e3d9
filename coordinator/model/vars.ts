// The one reader of merged variables: typed reads by dotted path (`getString(vars,
// 'kubernetes.kube_version')`), or by segment list when a key holds dots (`['cluster_require',
// 'etcd_min_versions', 'v1.33']`). Loading already validated the types of every key kk reads, so
// these return undefined only for unset keys (or keys outside the schema holding something
// unexpected). The precheck's stricter reads, with its defaults and errors naming the key, are
// built on getVar (coordinator/precheck/vars.ts).
import type { Value, Vars } from './cluster';

/** A dotted path, or its segments when a key itself holds dots. */
export type VarPath = string | readonly string[];

export function isMap(v: Value | undefined): v is Vars {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Rules and steps read the same few dozen keys once per host: split each dotted path once.
const SPLIT_CACHE_MAX = 10_000;
const splitCache = new Map<string, readonly string[]>();
function segments(path: VarPath): readonly string[] {
  if (typeof path !== 'string') return path;
  let segs = splitCache.get(path);
  if (!segs) {
    if (splitCache.size >= SPLIT_CACHE_MAX) splitCache.clear();
    segs = path.split('.');
    splitCache.set(path, segs);
  }
  return segs;
}

/** The raw value at a path; undefined when any segment is missing. Null means "set to null". */
export function getVar(vars: Vars, path: VarPath): Value | undefined {
  let cur: Value | undefined = vars;
  for (const seg of segments(path)) {
    if (!isMap(cur)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

export function getString(vars: Vars, path: VarPath): string | undefined {
  const v = getVar(vars, path);
  return typeof v === 'string' ? v : undefined;
}

/** A string that is set and non-empty (KubeKey uses "" for "unset" throughout). */
export function getNonEmptyString(vars: Vars, path: VarPath): string | undefined {
  const v = getString(vars, path);
  return v === undefined || v === '' ? undefined : v;
}

export function getNumber(vars: Vars, path: VarPath): number | undefined {
  const v = getVar(vars, path);
  return typeof v === 'number' ? v : undefined;
}

export function getBool(vars: Vars, path: VarPath): boolean | undefined {
  const v = getVar(vars, path);
  return typeof v === 'boolean' ? v : undefined;
}

export function getStringList(vars: Vars, path: VarPath): string[] | undefined {
  const v = getVar(vars, path);
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
}

export function getMap(vars: Vars, path: VarPath): Vars | undefined {
  const v = getVar(vars, path);
  return isMap(v) ? v : undefined;
}
