// Loads a KubeKey v4 inventory (and optional Config) into the ClusterModel: both files validated,
// groups resolved, variables layered per host. Every problem in the files is reported at once,
// one `file:line:col key.path: …` line each, as a UserError with exit code 2.
import { UserError } from '../../shared/errors';
import type { ClusterModel, InventoryHost, Value, Vars } from '../model/cluster';
import { builtinDefaults } from '../config/defaults';
import { applyDerived } from '../config/derived';
import { deepMerge, isMap, mergeLayers } from '../config/merge';
import { recordWorkDirProvenance } from '../model/work-dir';
import { describe, validate } from '../config/schema';
import type { Issue, PathSeg } from '../config/schema';
import { closestKey } from '../config/typo';
import { VARS_SCHEMA } from '../config/vars-schema';
import { SUPPORTED_KUBE_MINORS, versionDefaults } from '../config/version-defaults';
import { resolveGroups } from './groups';
import { HostVarsDeriver } from './host-vars';
import type { GroupDef } from './groups';
import { YamlSource } from './yaml-source';

export const API_VERSION = 'kubekey.kubesphere.io/v1';

interface Finding {
  line: number;
  col: number;
  text: string;
}

/** Findings of one file, printed in file order whatever order the checks ran in. */
class Findings {
  private readonly errs: Finding[] = [];
  private readonly warns: Finding[] = [];
  constructor(readonly src: YamlSource) {}

  private add(to: Finding[], path: PathSeg[], text: string): void {
    const { line, col } = this.src.position(path);
    to.push({ line, col, text: this.src.message(path, text) });
  }
  error(path: PathSeg[], text: string): void {
    this.add(this.errs, path, text);
  }
  warn(path: PathSeg[], text: string): void {
    this.add(this.warns, path, text);
  }
  get errors(): string[] {
    return sorted(this.errs);
  }
  get warnings(): string[] {
    return sorted(this.warns);
  }
  /** Warns about keys of a fixed-shape map (`spec`, a group) that are near misses of the known ones. */
  typos(value: Vars, path: PathSeg[], known: readonly string[]): void {
    for (const k of Object.keys(value)) {
      if (known.includes(k)) continue;
      const near = closestKey(k, known);
      if (near) this.warn([...path, k], `unknown key "${k}" — did you mean "${near}"? (kept as written)`);
    }
  }
  // Positions name the key, as users read errors by key (`config.yaml:14:5 spec.cni.pod_cidr: …`).
  issues(list: Issue[]): void {
    for (const i of list) {
      if (i.level === 'error') this.error(i.path, i.message);
      else this.warn(i.path, i.message);
    }
  }
}

function sorted(list: Finding[]): string[] {
  return [...list].sort((a, b) => a.line - b.line || a.col - b.col).map((f) => f.text);
}

