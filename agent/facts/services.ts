// services: the systemd view of the Kubernetes components — each unit's LoadState, ActiveState and
// ExecStart, read from systemd over the system bus (as `systemctl show` does, without starting it
// on every refresh), or from one `systemctl show` for every unit when the bus cannot be used —
// and each component's own version (`kubelet --version` …) when its unit or binary exists.
// null, with no probe error, when systemd is not running: there is no unit state to report then.
import { statSync } from 'node:fs';
import path from 'node:path';
import type { ServiceFacts } from '../../shared/facts/types';
import { SERVICES } from '../../shared/facts/types';
import { findBinary } from './binaries';
import { BusUnavailable, getProperties, unitObjectPath, type PropertyQuery } from './dbus-client';
import type { DBusValue } from './dbus-wire';
import { hostPath, hostPathExists, ProbeFailure, reasonOf, type ProbeContext, type ProbeErrors } from './probe';

/** `systemctl show -p …` output: one KEY=VALUE block per unit, blocks separated by a blank line. */
export function parseSystemctlShow(text: string): Array<Record<string, string>> {
  const blocks: Array<Record<string, string>> = [];
  let current: Record<string, string> | null = null;
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      current = null;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new ProbeFailure(`systemctl show printed ${JSON.stringify(line.slice(0, 80))}, not KEY=VALUE`);
    if (!current) blocks.push((current = {}));
    current[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return blocks;
}

/** The binary a unit starts, from ExecStart's `{ path=/usr/bin/containerd ; argv[]=… }`. */
export function execStartPath(execStart: string | undefined): string | null {
  const m = execStart ? /\bpath=([^\s;]+)/.exec(execStart) : null;
  return m ? m[1]! : null;
}

const VERSION_TOKEN = /^v?(\d+\.\d+(?:\.\d+)?(?:[-+~][0-9A-Za-z.+~-]+)?)$/;

/**
 * The version in a component's `--version` output, without a leading v: "Kubernetes v1.33.1",
 * "etcd Version: 3.5.21", "containerd containerd.io 1.7.13 <sha>", "Docker version 28.2.2, build …".
 */
export function parseComponentVersion(output: string): string {
  for (const token of output.split(/[\s,]+/)) {
    const m = VERSION_TOKEN.exec(token);
    if (m) return m[1]!;
  }
  throw new ProbeFailure(`no version in ${JSON.stringify(output.trim().split('\n')[0]?.slice(0, 80) ?? '')}`);
}

const UNIT_PROPERTIES = 'Id,LoadState,ActiveState,ExecStart';

export async function readServices(ctx: ProbeContext, errors: ProbeErrors, names: readonly string[] = SERVICES): Promise<Record<string, ServiceFacts> | null> {
  // sd_booted(3): systemd is the running init exactly when this directory exists.
  if (!(await hostPathExists(ctx, '/run/systemd/system'))) return null;
  const units = names.map((n) => `${n}.service`);
  let states: UnitState[];
  try {
    states = await unitStatesOverBus(ctx, units);
  } catch (err) {
    if (!(err instanceof BusUnavailable)) throw err;
    states = await unitStatesFromSystemctl(ctx, units);
  }
  const entries = await Promise.all(
    names.map(async (name, i): Promise<[string, ServiceFacts]> => {
      const { loadState, activeState, execStart } = states[i]!;
      let version: string | null = null;
      try {
        version = await componentVersion(ctx, name, loadState === 'loaded' ? execStart : null);
      } catch (err) {
        errors[`services.${name}.version`] = reasonOf(err);
      }
      return [name, { loadState, activeState, version }];
    }),
  );
  return Object.fromEntries(entries);
}

/** What the facts need of one unit; execStart is the path of its first ExecStart command. */
export interface UnitState {
  loadState: string;
  activeState: string;
  execStart: string | null;
}

export async function unitStatesFromSystemctl(ctx: ProbeContext, units: readonly string[]): Promise<UnitState[]> {
  const blocks = parseSystemctlShow(await ctx.run('systemctl', ['show', '--no-pager', '-p', UNIT_PROPERTIES, ...units]));
  if (blocks.length !== units.length) throw new ProbeFailure(`systemctl show described ${blocks.length} units, asked for ${units.length}`);
  return units.map((unit, i) => {
    const block = blocks.find((b) => b.Id === unit) ?? blocks[i]!;
    const loadState = block.LoadState;
    const activeState = block.ActiveState;
    if (!loadState || !activeState) throw new ProbeFailure(`systemctl show gave no LoadState/ActiveState for ${unit}`);
    return { loadState, activeState, execStart: execStartPath(block.ExecStart) };
  });
}

const SYSTEMD = 'org.freedesktop.systemd1';
const UNIT_PROPERTY_QUERIES = [
  ['org.freedesktop.systemd1.Unit', 'LoadState'],
  ['org.freedesktop.systemd1.Unit', 'ActiveState'],
  ['org.freedesktop.systemd1.Service', 'ExecStart'],
] as const;

/**
 * The same three properties `systemctl show` prints, from systemd itself. Asking for a unit's
 * object path makes systemd load the unit (LoadState not-found when there is no such file), as it
 * does for systemctl.
 */
export async function unitStatesOverBus(ctx: ProbeContext, units: readonly string[]): Promise<UnitState[]> {
  const queries: PropertyQuery[] = units.flatMap((unit) =>
    UNIT_PROPERTY_QUERIES.map(([iface, property]) => ({
      destination: SYSTEMD,
      path: unitObjectPath(unit),
      interface: iface,
      property,
    })),
  );
  const results = await getProperties(ctx, queries);
  return units.map((unit, u): UnitState => {
    const [load, active, exec] = results.slice(u * 3, u * 3 + 3);
    const text = (r: typeof load, what: string): string => {
      if (r && 'value' in r && typeof r.value === 'string' && r.value !== '') return r.value;
      throw new ProbeFailure(`systemd gave no ${what} for ${unit}${r && 'error' in r ? ` (${r.error})` : ''}`);
    };
    // A unit that is not a loaded service has no ExecStart to speak of: none, as systemctl prints.
    return {
      loadState: text(load, 'LoadState'),
      activeState: text(active, 'ActiveState'),
      execStart: exec && 'value' in exec ? firstExecPath(exec.value) : null,
    };
  });
}

/** ExecStart is a(sasbttttuii): the first command's path (its "path=" in systemctl's rendering). */
export function firstExecPath(value: DBusValue): string | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const first = value[0];
  return Array.isArray(first) && typeof first[0] === 'string' && first[0] !== '' ? first[0] : null;
}

