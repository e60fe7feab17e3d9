// Shared helpers for the benchmarks: repeated measurement, medians and spread, and the record
// that `make bench` writes into bench/results.json and BENCHMARKS.md.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Figure {
  key: string;
  what: string;
  unit: string;
  median: number;
  min: number;
  max: number;
  runs: number;
  goal?: string;
  command: string;
  note?: string;
}

export function stats(values: number[]): { median: number; min: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
  return { median, min: s[0] ?? 0, max: s[s.length - 1] ?? 0 };
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0;
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export function machineLine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  let nats = 'unknown';
  try {
    nats = execFileSync('nats-server', ['--version']).toString().trim();
  } catch {
    // reported as unknown
  }
  return `${os.cpus().length} × ${cpu}, ${round(os.totalmem() / 2 ** 30)} GiB RAM, Linux ${os.release()}, Node ${process.version}, ${nats}`;
}

/**
 * Times one whole process. Asynchronous on purpose: a benchmark that also runs the coordinator as
 * its child must keep reading the coordinator's output while the timed command runs (a blocking
 * spawnSync would let that pipe fill up and stall the coordinator mid-measurement).
 */
export function timedRun(
  argv: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ ms: number; code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const p = spawn(argv[0] ?? '', argv.slice(1), { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    p.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    p.on('error', reject);
    p.on('close', (code) => resolve({ ms: Number(process.hrtime.bigint() - t) / 1e6, code, stdout, stderr }));
  });
}

/**
 * CPU seconds (user + system) a process has used so far, from /proc/PID/stat; 0 once it is gone.
 * With `children`, also what its finished and waited-for children used (the commands it ran).
 */
export function cpuSeconds(pid: number, children = false): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  // Fields after the ")" that closes the command name: state is 3rd, utime 14th, stime 15th.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const own = Number(f[11]) + Number(f[12]);
  return (children ? own + Number(f[13]) + Number(f[14]) : own) / CLOCK_TICKS;
}
// sysconf(_SC_CLK_TCK) is 100 on every Linux build Debian ships.
const CLOCK_TICKS = 100;

export function rssMb(pid: number): number {
  const status = execFileSync('cat', [`/proc/${pid}/status`]).toString();
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}
