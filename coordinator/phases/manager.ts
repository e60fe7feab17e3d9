// The `create cluster` pipeline: the only place that knows the phase order
// (pre_hook → precheck → init → install → post_hook). It applies --phases/--skip-phases, records
// every step in the run, stops at the first phase that fails, and continues a failed or
// interrupted run with --resume (ok tasks are not redone; see task-runner.ts for command ids).
import path from 'node:path';
import { UserError, errorMessage } from '../../shared/errors';
import type { Logger } from '../../shared/log';
import type { FactSet } from '../../shared/facts/types';
import type { ClusterModel } from '../model/cluster';
import type { RunStore } from '../runs/store';
import type { PhaseName, RunRecord } from '../runs/types';
import { PHASE_NAMES } from '../runs/types';
import type { HostExecutor } from './executor';
import { makeInitPhase } from './init';
import type { InitSteps } from '../init';
import { makeInstallPhase } from './install/phase';
import { makeDeletePhase } from './install/delete';
import type { InstallStep } from './install/step';
import { formatPlan, planJson } from './plan-format';
import { postHookPhase } from './post-hook';
import { preHookPhase } from './pre-hook';
import { precheckPhase } from './precheck';
import type { Progress, ProgressOutput } from './progress';
import { createProgress, seconds } from './progress';
import type { Phase, PhaseContext, PhasePlan, RunPrecheck } from './types';

export interface PipelineDeps {
  model: ClusterModel;
  executor: HostExecutor;
  runStore: RunStore;
  runPrecheck: RunPrecheck;
  log: Logger;
  /** Where progress and plans are written (process.stdout in the CLI). */
  output: ProgressOutput;
  /** Defaults to a live view on a TTY output, plain lines otherwise. */
  progress?: Progress;
  /** The directory work_dir defaults to; process.cwd() unless given. */
  cwd?: string;
  now?: () => Date;
  /** How init gets its artifacts (downloads or an offline bundle); absent → planned, not fetched. */
  init?: InitSteps;
  /** install: hosts worked on at once per step (--max-parallel). */
  maxParallel?: number;
  /** The install steps, in order; default: all of them (tests pass their own). */
  installSteps?: readonly InstallStep[];
  /** The last facts of the agent behind an inventory host (install steps read installed versions and units). */
  facts?: (host: string) => FactSet | null;
}

export interface Pipeline {
  deps: PipelineDeps;
  /** In execution order. */
  phases: Phase[];
}

export interface RunOptions {
  /** The command line, recorded in the run (e.g. process.argv.slice(2)). */
  command: string[];
  /** --phases: only these (names as in PHASE_NAMES); null/undefined for all. */
  phases?: string[] | null;
  /** --skip-phases. */
  skipPhases?: string[];
  dryRun?: boolean;
  /** --resume RUN_ID: continue that run; it keeps its own phase selection. */
  resume?: string;
  /** Let the run continue past failed prechecks. */
  ignorePrecheckFailures?: boolean;
  /** Abort to cancel (Ctrl-C): passed to every command, tasks not started are marked cancelled. */
  signal?: AbortSignal;
  /** --force: allow downgrades the install steps otherwise refuse. */
  force?: boolean;
  /** --dry-run -o json: the plan as JSON instead of text. */
  planJson?: boolean;
}

export interface PipelineResult {
  /** null for a dry run. */
  runId: string | null;
  status: 'ok' | 'failed' | 'cancelled' | 'planned';
  failedPhase?: PhaseName;
  /** Why the run stopped (multi-line for hook failures: host, script, exit code, output tail). */
  message?: string;
  /** The plans that were printed (dry run) or executed. */
  plans: PhasePlan[];
}

/** The pipeline for `delete cluster`: one phase running the uninstall steps (docs/install.md). */
export function deleteClusterPipeline(deps: PipelineDeps, opts: { all: boolean; withData: boolean }): Pipeline {
  return { deps, phases: [makeDeletePhase({ maxParallel: deps.maxParallel, all: opts.all, withData: opts.withData })] };
}

