// install: the node-level work of KubeKey's install plays (docs/install.md).
// This module owns the order of the steps; each step (one file in ./steps/) says which hosts,
// how they are staged and what each host runs. A step's hosts all finish (and its gate holds)
// before the next step starts; the first failing step stops the run, naming host and task.
import { UserError, errorMessage } from '../../../shared/errors';
import { COORDINATOR_HOST, type PhaseName } from '../../runs/types';
import { initDirs } from '../../init';
import { planArtifacts } from '../../init/artifacts/plan';
import { readResolved, type ResolvedArtifact } from '../../init/artifacts/cache';
import { RESOLVED_PARAM } from '../init';
import { failureReport, runHostTasks } from '../task-runner';
import type { Phase, PhaseContext, PhasePlan, PlannedTask } from '../types';
import { stepInputs, type StepInputs } from './inputs';
import type { InstallStep, Stage, StepTask } from './step';
import { INSTALL_STEPS } from './steps/index';

export interface InstallOptions {
  /** Where init cached the verified files (the coordinator's artifact store). */
  artifactStore?: string;
  /** Hosts worked on at once in a parallel step. */
  maxParallel?: number;
  /** The steps, in order (tests pass their own). */
  steps?: readonly InstallStep[];
}

/** Default for --max-parallel: enough to keep a 1,000-node install moving without every node pulling artifacts at once. */
export const DEFAULT_MAX_PARALLEL = 50;
/** The sha256 shown in a dry run for files init has not fetched yet. */
const NOT_YET = '0'.repeat(64);

function resolvedFiles(ctx: PhaseContext, store: string | undefined): ResolvedArtifact[] | null {
  if (ctx.run) {
    const raw = ctx.run.store.load(ctx.run.id).params[RESOLVED_PARAM];
    if (raw) return JSON.parse(raw) as ResolvedArtifact[];
  }
  const dir = store ?? planArtifacts(ctx.model, { cwd: ctx.cwd }).artifactDir;
  const list = readResolved(dir);
  return list.length > 0 ? list : null;
}

function inputsFor(ctx: PhaseContext, opts: InstallOptions): StepInputs {
  const plan = planArtifacts(ctx.model, { cwd: ctx.cwd });
  const resolved = resolvedFiles(ctx, opts.artifactStore);
  const inputs = stepInputs({
    model: ctx.model,
    cwd: ctx.cwd,
    resolved: resolved ?? [],
    pkiDir: initDirs(ctx).pkiDir,
    arches: plan.arches,
    param: (k, make) => ctx.param(k, make),
    facts: ctx.facts,
    force: ctx.force,
  });
  if (resolved || ctx.run) return inputs;
  // A dry run before init has fetched anything: plan with the files init would fetch, digests unknown.
  return {
    ...inputs,
    artifact: (name, arch) => {
      const a = plan.artifacts.find((x) => x.name === name && (x.arch === null || x.arch === arch));
      if (!a) throw new UserError(`the config's artifact plan has no ${name} for ${arch}`);
      return {
        id: a.id,
        name: a.name,
        kind: a.kind,
        arch: a.arch,
        version: a.version,
        base: a.base,
        dest: a.dest,
        sha256: NOT_YET,
        size: 0,
        url: a.url,
        verified: 'not yet',
      };
    },
    pki: (file) => {
      try {
        return inputs.pki(file);
      } catch {
        return `(${file}, made by init)`;
      }
    },
  };
}

const taskName = (step: InstallStep, t: StepTask): string => `${step.name}: ${t.task}`;

function toPlanned(step: InstallStep, host: string, t: StepTask): PlannedTask {
  return {
    task: taskName(step, t),
    host,
    step: step.name,
    spec: t.spec,
    description: t.description,
    ...(t.onlyIfChanged ? { onlyIfChanged: t.onlyIfChanged.map((d) => `${step.name}: ${d}`) } : {}),
    ...(t.always ? { always: true } : {}),
    ...(t.waitMs ? { waitMs: t.waitMs } : {}),
    ...(t.delegateTo ? { delegateTo: t.delegateTo } : {}),
  };
}

interface StepPlan {
  step: InstallStep;
  hosts: string[];
  stage: Stage;
  tasks: PlannedTask[];
  gate: PlannedTask | null;
  coordinator: PlannedTask | null;
}

function planSteps(ctx: PhaseContext, opts: InstallOptions): { steps: StepPlan[]; skipped: string[] } {
  const inputs = inputsFor(ctx, opts);
  const steps: StepPlan[] = [];
  const skipped: string[] = [];
  for (const step of opts.steps ?? INSTALL_STEPS) {
    const hosts = step.hosts(ctx.model);
    const work = step.coordinator?.applies(ctx.model) ? step.coordinator : null;
    if (hosts.length === 0 && !work) {
      skipped.push(step.name);
      continue;
    }
    const tasks = hosts.flatMap((h) => step.plan(inputs, h).map((t) => toPlanned(step, h, t)));
    const g = hosts.length > 0 ? (step.gate?.(inputs, hosts) ?? null) : null;
    const gate = g ? { ...toPlanned(step, g.host, g.task), always: true } : null;
    const coordinator = work
      ? { task: `${step.name}: ${work.task}`, host: COORDINATOR_HOST, step: step.name, spec: null, description: work.description }
      : null;
    steps.push({ step, hosts, stage: step.stage(inputs, hosts), tasks, gate, coordinator });
  }
  return { steps, skipped };
}

