// FactSet ↔ its proto form. The proto uses the JSON names verbatim; what differs is null:
// a null list/map travels as its key in probeErrors, a null map value as an empty NullableString,
// a null nested message as an absent field, a null scalar as an unset `optional`.
import type { FactSet } from './types';
import type { WireFactSet, WireFactSetInput } from '../proto/index';
import type { NullableString__Output } from '../proto/generated/kk/v1/NullableString';

export function factSetToWire(f: FactSet): WireFactSetInput {
  const nullableMap = (m: Record<string, string | null> | null) =>
    m === null ? {} : Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v === null ? {} : { value: v }]));
  return {
    schemaVersion: f.schemaVersion,
    collectedAtMs: f.collectedAtMs,
    ...(f.hostname !== null && { hostname: f.hostname }),
    ...(f.machineId !== null && { machineId: f.machineId }),
    ...(f.productUuid !== null && { productUuid: f.productUuid }),
    os: f.os,
    cpu: f.cpu,
    memory: f.memory,
    interfaces: f.interfaces ?? [],
    defaultRoute:
      f.defaultRoute === null
        ? null
        : {
            interface: f.defaultRoute.interface,
            ...(f.defaultRoute.gateway !== null && { gateway: f.defaultRoute.gateway }),
          },
    listeningPorts: (f.listeningPorts ?? []).map((p) => ({
      protocol: p.protocol,
      address: p.address,
      port: p.port,
      ...(p.process !== null && { process: p.process }),
    })),
    sysctl: nullableMap(f.sysctl),
    kernelModules: f.kernelModules ?? [],
    cgroup: f.cgroup,
    binaries: nullableMap(f.binaries),
    services:
      f.services === null
        ? {}
        : Object.fromEntries(
            Object.entries(f.services).map(([k, s]) => [
              k,
              {
                loadState: s.loadState,
                activeState: s.activeState,
                ...(s.version !== null && { version: s.version }),
              },
            ]),
          ),
    paths: f.paths ?? {},
    disks: f.disks ?? [],
    blockDevices: (f.blockDevices ?? []).map((b) => ({
      name: b.name,
      sizeBytes: b.sizeBytes,
      type: b.type,
      ...(b.mountpoint !== null && { mountpoint: b.mountpoint }),
      ...(b.fstype !== null && { fstype: b.fstype }),
    })),
    time:
      f.time === null
        ? null
        : {
            epochMs: f.time.epochMs,
            ...(f.time.ntpSynchronized !== null && { ntpSynchronized: f.time.ntpSynchronized }),
          },
    fio: f.fio,
    probeErrors: withNullMarkers(f),
  };
}

/** Lists and maps that are null but have no probe error (fio not run, systemd absent) still need a key. */
const NULL_MARKER = 'null';
const LIST_AND_MAP_FIELDS = ['interfaces', 'listeningPorts', 'sysctl', 'kernelModules', 'binaries', 'services', 'paths', 'disks', 'blockDevices'] as const;

function withNullMarkers(f: FactSet): Record<string, string> {
  const errors = { ...f.probeErrors };
  for (const key of LIST_AND_MAP_FIELDS) {
    if (f[key] === null && errors[key] === undefined) errors[`${key}`] = NULL_MARKER;
  }
  return errors;
}

export function factSetFromWire(w: WireFactSet): FactSet {
  const probeErrors: Record<string, string> = {};
  const nulled = new Set<string>();
  for (const [k, v] of Object.entries(w.probeErrors)) {
    if ((LIST_AND_MAP_FIELDS as readonly string[]).includes(k)) nulled.add(k);
    if (v !== NULL_MARKER) probeErrors[k] = v;
  }
  const orNull = <T>(key: (typeof LIST_AND_MAP_FIELDS)[number], value: T): T | null => (nulled.has(key) ? null : value);
  const nullableMap = (m: Record<string, NullableString__Output>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.value ?? null]));
  return {
    schemaVersion: w.schemaVersion,
    collectedAtMs: w.collectedAtMs,
    hostname: w.hostname ?? null,
    machineId: w.machineId ?? null,
    productUuid: w.productUuid ?? null,
    os: w.os,
    cpu: w.cpu,
    memory: w.memory,
    interfaces: orNull(
      'interfaces',
      w.interfaces.map((i) => ({
        ...i,
        addresses: i.addresses.map((a) => ({ ...a, family: a.family === 'IPv6' ? 'IPv6' : 'IPv4' })),
      })),
    ),
    defaultRoute: w.defaultRoute === null ? null : { interface: w.defaultRoute.interface, gateway: w.defaultRoute.gateway ?? null },
    listeningPorts: orNull(
      'listeningPorts',
      w.listeningPorts.map((p) => ({
        protocol: p.protocol === 'udp' ? 'udp' : 'tcp',
        address: p.address,
        port: p.port,
        process: p.process ?? null,
      })),
    ),
    sysctl: orNull('sysctl', nullableMap(w.sysctl)),
    kernelModules: orNull('kernelModules', w.kernelModules),
    cgroup: w.cgroup === null ? null : { version: w.cgroup.version === 1 ? 1 : 2, controllers: w.cgroup.controllers },
    binaries: orNull('binaries', nullableMap(w.binaries)),
    services: orNull(
      'services',
      Object.fromEntries(
        Object.entries(w.services).map(([k, s]) => [
          k,
          {
            loadState: s.loadState,
            activeState: s.activeState,
            version: s.version ?? null,
          },
        ]),
      ),
    ),
    paths: orNull('paths', w.paths),
    disks: orNull('disks', w.disks),
    blockDevices: orNull(
      'blockDevices',
      w.blockDevices.map((b) => ({
        name: b.name,
        sizeBytes: b.sizeBytes,
        type: b.type,
        mountpoint: b.mountpoint ?? null,
        fstype: b.fstype ?? null,
      })),
    ),
    time: w.time === null ? null : { epochMs: w.time.epochMs, ntpSynchronized: w.time.ntpSynchronized ?? null },
    // A fio result without its figures is no result: never stand in zeros for latencies.
    fio:
      w.fio === null || w.fio.syncLatencyNs === null
        ? null
        : {
            directory: w.fio.directory,
            syncLatencyNs: { p50: w.fio.syncLatencyNs.p50, p90: w.fio.syncLatencyNs.p90, p99: w.fio.syncLatencyNs.p99 },
            ranAtMs: w.fio.ranAtMs,
          },
    probeErrors,
  };
}