/** The pipeline for `create cluster`. */
export function createClusterPipeline(deps: PipelineDeps): Pipeline {
  return {
    deps,
    phases: [
      preHookPhase,
      precheckPhase,
      makeInitPhase(deps.init),
      makeInstallPhase({ artifactStore: deps.init?.artifactStore, maxParallel: deps.maxParallel, ...(deps.installSteps ? { steps: deps.installSteps } : {}) }),
      postHookPhase,
    ],
  };
}

function checkNames(names: string[], flag: string, known: readonly string[]): void {
  const bad = names.filter((n) => !known.includes(n));
  if (bad.length > 0) throw new UserError(`${flag}: unknown phase ${bad.map((b) => JSON.stringify(b)).join(', ')}; phases are ${known.join(', ')}`, 2);
}

/** Applies --phases and --skip-phases; the pipeline's order always wins over the order given. */
export function selectPhases(all: readonly Phase[], phases: string[] | null | undefined, skip: string[] = []): Phase[] {
  const known = all.map((p) => p.name).filter((n) => (PHASE_NAMES as readonly string[]).includes(n));
  if (phases) checkNames(phases, '--phases', known);
  checkNames(skip, '--skip-phases', known);
  const picked = all.filter((p) => (!phases || phases.includes(p.name)) && !skip.includes(p.name));
  if (picked.length === 0) throw new UserError('no phase left to run after --phases/--skip-phases', 2);
  return picked;
}

function baseContext(deps: PipelineDeps, progress: Progress, signal: AbortSignal, opts: RunOptions): Omit<PhaseContext, 'run' | 'param'> {
  return {
    model: deps.model,
    executor: deps.executor,
    runPrecheck: deps.runPrecheck,
    log: deps.log,
    progress,
    cwd: deps.cwd ?? process.cwd(),
    now: deps.now ?? (() => new Date()),
    signal,
    ignorePrecheckFailures: opts.ignorePrecheckFailures ?? false,
    facts: deps.facts ?? (() => null),
    force: opts.force ?? false,
  };
}

function dryRun(pipeline: Pipeline, opts: RunOptions, progress: Progress, signal: AbortSignal): PipelineResult {
  const { deps } = pipeline;
  let selected: Phase[];
  if (opts.resume) {
    const run = deps.runStore.load(opts.resume);
    const left = new Set(run.phaseRecords.filter((p) => p.status !== 'ok' && p.status !== 'skipped').map((p) => p.name));
    selected = pipeline.phases.filter((p) => left.has(p.name));
  } else {
    selected = selectPhases(pipeline.phases, opts.phases, opts.skipPhases);
  }
  const params = new Map<string, string>();
  const ctx: PhaseContext = {
    ...baseContext(deps, progress, signal, opts),
    run: null,
    param: (key, make) => params.get(key) ?? params.set(key, make()).get(key)!,
  };
  const plans: PhasePlan[] = [];
  const skipped: Array<{ phase: string; reason: string }> = [];
  for (const p of selected) {
    if (!p.shouldRun(ctx)) skipped.push({ phase: p.name, reason: 'nothing applies to this cluster' });
    else plans.push(p.plan(ctx));
  }
  deps.output.write(opts.planJson ? planJson(plans, skipped) : formatPlan(plans, skipped));
  return { runId: null, status: 'planned', plans };
}

function openRun(pipeline: Pipeline, opts: RunOptions): RunRecord {
  const { deps } = pipeline;
  if (opts.resume) {
    if (opts.phases || (opts.skipPhases && opts.skipPhases.length > 0)) {
      throw new UserError('--phases/--skip-phases cannot be combined with --resume: a resumed run keeps the phases it was started with', 2);
    }
    return deps.runStore.resume(opts.resume);
  }
  const selected = selectPhases(pipeline.phases, opts.phases, opts.skipPhases);
  const cwd = deps.cwd ?? process.cwd();
  const { inventory, config } = deps.model.sources;
  return deps.runStore.create({
    command: opts.command,
    inventory: path.resolve(cwd, inventory),
    config: config === null ? null : path.resolve(cwd, config),
    requested: { phases: opts.phases ?? null, skipPhases: opts.skipPhases ?? [] },
    phases: selected.map((p) => ({ name: p.name, title: p.title })),
  });
}