function concurrency(stage: Stage, hosts: number, max: number): number {
  if (stage.mode === 'serial') return 1;
  if (stage.mode === 'together') return hosts;
  return Math.max(1, max);
}

/** Runs a step's coordinator work, recorded as a task on '@coordinator' (redone on --resume: it is idempotent). */
async function coordinatorWork(
  ctx: PhaseContext,
  phase: PhaseName,
  s: StepPlan,
  inputs: StepInputs,
  opts: InstallOptions,
): Promise<{ ok: boolean; message: string }> {
  const work = s.step.coordinator;
  if (!s.coordinator || !work || !ctx.run) return { ok: true, message: '' };
  const key = { phase, task: s.coordinator.task, host: COORDINATOR_HOST };
  const started = ctx.now();
  ctx.run.store.updateTask(ctx.run.id, key, { status: 'running', step: s.step.name, startedAt: started.toISOString(), error: undefined });
  ctx.progress.task(COORDINATOR_HOST, phase, s.coordinator.task, 'running');
  let ok: boolean;
  let summary: string;
  try {
    [ok, summary] = await work.run({
      inputs,
      artifactStore: opts.artifactStore,
      cwd: ctx.cwd,
      signal: ctx.signal,
      line: (t) => ctx.progress.note(`${s.step.name}: ${t}`),
    });
  } catch (err) {
    ok = false;
    summary = errorMessage(err);
  }
  const durationMs = ctx.now().getTime() - started.getTime();
  ctx.run.store.updateTask(ctx.run.id, key, {
    status: ok ? 'ok' : 'failed',
    finishedAt: ctx.now().toISOString(),
    durationMs,
    outputTail: summary,
    error: ok ? undefined : summary,
  });
  ctx.progress.task(COORDINATOR_HOST, phase, s.coordinator.task, ok ? 'ok' : 'failed', { durationMs, detail: summary });
  return { ok, message: ok ? summary : `${s.coordinator.task} on the coordinator failed: ${summary}` };
}

export function makeInstallPhase(opts: InstallOptions = {}): Phase {
  return makeStepsPhase('install', 'OS, etcd, image registry, container runtime, Kubernetes, network plugin', opts);
}

/** A phase that runs install steps in order (install itself, and delete's uninstall steps). */
export function makeStepsPhase(name: PhaseName, title: string, opts: InstallOptions): Phase {
  const phase: Phase = {
    name,
    title,
    shouldRun: (ctx) => (opts.steps ?? INSTALL_STEPS).some((s) => s.hosts(ctx.model).length > 0 || !!s.coordinator?.applies(ctx.model)),
    plan(ctx): PhasePlan {
      const { steps, skipped } = planSteps(ctx, opts);
      const notes = steps.map((s) => `step ${s.step.name} (${s.step.title}) on ${s.hosts.join(', ')} — ${s.stage.mode}`);
      if (skipped.length > 0) notes.push(`no hosts for: ${skipped.join(', ')}`);
      return {
        phase: name,
        title: phase.title,
        tasks: steps.flatMap((s) => [...s.tasks, ...(s.gate ? [s.gate] : []), ...(s.coordinator ? [s.coordinator] : [])]),
        notes,
      };
    },
    async run(ctx) {
      const { steps } = planSteps(ctx, opts);
      const inputs = inputsFor(ctx, opts);
      const max = opts.maxParallel ?? DEFAULT_MAX_PARALLEL;
      const done: string[] = [];
      for (const s of steps) {
        ctx.progress.note(`${name}: ${s.step.name}${s.hosts.length ? ` on ${s.hosts.length} host(s)` : ' on the coordinator'}`);
        if (s.tasks.length === 0) {
          const w = await coordinatorWork(ctx, name, s, inputs, opts);
          if (!w.ok) return { ok: false, message: `step ${s.step.name}: ${w.message}` };
          done.push(s.step.name);
          continue;
        }
        const r = await runHostTasks(
          ctx,
          { phase: name, title: s.step.title, tasks: s.tasks, notes: [] },
          { concurrency: concurrency(s.stage, s.hosts.length, max) },
        );
        if (r.failures.length > 0) return { ok: false, message: `step ${s.step.name}: ${failureReport(name, r.failures)}` };
        if (r.cancelled) return { ok: false, message: `${name} cancelled in step ${s.step.name}` };
        if (s.gate) {
          const g = await runHostTasks(ctx, { phase: name, title: s.step.title, tasks: [s.gate], notes: [] });
          if (g.failures.length > 0) return { ok: false, message: `step ${s.step.name}: its check failed — ${failureReport(name, g.failures)}` };
          if (g.cancelled) return { ok: false, message: `${name} cancelled in step ${s.step.name}` };
        }
        const w = await coordinatorWork(ctx, name, s, inputs, opts);
        if (!w.ok) return { ok: false, message: `step ${s.step.name}: ${w.message}` };
        done.push(s.step.name);
      }
      return { ok: true, message: `${done.join(', ')} done` };
    },
  };
  return phase;
}
