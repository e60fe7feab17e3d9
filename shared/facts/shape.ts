// The fact set's shape, written once. Every field is defined here a single time, and from that one
// definition come: the TypeScript types (./types.ts derives them with z.output), the zod schema
// that validates fact sets from outside (./schema.ts) and the quick structural check for the
// common case (./schema-fast.ts). proto/kk/v1/facts.proto is the fourth form; it is a separate
// language, so test/unit/facts/shape.test.ts walks this shape and the proto descriptor together
// and fails when a field exists in one and not the other.
//
// A fact that could not be collected is `null` and its reason is in `probeErrors`; a failed probe
// must never read as "absent" or "zero".
import { z } from 'zod';

/** A quick check: true only when the value is certainly valid exactly as zod would return it. */
export type Check = (v: unknown) => boolean;

/** How a field is built, for walking the shape (the drift test against the proto). */
export type FieldKind =
  | { kind: 'leaf' }
  | { kind: 'nullable'; inner: Field }
  | { kind: 'list'; item: Field }
  | { kind: 'record'; value: Field }
  | { kind: 'object'; fields: Readonly<Record<string, Field>> };

/** One field's definition: its zod schema (which also gives its TypeScript type) and its quick check. */
export interface Field<Z extends z.ZodType = z.ZodType> {
  readonly zod: Z;
  readonly fast: Check;
  readonly shape: FieldKind;
}

type Shape = Readonly<Record<string, Field>>;
type ZodShapeOf<S extends Shape> = { -readonly [K in keyof S]: S[K]['zod'] };

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

const leaf = <Z extends z.ZodType>(zod: Z, fast: Check): Field<Z> => ({ zod, fast, shape: { kind: 'leaf' } });

const str = leaf(z.string(), (v) => typeof v === 'string');
const bool = leaf(z.boolean(), (v) => typeof v === 'boolean');
// zod 4 numbers are finite; `.int()` means a safe integer.
const num = leaf(z.number(), (v) => typeof v === 'number' && Number.isFinite(v));
const count = leaf(z.number().int().nonnegative(), (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0);
const bytes = leaf(z.number().nonnegative(), (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0);

function enumOf<const T extends readonly [string, ...string[]]>(values: T): Field<z.ZodEnum<{ [K in T[number]]: K }>> {
  return leaf(z.enum(values), (v) => (values as readonly unknown[]).includes(v));
}

function literals<const A extends number, const B extends number>(a: A, b: B): Field<z.ZodUnion<[z.ZodLiteral<A>, z.ZodLiteral<B>]>> {
  return leaf(z.union([z.literal(a), z.literal(b)]), (v) => v === a || v === b);
}

function nullable<Z extends z.ZodType>(inner: Field<Z>): Field<z.ZodNullable<Z>> {
  const check = inner.fast;
  return { zod: inner.zod.nullable(), fast: (v) => v === null || check(v), shape: { kind: 'nullable', inner } };
}

function list<Z extends z.ZodType>(item: Field<Z>): Field<z.ZodArray<Z>> {
  const check = item.fast;
  return {
    zod: z.array(item.zod),
    fast: (v) => {
      if (!Array.isArray(v)) return false;
      for (let i = 0; i < v.length; i++) if (!check(v[i])) return false;
      return true;
    },
    shape: { kind: 'list', item },
  };
}

function record<Z extends z.ZodType>(value: Field<Z>): Field<z.ZodRecord<z.ZodString, Z>> {
  const check = value.fast;
  return {
    zod: z.record(z.string(), value.zod),
    fast: (v) => {
      if (!isPlain(v)) return false;
      for (const k in v) if (k === '__proto__' || !check(v[k])) return false;
      return true;
    },
    shape: { kind: 'record', value },
  };
}

/** The zod shape of an object's fields, in their order. */
export function zodShape<S extends Shape>(fields: S): ZodShapeOf<S> {
  return Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, f.zod])) as ZodShapeOf<S>;
}

