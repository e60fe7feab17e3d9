// Validation of a fact set that arrives from outside the coordinator — a `precheck --facts` file
// or an agent's gRPC report — against the facts.md contract. Unknown fields are dropped (a newer
// agent may send more); a missing or mistyped required field is a UserError naming where and
// which field. Every fact is a required key whose value may be null; `fio` (null until a probe
// ran) and `probeErrors` may be left out, as may the coordinator's receivedAtMs/clockOffsetMs.
import { z } from 'zod';
import { UserError } from '../errors';
import type { FactSet } from './types';
import { fastFactSet } from './schema-fast';

const count = z.number().int().nonnegative();
const bytes = z.number().nonnegative();

const osSchema = z.object({
  id: z.string(), versionId: z.string(), prettyName: z.string(),
  kernelVersion: z.string(), architecture: z.string(), machine: z.string(),
});
const cpuSchema = z.object({ count, model: z.string() });
const memorySchema = z.object({ totalBytes: bytes, availableBytes: bytes, swapTotalBytes: bytes, swapFreeBytes: bytes });
const interfaceSchema = z.object({
  name: z.string(), mac: z.string(), mtu: count, up: z.boolean(),
  addresses: z.array(z.object({ family: z.enum(['IPv4', 'IPv6']), address: z.string(), prefixLength: count })),
});
const defaultRouteSchema = z.object({ interface: z.string(), gateway: z.string().nullable() });
const listeningPortSchema = z.object({
  protocol: z.enum(['tcp', 'udp']), address: z.string(), port: count, process: z.string().nullable(),
});
const cgroupSchema = z.object({ version: z.union([z.literal(1), z.literal(2)]), controllers: z.array(z.string()) });
const serviceSchema = z.object({ loadState: z.string(), activeState: z.string(), version: z.string().nullable() });
const pathSchema = z.object({ exists: z.boolean(), empty: z.boolean() });
const diskSchema = z.object({ mount: z.string(), totalBytes: bytes, freeBytes: bytes });
const blockDeviceSchema = z.object({
  name: z.string(), sizeBytes: bytes, type: z.string(), mountpoint: z.string().nullable(), fstype: z.string().nullable(),
});
const timeSchema = z.object({ epochMs: z.number(), ntpSynchronized: z.boolean().nullable() });
const fioSchema = z.object({
  directory: z.string(),
  syncLatencyNs: z.object({ p50: bytes, p90: bytes, p99: bytes }),
  ranAtMs: z.number(),
});

export const factSetSchema = z.object({
  schemaVersion: count,
  collectedAtMs: z.number(),
  hostname: z.string().nullable(),
  machineId: z.string().nullable(),
  productUuid: z.string().nullable(),
  os: osSchema.nullable(),
  cpu: cpuSchema.nullable(),
  memory: memorySchema.nullable(),
  interfaces: z.array(interfaceSchema).nullable(),
  defaultRoute: defaultRouteSchema.nullable(),
  listeningPorts: z.array(listeningPortSchema).nullable(),
  sysctl: z.record(z.string(), z.string().nullable()).nullable(),
  kernelModules: z.array(z.string()).nullable(),
  cgroup: cgroupSchema.nullable(),
  binaries: z.record(z.string(), z.string().nullable()).nullable(),
  services: z.record(z.string(), serviceSchema).nullable(),
  paths: z.record(z.string(), pathSchema).nullable(),
  disks: z.array(diskSchema).nullable(),
  blockDevices: z.array(blockDeviceSchema).nullable(),
  time: timeSchema.nullable(),
  fio: fioSchema.nullable().default(null),
  probeErrors: z.record(z.string(), z.string()).default({}),
  receivedAtMs: z.number().optional(),
  clockOffsetMs: z.number().optional(),
});

/** Validates one fact set; `where` names its origin for the message ("facts.json: node node1"). */
export function parseFactSet(value: unknown, where: string): FactSet {
  // The agent's own output is exactly the shape: a quick check settles it (./schema-fast.ts).
  const fast = fastFactSet(value);
  if (fast) return fast;
  const r = factSetSchema.safeParse(value);
  if (r.success) {
    const f = r.data;
    // Keep the optional fields out of the result when absent, so the value deep-equals its source.
    if (f.receivedAtMs === undefined) delete f.receivedAtMs;
    if (f.clockOffsetMs === undefined) delete f.clockOffsetMs;
    return f;
  }
  const problems = r.error.issues.slice(0, 5).map((issue) => describeIssue(value, issue));
  const more = r.error.issues.length > 5 ? ` (and ${r.error.issues.length - 5} more)` : '';
  throw new UserError(`${where}: invalid fact set: ${problems.join('; ')}${more}`);
}

function describeIssue(root: unknown, issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String);
  const field = path.length === 0 ? '(the fact set itself)' : `field "${path.join('.')}"`;
  const missing = path.length > 0 && valueAt(root, path) === undefined && issue.code === 'invalid_type';
  if (missing) return `${field} is missing`;
  if (issue.code === 'invalid_type') return `${field} must be ${issue.expected}, not ${describeValue(valueAt(root, path))}`;
  return `${field}: ${issue.message}`;
}

function valueAt(root: unknown, path: string[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}
