// The --dry-run text: per phase, per host, the commands that would be sent.
import type { PhasePlan } from './types';

export function formatPlan(plans: PhasePlan[], skipped: Array<{ phase: string; reason: string }> = []): string {
  const out: string[] = ['Plan (dry run: nothing is sent to any node)', ''];
  for (const p of plans) {
    out.push(`${p.phase} — ${p.title}`);
    for (const n of p.notes) out.push(`  ${n}`);
    const hosts = [...new Set(p.tasks.map((t) => t.host))];
    for (const h of hosts) {
      out.push(`  ${h}`);
      for (const t of p.tasks.filter((x) => x.host === h)) out.push(`    ${t.task}: ${t.description}`);
    }
    out.push('');
  }
  for (const s of skipped) out.push(`${s.phase}: not run (${s.reason})`);
  return out.join('\n').trimEnd() + '\n';
}