/** Exactly these keys, in this order (zod's output order), each valid. */
function object<S extends Shape>(fields: S): Field<z.ZodObject<ZodShapeOf<S>>> {
  const keys = Object.keys(fields);
  const checks = Object.values(fields).map((f) => f.fast);
  return {
    zod: z.object(zodShape(fields)),
    fast: (v) => {
      if (!isPlain(v)) return false;
      // for…in walks own keys in order (a plain object inherits no enumerable ones) without
      // allocating a key array: there are ~40 of these objects per fact set.
      let i = 0;
      for (const k in v) {
        if (k !== keys[i] || !checks[i]!(v[k])) return false;
        i++;
      }
      return i === keys.length;
    },
    shape: { kind: 'object', fields },
  };
}

export const OS_FACTS = object({ id: str, versionId: str, prettyName: str, kernelVersion: str, architecture: str, machine: str });
export const CPU_FACTS = object({ count, model: str });
export const MEMORY_FACTS = object({ totalBytes: bytes, availableBytes: bytes, swapTotalBytes: bytes, swapFreeBytes: bytes });
export const INTERFACE_ADDRESS = object({ family: enumOf(['IPv4', 'IPv6']), address: str, prefixLength: count });
export const INTERFACE_FACTS = object({ name: str, mac: str, mtu: count, up: bool, addresses: list(INTERFACE_ADDRESS) });
export const DEFAULT_ROUTE = object({ interface: str, gateway: nullable(str) });
export const LISTENING_PORT = object({ protocol: enumOf(['tcp', 'udp']), address: str, port: count, process: nullable(str) });
export const CGROUP_FACTS = object({ version: literals(1, 2), controllers: list(str) });
export const SERVICE_FACTS = object({ loadState: str, activeState: str, version: nullable(str) });
export const PATH_FACTS = object({ exists: bool, empty: bool });
export const DISK_FACTS = object({ mount: str, totalBytes: bytes, freeBytes: bytes });
export const BLOCK_DEVICE_FACTS = object({ name: str, sizeBytes: bytes, type: str, mountpoint: nullable(str), fstype: nullable(str) });
export const TIME_FACTS = object({ epochMs: num, ntpSynchronized: nullable(bool) });
export const FIO_FACTS = object({ directory: str, syncLatencyNs: object({ p50: bytes, p90: bytes, p99: bytes }), ranAtMs: num });

/** The facts every fact set carries (each may be null), in the contract's order. */
export const REQUIRED_FACTS = {
  schemaVersion: count,
  collectedAtMs: num,
  hostname: nullable(str),
  machineId: nullable(str),
  productUuid: nullable(str),
  os: nullable(OS_FACTS),
  cpu: nullable(CPU_FACTS),
  memory: nullable(MEMORY_FACTS),
  interfaces: nullable(list(INTERFACE_FACTS)),
  defaultRoute: nullable(DEFAULT_ROUTE),
  listeningPorts: nullable(list(LISTENING_PORT)),
  /** key → value; value null when the key is absent on the node. */
  sysctl: nullable(record(nullable(str))),
  kernelModules: nullable(list(str)),
  cgroup: nullable(CGROUP_FACTS),
  /** binary name → absolute path; null when not found on the clean PATH. */
  binaries: nullable(record(nullable(str))),
  /** null when systemd is absent. */
  services: nullable(record(SERVICE_FACTS)),
  paths: nullable(record(PATH_FACTS)),
  disks: nullable(list(DISK_FACTS)),
  blockDevices: nullable(list(BLOCK_DEVICE_FACTS)),
  time: nullable(TIME_FACTS),
} as const;

/** null until a disk probe ran; may be left out (it then reads null). */
export const FIO_FIELD = nullable(FIO_FACTS);
/** fact name (dotted path for nested ones) → why it is null; may be left out (it then reads {}). */
export const PROBE_ERRORS_FIELD = record(str);
/** Added by the coordinator when it stores a fact set: receivedAtMs, and clockOffsetMs (node clock
 *  minus coordinator clock, corrected by half the round trip). Both may be absent. */
export const COORDINATOR_FIELDS = { receivedAtMs: num, clockOffsetMs: num } as const;

/** The whole fact set as zod validates it (./schema.ts adds the error messages). */
export const factSetSchema = z.object({
  ...zodShape(REQUIRED_FACTS),
  fio: FIO_FIELD.zod.default(null),
  probeErrors: PROBE_ERRORS_FIELD.zod.default({}),
  receivedAtMs: COORDINATOR_FIELDS.receivedAtMs.zod.optional(),
  clockOffsetMs: COORDINATOR_FIELDS.clockOffsetMs.zod.optional(),
});
