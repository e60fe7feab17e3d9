// Typed access to scripts/testbed/testbed.sh: systemd-nspawn machines (node1..nodeN on bridge kkbr0) for
// end-to-end tests. Every call runs the script with an argv array (execFile/spawn, never a shell line),
// so names, commands and paths from tests reach the script unmodified.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const TESTBED_SCRIPT = path.resolve(import.meta.dirname, '../../../scripts/testbed/testbed.sh');

/** The host's address on the machines' bridge: the only host address the machines can reach. */
export const hostBridgeIp = '10.213.0.1';
export const BRIDGE = 'kkbr0';

export interface Machine {
  name: string;
  ip: string;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** Written to the command's stdin (stdin is empty otherwise). */
  input?: string | Buffer;
  /** Kill the command after this long (default 5 minutes); the result then has code 124. */
  timeoutMs?: number;
}

export const testbedStateDir = (): string => process.env.KK_TESTBED_STATE ?? '/run/kk-testbed';
export const testbedCacheDir = (): string => process.env.KK_TESTBED_CACHE ?? '/var/cache/kk-testbed';
/** Where `--kube` machines keep /var/lib/containerd and /var/lib/kubelet on the host (NODE/var/lib/…). */
export const testbedDataDir = (): string => process.env.KK_TESTBED_DATA ?? '/var/lib/kk-testbed';

/** The cgroup v1 controllers a `--kube` machine hands its kubelet (testbed.sh checks the same list). */
export const KUBE_CGROUP_CONTROLLERS = ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids'] as const;

const SEARCH_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

function onPath(cmd: string): boolean {
  const dirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), ...SEARCH_PATH];
  return dirs.some((d) => {
    try {
      accessSync(path.join(d, cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Whether machines can be made here; `reason` is meant for `test(..., { skip: reason })`. */
export function testbedAvailable(): { ok: boolean; reason?: string } {
  if (process.platform !== 'linux') return { ok: false, reason: 'testbed needs Linux' };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'testbed needs root (systemd-nspawn, bridges, mounts)' };
  for (const cmd of ['systemd-nspawn', 'debootstrap', 'nsenter', 'ip']) {
    if (!onPath(cmd)) return { ok: false, reason: `testbed needs ${cmd} on this host` };
  }
  if (!existsSync(TESTBED_SCRIPT)) return { ok: false, reason: `missing ${TESTBED_SCRIPT}` };
  return { ok: true };
}

/**
 * Whether `--kube` machines (containerd, runc and a kubelet inside) can be made here: the testbed
 * itself, plus the cgroup v1 controllers and /dev/kmsg they get from the host.
 */
export function kubeTestbedAvailable(): { ok: boolean; reason?: string } {
  const base = testbedAvailable();
  if (!base.ok) return base;
  const missing = KUBE_CGROUP_CONTROLLERS.filter((c) => !existsSync(`/sys/fs/cgroup/${c}/cgroup.procs`));
  if (missing.length > 0) {
    return {
      ok: false,
      reason: `--kube test machines need the cgroup v1 controllers ${missing.join(', ')} mounted under /sys/fs/cgroup (a cgroup v1 or hybrid host)`,
    };
  }
  if (!existsSync('/dev/kmsg')) return { ok: false, reason: '--kube test machines need /dev/kmsg on the host' };
  return { ok: true };
}

/** The mode of the machines that are up: 'kube' (`up N --kube`), 'plain', or undefined when none are. */
export function testbedMode(): 'kube' | 'plain' | undefined {
  try {
    return readFileSync(path.join(testbedStateDir(), 'mode'), 'utf8').trim() === 'kube' ? 'kube' : 'plain';
  } catch {
    return existsSync(path.join(testbedStateDir(), 'nodes')) ? 'plain' : undefined;
  }
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/** Runs testbed.sh with argv; never throws for a non-zero exit (see `runChecked`). */
export function runTestbed(args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(TESTBED_SCRIPT, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString();
      resolve({
        code: timedOut ? 124 : (code ?? (signal ? 128 : 1)),
        stdout: Buffer.concat(out).toString(),
        stderr: timedOut ? `${stderr}\ntestbed ${args[0] ?? ''} timed out` : stderr,
      });
    });
    // A command that does not read its stdin closes the pipe early; that is not an error here.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

async function runChecked(args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const r = await runTestbed(args, opts);
  if (r.code !== 0) {
    throw new Error(`testbed ${args.slice(0, 2).join(' ')} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  }
  return r;
}

/** Lines of `up`/`status` output: "nodeK IP LEADER_PID [...]". */
export function parseMachines(stdout: string): Machine[] {
  return stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f): f is [string, string, ...string[]] => f.length >= 2 && /^node\d+$/.test(f[0] ?? ''))
    .map(([name, ip]) => ({ name, ip }));
}

/**
 * Boots node1..nodeN and resolves once every machine's systemd is running (or degraded) and its address
 * answers. Builds the cached image first if needed (about a minute, once). Leftovers of a crashed run
 * are cleaned up; machines already up in the same number (and mode) are returned as they are.
 *
 * `kube: true` makes machines that can run containerd, runc and a kubelet (`testbed.sh up N --kube`:
 * all capabilities, writable /proc/sys and cgroup controllers, /dev/kmsg, /var/lib/containerd and
 * /var/lib/kubelet on the host's disk; scripts/testbed/README.md has the recipe).
 */
export async function testbedUp(n: number, opts: { timeoutMs?: number; kube?: boolean } = {}): Promise<Machine[]> {
  if (!Number.isInteger(n) || n < 1) throw new Error(`testbedUp: need a positive machine count, got ${n}`);
  const r = await runChecked(['up', String(n), ...(opts.kube ? ['--kube'] : [])], { timeoutMs: opts.timeoutMs ?? 10 * 60_000 });
  const machines = parseMachines(r.stdout);
  if (machines.length !== n) throw new Error(`testbed up ${n} reported ${machines.length} machines:\n${r.stdout}`);
  return machines;
}

/** Removes every machine, veth, mount, the bridge and the state dir; fine to call when nothing is up. */
export async function testbedDown(): Promise<void> {
  await runChecked(['down'], { timeoutMs: 2 * 60_000 });
}

export async function testbedStatus(): Promise<Machine[]> {
  return parseMachines((await runChecked(['status'])).stdout);
}

export async function machineIp(name: string): Promise<string> {
  return (await runChecked(['ip', name])).stdout.trim();
}

/**
 * Runs a command as root inside the machine. An argv array runs as given; a string runs through
 * `/bin/bash -c` inside the machine (the string is one argv element, never parsed by a host shell).
 * Resolves with the exit code whatever it is.
 */
export function execIn(name: string, cmd: readonly string[] | string, opts: ExecOptions = {}): Promise<ExecResult> {
  const argv = typeof cmd === 'string' ? ['/bin/bash', '-c', cmd] : [...cmd];
  if (argv.length === 0) return Promise.reject(new Error('execIn: empty command'));
  return runTestbed(['exec', name, ...argv], opts);
}

/** Installs Debian packages (and whatever of their dependencies the machine lacks) from the host. */
export async function installDebs(name: string, pkgs: readonly string[], opts: { timeoutMs?: number } = {}): Promise<ExecResult> {
  if (pkgs.length === 0) throw new Error('installDebs: no packages given');
  return runChecked(['install-debs', name, ...pkgs], { timeoutMs: opts.timeoutMs ?? 10 * 60_000 });
}

/** Copies a host file (or directory) to an absolute path inside the machine. */
export async function copyIn(name: string, src: string, dst: string): Promise<void> {
  await runChecked(['copy-in', name, src, dst]);
}