// A component's `--version` starts a large Go binary (kubelet, containerd, etcd): tens of ms of CPU
// on every refresh for an answer that only changes with the file. Remembered per probe context
// (the live host's is the module's hostContext) and per file identity, so a replaced binary is
// asked again.
const versionCache = new WeakMap<ProbeContext, Map<string, string>>();

async function fileIdentity(ctx: ProbeContext, binary: string): Promise<string | null> {
  try {
    const s = statSync(hostPath(ctx, binary));
    return `${binary}\0${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
  } catch {
    return null;
  }
}

/** `<binary> --version` for the unit's own binary, else the one on the clean PATH; null if neither. */
async function componentVersion(ctx: ProbeContext, name: string, unitBinary: string | null): Promise<string | null> {
  const fromUnit = unitBinary && path.basename(unitBinary).startsWith(name) && (await hostPathExists(ctx, unitBinary)) ? unitBinary : null;
  const binary = fromUnit ?? (await findBinary(ctx, name));
  if (!binary) return null;
  const key = await fileIdentity(ctx, binary);
  let cache = versionCache.get(ctx);
  const known = key ? cache?.get(key) : undefined;
  if (known) return known;
  const version = parseComponentVersion(await ctx.run(binary, ['--version'], { timeoutMs: 10_000 }));
  if (key) {
    if (!cache) versionCache.set(ctx, (cache = new Map()));
    cache.set(key, version);
  }
  return version;
}
