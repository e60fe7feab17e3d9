// Shared helpers for the benchmarks: repeated measurement, medians and spread, and the record
// that `make bench` writes into bench/results.json and BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
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

export function rssMb(pid: number): number {
  const status = execFileSync('cat', [`/proc/${pid}/status`]).toString();
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}
