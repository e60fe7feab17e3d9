// memory: /proc/meminfo, whose "kB" are KiB, turned into bytes once.
import type { MemoryFacts } from '../../shared/facts/types';
import { ProbeFailure, readHostFile, type ProbeContext } from './probe';

export function parseMeminfo(text: string): MemoryFacts {
  const kib = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9_()]+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (m) kib.set(m[1]!, Number(m[2]));
  }
  const bytes = (key: string): number => {
    const v = kib.get(key);
    if (v === undefined) throw new ProbeFailure(`/proc/meminfo has no ${key}`);
    return v * 1024;
  };
  return {
    totalBytes: bytes('MemTotal'),
    availableBytes: bytes('MemAvailable'),
    swapTotalBytes: bytes('SwapTotal'),
    swapFreeBytes: bytes('SwapFree'),
  };
}

export async function readMemory(ctx: ProbeContext): Promise<MemoryFacts> {
  return parseMeminfo(await readHostFile(ctx, '/proc/meminfo'));
}
