// kernelModules: the modules this kernel has in it — loaded ones (/proc/modules) and built-in ones.
// Built-ins count because a precheck asking "is br_netfilter loaded?" means "does the kernel have
// it?": on a kernel with br_netfilter built in, /proc/modules never lists it. Built-ins come from
// the kernel's modules.builtin (when /lib/modules has it), /sys/module entries that have no
// `initstate` (built-ins with parameters), and, for br_netfilter, the sysctls only it registers.
// A kernel without loadable-module support has no /proc/modules at all: that is not a failure.
import { existsSync } from 'node:fs';
import { readdirSync } from 'node:fs';
import { errnoCode, fsReason, hostPath, hostPathExists, ProbeFailure, readHostFile, readOptionalHostFile, type ProbeContext } from './probe';

/** Names of the loaded modules in /proc/modules ("name size refcount deps state address"). */
export function parseProcModules(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const cols = line.trim().split(/\s+/);
    if (cols.length < 3 || !/^[A-Za-z0-9_-]+$/.test(cols[0]!) || !/^\d+$/.test(cols[1]!)) {
      throw new ProbeFailure(`/proc/modules: cannot read line ${JSON.stringify(line.trim())}`);
    }
    names.push(cols[0]!);
  }
  return names;
}

/** Module names in modules.builtin ("kernel/net/bridge/br_netfilter.ko" → br_netfilter). */
export function parseModulesBuiltin(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) =>
      l
        .slice(l.lastIndexOf('/') + 1)
        .replace(/\.ko(\.[a-z0-9]+)?$/, '')
        .replace(/-/g, '_'),
    );
}

export async function readKernelModules(ctx: ProbeContext): Promise<string[]> {
  const names = new Set<string>();
  const loaded = await readOptionalHostFile(ctx, '/proc/modules');
  if (loaded !== null) for (const n of parseProcModules(loaded)) names.add(n);

  const release = (await readHostFile(ctx, '/proc/sys/kernel/osrelease')).trim();
  const builtin = await readOptionalHostFile(ctx, `/lib/modules/${release}/modules.builtin`);
  if (builtin !== null) for (const n of parseModulesBuiltin(builtin)) names.add(n);

  for (const n of await builtinsInSysModule(ctx)) names.add(n);
  if (await hostPathExists(ctx, '/proc/sys/net/bridge/bridge-nf-call-iptables')) names.add('br_netfilter');
  return [...names].sort();
}

async function builtinsInSysModule(ctx: ProbeContext): Promise<string[]> {
  let entries: string[];
  try {
    entries = readdirSync(hostPath(ctx, '/sys/module')); // sync: see probe.ts
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw new ProbeFailure(fsReason('/sys/module', err));
  }
  // A loadable module's entry has `initstate`; a built-in's does not. (A hundred-odd tiny stats:
  // cheaper as plain calls than as threadpool round trips.)
  return entries.filter((e) => !existsSync(hostPath(ctx, `/sys/module/${e}/initstate`)));
}
