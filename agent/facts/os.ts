// os: /etc/os-release (the distribution) plus the running kernel's release and machine (uname -r/-m).
import { machine } from 'node:os';
import type { OsFacts } from '../../shared/facts/types';
import { ProbeFailure, readHostFile, readOptionalHostFile, type ProbeContext } from './probe';

/** Parses os-release's shell-style KEY=value lines (quoted, single-quoted or bare values). */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    out[m[1]!] = unquote(m[2]!);
  }
  return out;
}

function unquote(v: string): string {
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/\\([\\"$`])/g, '$1');
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  return v;
}

/** The distribution part of OsFacts; os-release's own defaults apply to missing keys. */
export function distributionFromOsRelease(text: string): Pick<OsFacts, 'id' | 'versionId' | 'prettyName'> {
  const kv = parseOsRelease(text);
  if (Object.keys(kv).length === 0) throw new ProbeFailure('os-release holds no KEY=value lines');
  return {
    id: (kv.ID ?? 'linux').toLowerCase(),
    versionId: kv.VERSION_ID ?? '',
    prettyName: kv.PRETTY_NAME ?? 'Linux',
  };
}

const ARCHITECTURES: Record<string, string> = { x86_64: 'amd64', amd64: 'amd64', aarch64: 'arm64', arm64: 'arm64' };

/** uname -m → the Go/Kubernetes architecture name; unknown machines pass through unchanged. */
export function normaliseArchitecture(unameMachine: string): string {
  return ARCHITECTURES[unameMachine] ?? unameMachine;
}

export async function readOs(ctx: ProbeContext, unameMachine: string = machine()): Promise<OsFacts> {
  // The os-release(5) lookup order: /etc first, /usr/lib as the vendor fallback.
  const text = (await readOptionalHostFile(ctx, '/etc/os-release')) ?? (await readHostFile(ctx, '/usr/lib/os-release'));
  const kernelVersion = (await readHostFile(ctx, '/proc/sys/kernel/osrelease')).trim();
  if (kernelVersion === '') throw new ProbeFailure('/proc/sys/kernel/osrelease is empty');
  return { ...distributionFromOsRelease(text), kernelVersion, architecture: normaliseArchitecture(unameMachine), machine: unameMachine };
}
