// cpu: the online logical CPUs and their model name, from /proc/cpuinfo.
import type { CpuFacts } from '../../shared/facts/types';
import { ProbeFailure, readHostFile, type ProbeContext } from './probe';

// x86 says "model name"; arm64 kernels print no model line at all, older ARM "Processor"/"Hardware".
const MODEL_KEYS = ['model name', 'Processor', 'cpu model', 'Hardware', 'uarch', 'cpu'];

export function parseCpuinfo(text: string): CpuFacts {
  let count = 0;
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key === 'processor' && /^\d+$/.test(value)) count++;
    if (!fields.has(key) && value !== '') fields.set(key, value);
  }
  if (count === 0) throw new ProbeFailure('/proc/cpuinfo lists no processor');
  const model = MODEL_KEYS.map((k) => fields.get(k)).find((v) => v !== undefined) ?? 'unknown';
  return { count, model };
}

export async function readCpu(ctx: ProbeContext): Promise<CpuFacts> {
  return parseCpuinfo(await readHostFile(ctx, '/proc/cpuinfo'));
}