/** Runs (or, with dryRun, prints) the pipeline. Errors in the options throw a UserError before anything starts. */
export async function runPipeline(pipeline: Pipeline, opts: RunOptions): Promise<PipelineResult> {
  const { deps } = pipeline;
  const progress = deps.progress ?? createProgress(deps.output);
  const signal = opts.signal ?? new AbortController().signal;
  try {
    if (opts.dryRun) return dryRun(pipeline, opts, progress, signal);
    return await execute(pipeline, opts, progress, signal);
  } finally {
    progress.close();
  }
}

async function execute(pipeline: Pipeline, opts: RunOptions, progress: Progress, signal: AbortSignal): Promise<PipelineResult> {
  const { deps } = pipeline;
  const store = deps.runStore;
  const run = openRun(pipeline, opts);
  const ctx: PhaseContext = {
    ...baseContext(deps, progress, signal, opts),
    run: { id: run.id, store },
    param: (key, make) => store.param(run.id, key, make),
  };
  const resumed = run.attempts.length > 1;
  progress.note(`run ${run.id}${resumed ? ` (resumed, attempt ${run.attempts.length})` : ''}: ${run.phaseRecords.map((p) => p.name).join(' → ')}`);
  deps.log.debug({ run: run.id, resumed }, 'run started');
  const plans: PhasePlan[] = [];

  const stop = (status: 'failed' | 'cancelled', phase: PhaseName, message: string): PipelineResult => {
    store.finish(run.id, status, message);
    const hint = status === 'failed' ? `\nfix the cause and continue with --resume ${run.id}` : `\ncontinue with --resume ${run.id}`;
    progress.note(`run ${run.id} ${status} in ${phase}: ${message}${hint}`);
    return { runId: run.id, status, failedPhase: phase, message, plans };
  };

  for (const rec of run.phaseRecords) {
    const phase = pipeline.phases.find((p) => p.name === rec.name);
    if (!phase) throw new Error(`run ${run.id} names phase ${rec.name}, which this pipeline does not have`);
    if (rec.status === 'ok' || rec.status === 'skipped') {
      progress.note(`${rec.name}: ${rec.status} in an earlier attempt`);
      continue;
    }
    if (signal.aborted) {
      store.updatePhase(run.id, rec.name, { status: 'cancelled', message: 'cancelled before it started' });
      return stop('cancelled', rec.name, 'cancelled');
    }
    if (!phase.shouldRun(ctx)) {
      store.updatePhase(run.id, rec.name, { status: 'skipped', message: 'nothing applies to this cluster' });
      progress.note(`${rec.name}: skipped (nothing applies to this cluster)`);
      continue;
    }
    const started = ctx.now();
    store.updatePhase(run.id, rec.name, { status: 'running', startedAt: started.toISOString(), finishedAt: undefined, message: undefined });
    let ok = false;
    let message: string;
    try {
      const plan = phase.plan(ctx);
      plans.push(plan);
      progress.phaseStart(rec.name, phase.title, [...new Set(plan.tasks.map((t) => t.host))]);
      ({ ok, message } = await phase.run(ctx, plan));
    } catch (err) {
      if (!(err instanceof UserError)) deps.log.error({ err, run: run.id, phase: rec.name }, 'phase crashed');
      message = errorMessage(err);
    }
    const durationMs = ctx.now().getTime() - started.getTime();
    const status = ok ? 'ok' : signal.aborted ? 'cancelled' : 'failed';
    store.updatePhase(run.id, rec.name, { status, finishedAt: ctx.now().toISOString(), durationMs, message });
    progress.phaseEnd(rec.name, status, ok ? message : '', durationMs);
    if (status !== 'ok') return stop(status, rec.name, message);
  }
  const finished = store.finish(run.id, 'ok');
  const took = Date.parse(finished.finishedAt!) - Date.parse(finished.attempts.at(-1)!.startedAt);
  progress.note(`run ${run.id} ok (${seconds(took)})`);
  return { runId: run.id, status: 'ok', plans };
}
