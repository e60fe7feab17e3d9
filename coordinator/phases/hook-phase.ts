// The part pre_hook and post_hook share: read the scripts, plan, run on every host in parallel,
// and stop the run on the first failing script with its name, exit code and output tail.
import type { Phase, PhaseContext, PhasePlan } from './types';
import type { HookKind } from './hook-scripts';
import { readHookScripts, resolveScriptsDir } from './hook-scripts';
import { hookGroups, hookHosts, hookPhase, planHooks } from './hook-plan';
import { failureReport, runHostTasks } from './task-runner';

export interface HookPhaseOptions {
  kind: HookKind;
  title: string;
  /** post_hook: where and under which timestamp to back up kubeadm-config.yaml. */
  backup?: (ctx: PhaseContext) => { dir: string; stamp: string } | null;
}

export function hookPhaseModule(opts: HookPhaseOptions): Phase {
  const name = hookPhase(opts.kind);
  return {
    name,
    title: opts.title,
    shouldRun: () => true,
    plan(ctx: PhaseContext): PhasePlan {
      const groups = hookGroups(ctx.model, opts.kind);
      const scriptsDir = resolveScriptsDir(ctx.model.vars, ctx.cwd);
      const scripts = readHookScripts(scriptsDir, opts.kind, groups, hookHosts(ctx.model));
      const backup = opts.backup?.(ctx) ?? null;
      const tasks = planHooks({ kind: opts.kind, model: ctx.model, groups, scripts, backup });
      const found = (scripts.global ? 1 : 0) + scripts.groups.size + scripts.hosts.size;
      const notes = [
        found === 0
          ? `no ${opts.kind}_install scripts in ${scriptsDir}`
          : `${found} ${opts.kind}_install script(s) from ${scriptsDir}${groups.length ? ` (groups in order: ${groups.join(', ')})` : ''}`,
      ];
      return { phase: name, title: opts.title, tasks, notes };
    },
    async run(ctx, plan) {
      if (plan.tasks.length === 0) return { ok: true, message: plan.notes.join('; ') };
      const r = await runHostTasks(ctx, plan);
      if (r.failures.length > 0) return { ok: false, message: failureReport(name, r.failures) };
      if (r.cancelled) return { ok: false, message: `${name} cancelled` };
      const hosts = new Set(plan.tasks.map((t) => t.host)).size;
      return { ok: true, message: `${plan.tasks.length} task(s) on ${hosts} host(s)` };
    },
  };
}
