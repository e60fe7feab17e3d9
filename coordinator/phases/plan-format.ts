// The --dry-run output: per phase, per host, every task with what it would send — files with path,
// mode and the sha256 of their content, fetches with their digest and destination, commands —
// as text, or as JSON (`-o json`). File contents and stdin never appear: they can hold secrets
// (keys, the bootstrap token); their digests identify them.
import { createHash } from 'node:crypto';
import type { CommandSpec } from './executor';
import type { PhasePlan } from './types';

const sha = (b: string | Uint8Array): string => createHash('sha256').update(b).digest('hex');
const mode = (m: number | undefined): string => (m ?? 0o644).toString(8).padStart(4, '0');

/** What a command does, without its secrets: the shape `-o json` prints. */
export function specSummary(spec: CommandSpec | null): Record<string, unknown> | null {
  if (!spec) return null;
  if ('writeFile' in spec) {
    const w = spec.writeFile;
    const body = w.text ?? (w.data as Uint8Array | undefined) ?? '';
    return { kind: 'writeFile', path: w.path, mode: mode(w.mode), sha256: sha(body), bytes: typeof body === 'string' ? Buffer.byteLength(body) : body.length };
  }
  if ('fetch' in spec) return { kind: 'fetch', sha256: spec.fetch.sha256, dest: spec.fetch.dest ?? '', mode: mode(spec.fetch.mode) };
  if ('service' in spec) return { kind: 'service', unit: spec.service.unit ?? '', action: spec.service.action };
  if ('exec' in spec) {
    const e = spec.exec;
    const stdin = e.stdin ? { stdinSha256: sha(e.stdin as Uint8Array), stdinBytes: (e.stdin as Uint8Array).length } : {};
    return e.argv && e.argv.length > 0 ? { kind: 'exec', argv: e.argv, ...stdin } : { kind: 'exec', script: e.script ?? '', ...stdin };
  }
  return { kind: Object.keys(spec)[0] };
}

function specLine(spec: CommandSpec | null): string | null {
  const s = specSummary(spec);
  if (!s) return null;
  switch (s.kind) {
    case 'writeFile':
      return `write ${String(s.path)} (${String(s.mode)}, ${String(s.bytes)} bytes, sha256 ${String(s.sha256).slice(0, 12)}…)`;
    case 'fetch':
      return `fetch sha256 ${String(s.sha256).slice(0, 12)}… → ${String(s.dest) || '(cache)'} (${String(s.mode)})`;
    case 'service':
      return `systemctl ${String(s.action)} ${String(s.unit)}`.trimEnd();
    case 'exec': {
      if (Array.isArray(s.argv)) return `run ${(s.argv as string[]).join(' ')}`;
      const lines = String(s.script)
        .split('\n')
        .filter((l) => l.trim() !== '' && !/^set -euo pipefail$|^UNCHANGED=\d+$/.test(l));
      return `bash: ${lines[0] ?? ''}${lines.length > 1 ? ` … (${lines.length} lines; -o json shows all)` : ''}${s.stdinSha256 ? ` (stdin sha256 ${String(s.stdinSha256).slice(0, 12)}…)` : ''}`;
    }
    default:
      return String(s.kind);
  }
}

export function formatPlan(plans: PhasePlan[], skipped: Array<{ phase: string; reason: string }> = []): string {
  const out: string[] = ['Plan (dry run: nothing is sent to any node)', ''];
  for (const p of plans) {
    out.push(`${p.phase} — ${p.title}`);
    for (const n of p.notes) out.push(`  ${n}`);
    const hosts = [...new Set(p.tasks.map((t) => t.host))];
    for (const h of hosts) {
      out.push(`  ${h}`);
      for (const t of p.tasks.filter((x) => x.host === h)) {
        out.push(`    ${t.task}: ${t.description}`);
        const line = specLine(t.spec);
        if (line)
          out.push(`      ${t.delegateTo ? `on ${t.delegateTo}: ` : ''}${line}${t.onlyIfChanged ? ` [only if ${t.onlyIfChanged.join(', ')} changed]` : ''}`);
      }
    }
    out.push('');
  }
  for (const s of skipped) out.push(`${s.phase}: not run (${s.reason})`);
  return out.join('\n').trimEnd() + '\n';
}

/** The plan as data (`create cluster --dry-run -o json`). */
export function planJson(plans: PhasePlan[], skipped: Array<{ phase: string; reason: string }> = []): string {
  return (
    JSON.stringify(
      {
        phases: plans.map((p) => ({
          phase: p.phase,
          title: p.title,
          notes: p.notes,
          tasks: p.tasks.map((t) => ({
            host: t.host,
            task: t.task,
            ...(t.step ? { step: t.step } : {}),
            description: t.description,
            ...(t.delegateTo ? { runsOn: t.delegateTo } : {}),
            ...(t.onlyIfChanged ? { onlyIfChanged: t.onlyIfChanged } : {}),
            command: specSummary(t.spec),
          })),
        })),
        skipped,
      },
      null,
      2,
    ) + '\n'
  );
}