/** Checks apiVersion/kind and returns `spec` (null when absent or empty). */
function header(doc: Value, kind: 'Inventory' | 'Config', f: Findings): Vars | null {
  if (doc === null) {
    f.error([], `file is empty; expected a ${API_VERSION} ${kind}`);
    return null;
  }
  if (!isMap(doc)) {
    f.error([], `expected a ${API_VERSION} ${kind} (a YAML map), found ${describe(doc)}`);
    return null;
  }
  f.typos(doc, [], ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
  if (doc.apiVersion === undefined) f.error([], `apiVersion is missing; expected ${API_VERSION}`);
  else if (doc.apiVersion !== API_VERSION) {
    const v3 = doc.kind === 'Cluster' ? ' (this looks like a KubeKey v3 cluster file; kk reads the v4 Inventory and Config formats)' : '';
    f.error(['apiVersion'], `expected ${API_VERSION}, found ${describe(doc.apiVersion)}${v3}`);
  }
  if (doc.kind === undefined) {
    f.error([], `kind is missing; expected ${kind}`);
  } else if (doc.kind !== kind) {
    const other = kind === 'Inventory' ? 'Config' : 'Inventory';
    const swapped = doc.kind === other ? ` (is this the ${other.toLowerCase()} file? inventory goes to -i, config to -c)` : '';
    f.error(['kind'], `expected ${kind}, found ${describe(doc.kind)}${swapped}`);
  }
  const spec = doc.spec;
  if (spec === undefined || spec === null) return null;
  if (!isMap(spec)) {
    f.error(['spec'], `expected a map, found ${describe(spec)}`);
    return null;
  }
  return spec;
}

/** Validates a vars block against the schema; returns the normalised block. */
function checkVars(value: Value, path: PathSeg[], f: Findings): Vars {
  if (value === null || value === undefined) return {};
  const issues: Issue[] = [];
  const out = validate(value, VARS_SCHEMA, path, issues);
  f.issues(issues);
  return isMap(out) ? out : {};
}

function nameList(value: Value | undefined, path: PathSeg[], f: Findings): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    f.error(path, `expected a list of names, found ${describe(value)}`);
    return [];
  }
  const out: string[] = [];
  value.forEach((item, i) => {
    if (typeof item === 'string' || typeof item === 'number') out.push(String(item));
    else f.error([...path, i], `expected a name, found ${describe(item)}`);
  });
  return out;
}

interface ParsedInventory {
  hostOrder: string[];
  hostVars: Map<string, Vars>;
  groups: GroupDef[];
  groupVars: Map<string, Vars>;
  specVars: Vars;
}

/** `connector.*` is KubeKey's SSH settings; kk's agents make them moot. Stripped, noted once. */
function stripConnector(vars: Vars, path: PathSeg[], seen: PathSeg[][]): Vars {
  if (!('connector' in vars)) return vars;
  seen.push([...path, 'connector']);
  const { connector: _ignored, ...rest } = vars;
  return rest;
}

function parseInventory(spec: Vars | null, f: Findings): ParsedInventory {
  const parsed: ParsedInventory = { hostOrder: [], hostVars: new Map(), groups: [], groupVars: new Map(), specVars: {} };
  if (!spec) return parsed;
  f.typos(spec, ['spec'], ['hosts', 'groups', 'vars']);
  const connectors: PathSeg[][] = [];

  const hosts = spec.hosts;
  if (hosts !== undefined && hosts !== null && !isMap(hosts)) f.error(['spec', 'hosts'], `expected a map of host name → vars, found ${describe(hosts)}`);
  else if (isMap(hosts)) {
    for (const [name, vars] of Object.entries(hosts)) {
      const path: PathSeg[] = ['spec', 'hosts', name];
      parsed.hostOrder.push(name);
      if (vars !== null && !isMap(vars)) {
        f.error(path, `expected a map of host variables, found ${describe(vars)}`);
        parsed.hostVars.set(name, {});
        continue;
      }
      parsed.hostVars.set(name, stripConnector(checkVars(vars, path, f), path, connectors));
    }
  }

  const groups = spec.groups;
  if (groups !== undefined && groups !== null && !isMap(groups))
    f.error(['spec', 'groups'], `expected a map of group name → {hosts, groups, vars}, found ${describe(groups)}`);
  else if (isMap(groups)) {
    for (const [name, def] of Object.entries(groups)) {
      const path: PathSeg[] = ['spec', 'groups', name];
      if (def !== null && !isMap(def)) {
        f.error(path, `expected a map with hosts, groups and vars, found ${describe(def)}`);
        continue;
      }
      const d = def ?? {};
      f.typos(d, path, ['hosts', 'groups', 'vars']);
      parsed.groups.push({ name, hosts: nameList(d.hosts, [...path, 'hosts'], f), groups: nameList(d.groups, [...path, 'groups'], f) });
      if (d.vars !== undefined && d.vars !== null && !isMap(d.vars)) f.error([...path, 'vars'], `expected a map, found ${describe(d.vars)}`);
      else parsed.groupVars.set(name, stripConnector(checkVars(d.vars ?? null, [...path, 'vars'], f), [...path, 'vars'], connectors));
    }
  }

  const vars = spec.vars;
  if (vars !== undefined && vars !== null && !isMap(vars)) f.error(['spec', 'vars'], `expected a map, found ${describe(vars)}`);
  else parsed.specVars = stripConnector(checkVars(vars ?? null, ['spec', 'vars'], f), ['spec', 'vars'], connectors);

  if (connectors.length > 0) {
    const more = connectors.length > 1 ? ` here and in ${connectors.length - 1} other place(s)` : '';
    f.warn(connectors[0]!, `connector settings are ignored${more}: kk reaches nodes through their agents, not SSH`);
  }

  // KubeKey always knows `localhost` (the machine running kk); its sample inventory uses it
  // without listing it under spec.hosts. Honour that instead of calling it an unknown host.
  const usesLocalhost = parsed.groups.some((g) => g.hosts.includes('localhost'));
  if (usesLocalhost && !parsed.hostVars.has('localhost')) {
    parsed.hostOrder.push('localhost');
    parsed.hostVars.set('localhost', {});
    const at = parsed.groups.find((g) => g.hosts.includes('localhost'))!;
    f.warn(
      ['spec', 'groups', at.name, 'hosts', at.hosts.indexOf('localhost')],
      'host "localhost" is not in spec.hosts; taken to be the coordinator\'s own machine (as KubeKey does)',
    );
  }
  return parsed;
}

