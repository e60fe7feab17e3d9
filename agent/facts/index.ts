// collectFacts: this node's fact set (shared/spec/facts.md). Every collector runs concurrently and
// independently; one that fails leaves its fact null with the reason in probeErrors and never
// takes the others down. fio, when asked for, runs after the rest so its scratch directory cannot
// show up in the `paths` facts, and the clock is read last (its NTP flag is asked for up front).
import { FACTS_SCHEMA_VERSION, type FactSet } from '../../shared/facts/types';
import { readBinaries } from './binaries';
import { readBlockDevices } from './block-devices';
import { readCgroup } from './cgroup';
import { readCpu } from './cpu';
import { readDefaultRoute } from './default-route';
import { readDisks } from './disks';
import { runFio } from './fio';
import { readHostname } from './hostname';
import { readInterfaces } from './interfaces';
import { readKernelModules } from './kernel-modules';
import { readListeningPorts } from './listening-ports';
import { readMachineId } from './machine-id';
import { readMemory } from './memory';
import { readOs } from './os';
import { readPaths } from './paths';
import { guard, hostContext, type ProbeContext, type ProbeErrors } from './probe';
import { readProductUuid } from './product-uuid';
import { readServices } from './services';
import { readSysctl } from './sysctl';
import { readNtpSynchronized, readTime } from './time';

export interface CollectOptions {
  /** Also run the fio disk probe in this directory (created if missing, scratch files removed). */
  fioDirectory?: string;
}

export async function collectFacts(opts: CollectOptions = {}, ctx: ProbeContext = hostContext): Promise<FactSet> {
  const errors: ProbeErrors = {};
  const collectedAtMs = Date.now();
  const ntp = readNtpSynchronized(ctx, errors);
  const [
    hostname,
    machineId,
    productUuid,
    os,
    cpu,
    memory,
    interfaces,
    defaultRoute,
    listeningPorts,
    sysctl,
    kernelModules,
    cgroup,
    binaries,
    services,
    paths,
    disks,
    blockDevices,
  ] = await Promise.all([
    guard('hostname', errors, () => readHostname(ctx)),
    guard('machineId', errors, () => readMachineId(ctx)),
    guard('productUuid', errors, () => readProductUuid(ctx)),
    guard('os', errors, () => readOs(ctx)),
    guard('cpu', errors, () => readCpu(ctx)),
    guard('memory', errors, () => readMemory(ctx)),
    guard('interfaces', errors, () => readInterfaces(ctx)),
    guard('defaultRoute', errors, () => readDefaultRoute(ctx)),
    guard('listeningPorts', errors, () => readListeningPorts(ctx)),
    guard('sysctl', errors, () => readSysctl(ctx, errors)),
    guard('kernelModules', errors, () => readKernelModules(ctx)),
    guard('cgroup', errors, () => readCgroup(ctx)),
    guard('binaries', errors, () => readBinaries(ctx, errors)),
    guard('services', errors, () => readServices(ctx, errors)),
    guard('paths', errors, () => readPaths(ctx, errors)),
    guard('disks', errors, () => readDisks(ctx, errors)),
    guard('blockDevices', errors, () => readBlockDevices(ctx)),
  ]);
  const fio = opts.fioDirectory === undefined ? null : await guard('fio', errors, () => runFio(ctx, opts.fioDirectory!, os?.id ?? null));
  const time = await guard('time', errors, () => readTime(ctx, errors, Date.now, ntp));
  return {
    schemaVersion: FACTS_SCHEMA_VERSION,
    collectedAtMs,
    hostname,
    machineId,
    productUuid,
    os,
    cpu,
    memory,
    interfaces,
    defaultRoute,
    listeningPorts,
    sysctl,
    kernelModules,
    cgroup,
    binaries,
    services,
    paths,
    disks,
    blockDevices,
    time,
    fio,
    probeErrors: errors,
  };
}
