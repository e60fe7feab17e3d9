// A quick structural check of a fact set, for the common case: an agent's own output, exactly the
// facts.md shape. zod (./schema.ts) takes ~30 µs per fact set, most of a 5,000-node `precheck
// --facts` second; this takes a few. It only ever says "certainly valid, and here is exactly what
// zod would return" or "not sure": anything unusual — an unknown field, fields in another order, a
// value zod might coerce or reject — returns null, and zod decides and explains. The result shares
// nested objects with the input (zod would have copied them): callers hand over freshly parsed data.
import type { FactSet } from './types';

type Check = (v: unknown) => boolean;

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

const str: Check = (v) => typeof v === 'string';
const bool: Check = (v) => typeof v === 'boolean';
// zod 4 numbers are finite; `.int()` means a safe integer.
const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const count: Check = (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const bytes: Check = (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const nullable = (c: Check): Check => (v) => v === null || c(v);
const oneOf = (...values: unknown[]): Check => (v) => values.includes(v);

function list(item: Check): Check {
  return (v) => {
    if (!Array.isArray(v)) return false;
    for (let i = 0; i < v.length; i++) if (!item(v[i])) return false;
    return true;
  };
}

function record(value: Check): Check {
  return (v) => {
    if (!isPlain(v)) return false;
    for (const k in v) if (k === '__proto__' || !value(v[k])) return false;
    return true;
  };
}

/** Exactly these keys, in this order (zod's output order), each valid. */
function object(shape: Record<string, Check>): Check {
  const keys = Object.keys(shape);
  const checks = Object.values(shape);
  return (v) => {
    if (!isPlain(v)) return false;
    // for…in walks own keys in order (a plain object inherits no enumerable ones) without
    // allocating a key array: there are ~40 of these objects per fact set.
    let i = 0;
    for (const k in v) {
      if (k !== keys[i] || !checks[i]!(v[k])) return false;
      i++;
    }
    return i === keys.length;
  };
}

// Mirrors factSetSchema in ./schema.ts field for field; test/unit/facts/schema-fast.test.ts
// checks the two agree.
const os = object({ id: str, versionId: str, prettyName: str, kernelVersion: str, architecture: str, machine: str });
const cpu = object({ count, model: str });
const memory = object({ totalBytes: bytes, availableBytes: bytes, swapTotalBytes: bytes, swapFreeBytes: bytes });
const address = object({ family: oneOf('IPv4', 'IPv6'), address: str, prefixLength: count });
const iface = object({ name: str, mac: str, mtu: count, up: bool, addresses: list(address) });
const defaultRoute = object({ interface: str, gateway: nullable(str) });
const listeningPort = object({ protocol: oneOf('tcp', 'udp'), address: str, port: count, process: nullable(str) });
const cgroup = object({ version: oneOf(1, 2), controllers: list(str) });
const service = object({ loadState: str, activeState: str, version: nullable(str) });
const pathFacts = object({ exists: bool, empty: bool });
const disk = object({ mount: str, totalBytes: bytes, freeBytes: bytes });
const blockDevice = object({ name: str, sizeBytes: bytes, type: str, mountpoint: nullable(str), fstype: nullable(str) });
const time = object({ epochMs: num, ntpSynchronized: nullable(bool) });
const fio = object({ directory: str, syncLatencyNs: object({ p50: bytes, p90: bytes, p99: bytes }), ranAtMs: num });

const REQUIRED: [keyof FactSet, Check][] = [
  ['schemaVersion', count],
  ['collectedAtMs', num],
  ['hostname', nullable(str)],
  ['machineId', nullable(str)],
  ['productUuid', nullable(str)],
  ['os', nullable(os)],
  ['cpu', nullable(cpu)],
  ['memory', nullable(memory)],
  ['interfaces', nullable(list(iface))],
  ['defaultRoute', nullable(defaultRoute)],
  ['listeningPorts', nullable(list(listeningPort))],
  ['sysctl', nullable(record(nullable(str)))],
  ['kernelModules', nullable(list(str))],
  ['cgroup', nullable(cgroup)],
  ['binaries', nullable(record(nullable(str)))],
  ['services', nullable(record(service))],
  ['paths', nullable(record(pathFacts))],
  ['disks', nullable(list(disk))],
  ['blockDevices', nullable(list(blockDevice))],
  ['time', nullable(time)],
];
const fioCheck = nullable(fio);
const probeErrorsCheck = record(str);
const KNOWN = new Set<string>([...REQUIRED.map(([k]) => k), 'fio', 'probeErrors', 'receivedAtMs', 'clockOffsetMs']);

/** The fact set as zod would return it, or null when zod has to decide. */
export function fastFactSet(value: unknown): FactSet | null {
  if (!isPlain(value)) return null;
  let present = 0;
  for (const k of Object.keys(value)) {
    if (!KNOWN.has(k) || value[k] === undefined) return null;
    present++;
  }
  // Built in the schema's key order, as zod builds its output.
  const out: Record<string, unknown> = {};
  for (const [k, check] of REQUIRED) {
    const v = value[k];
    if (!check(v)) return null;
    out[k] = v;
  }
  let used = REQUIRED.length;
  if (has(value, 'fio')) {
    if (!fioCheck(value.fio)) return null;
    out.fio = value.fio;
    used++;
  } else {
    out.fio = null;
  }
  if (has(value, 'probeErrors')) {
    if (!probeErrorsCheck(value.probeErrors)) return null;
    out.probeErrors = value.probeErrors;
    used++;
  } else {
    out.probeErrors = {};
  }
  for (const k of ['receivedAtMs', 'clockOffsetMs'] as const) {
    if (!has(value, k)) continue;
    if (!num(value[k])) return null;
    out[k] = value[k];
    used++;
  }
  return used === present ? (out as unknown as FactSet) : null;
}