function fail(errors: string[]): never {
  throw new UserError(errors.join('\n'), 2);
}

/**
 * Loads and validates a KubeKey v4 inventory and Config (null = defaults only). Synchronous.
 * Throws UserError (exit code 2) listing every problem found, one per line.
 */
export function loadCluster(inventoryPath: string, configPath: string | null): ClusterModel {
  return modelFrom(YamlSource.read(inventoryPath), configPath === null ? null : YamlSource.read(configPath));
}

/**
 * The same from texts already read (the coordinator receives them over the admin API); `name` is
 * what messages call each file.
 */
export function loadClusterFromText(inventory: { name: string; text: string }, config: { name: string; text: string } | null): ClusterModel {
  return modelFrom(YamlSource.parse(inventory.name, inventory.text), config ? YamlSource.parse(config.name, config.text) : null);
}

function modelFrom(invSrc: YamlSource, cfgSrc: YamlSource | null): ClusterModel {
  const inventoryPath = invSrc.file;
  const configPath = cfgSrc ? cfgSrc.file : null;
  const syntax = [...invSrc.syntaxErrors, ...(cfgSrc?.syntaxErrors ?? [])];
  if (syntax.length > 0) fail(syntax);

  const inv = new Findings(invSrc);
  const inventory = parseInventory(header(invSrc.toValue(), 'Inventory', inv), inv);

  let configSpec: Vars = {};
  const cfg = cfgSrc ? new Findings(cfgSrc) : null;
  if (cfgSrc && cfg) {
    const spec = header(cfgSrc.toValue(), 'Config', cfg);
    if (spec) configSpec = checkVars(spec, ['spec'], cfg);
  }

  const resolved = resolveGroups(inventory.hostOrder, inventory.groups);
  for (const e of resolved.errors) inv.error(e.path, e.message);

  const errors = [...inv.errors, ...(cfg?.errors ?? [])];
  if (errors.length > 0) fail(errors);
  const warnings = [...inv.warnings, ...(cfg?.warnings ?? [])];

  // Version-specific pins are chosen from the cluster-wide kube_version and only fill gaps.
  const base = builtinDefaults();
  const clusterRaw = mergeLayers([base, inventory.specVars, configSpec]);
  const kubeVersion = (isMap(clusterRaw.kubernetes) ? clusterRaw.kubernetes.kube_version : undefined) ?? null;
  let defaults = base;
  if (typeof kubeVersion === 'string' && kubeVersion !== '') {
    const pins = versionDefaults(kubeVersion);
    if (pins) defaults = deepMerge(base, pins);
    else {
      const first = SUPPORTED_KUBE_MINORS[0];
      const last = SUPPORTED_KUBE_MINORS[SUPPORTED_KUBE_MINORS.length - 1];
      warnings.push(
        `kubernetes.kube_version ${kubeVersion}: kk has no pinned component versions for it (it has ${first}–${last}); set etcd, CRI and CNI versions in the Config`,
      );
    }
  }

  const groupNames = [...Object.keys(resolved.members)];
  const order = new Map(inventory.groups.map((g, i) => [g.name, i]));
  // Sets, not Array.includes: with thousands of hosts the lookups were quadratic.
  const memberSets = new Map(groupNames.map((g) => [g, new Set(resolved.members[g] ?? [])]));
  const hostGroups = (host: string): string[] => {
    const mine = groupNames.filter((g) => memberSets.get(g)?.has(host));
    const rank = (g: string): number => (g === 'all' ? -1 : (order.get(g) ?? Number.MAX_SAFE_INTEGER));
    return mine.sort((a, b) => rank(a) - rank(b));
  };
  const hostPrefix = new Map<string, Vars>();
  const hostGroupList = new Map<string, string[]>();
  /** A host's group vars, most specific group first (for the work_dir provenance record). */
  const hostGroupLayers = new Map<string, Vars[]>();
  const groupPrefix = new Map<string, Vars>();
  for (const name of inventory.hostOrder) {
    const groups = hostGroups(name);
    hostGroupList.set(name, groups);
    // Parent groups before the groups nested in them, so the more specific group wins.
    const byDepth = [...groups].sort((a, b) => (resolved.depth[a] ?? 1) - (resolved.depth[b] ?? 1) || groups.indexOf(a) - groups.indexOf(b));
    // Hosts in the same groups share everything below their host vars: merge that once (deepMerge
    // copies its inputs, so the cached prefix is never changed by a later merge).
    const key = byDepth.join('\0');
    let prefix = groupPrefix.get(key);
    if (!prefix) {
      prefix = mergeLayers([defaults, inventory.specVars, ...byDepth.map((g) => inventory.groupVars.get(g) ?? {})]);
      groupPrefix.set(key, prefix);
    }
    hostPrefix.set(name, prefix);
    hostGroupLayers.set(name, byDepth.map((g) => inventory.groupVars.get(g) ?? {}).reverse());
  }
  // A host's merged layers before derivation: a fresh tree each call, so derivation may fill it in place.
  const merged = (name: string): Vars | undefined => {
    const prefix = hostPrefix.get(name);
    return prefix ? deepMerge(deepMerge(prefix, inventory.hostVars.get(name) ?? {}), configSpec) : undefined;
  };
  const ctx = { groups: resolved.members, hostVars: merged };
  const deriver = new HostVarsDeriver(configSpec, ctx);
  const hosts: InventoryHost[] = inventory.hostOrder.map((name) => {
    const own = inventory.hostVars.get(name) ?? {};
    const vars = deriver.vars(hostPrefix.get(name)!, own, merged(name)!);
    recordWorkDirProvenance(vars, [configSpec, own, ...(hostGroupLayers.get(name) ?? []), inventory.specVars]);
    return { name, groups: hostGroupList.get(name) ?? ['all'], vars };
  });
  const clusterVars = applyDerived(mergeLayers([defaults, inventory.specVars, configSpec]), ctx);
  recordWorkDirProvenance(clusterVars, [configSpec, inventory.specVars]);

  return {
    hosts,
    groups: resolved.members,
    vars: clusterVars,
    sources: { inventory: inventoryPath, config: configPath },
    warnings,
  };
}
