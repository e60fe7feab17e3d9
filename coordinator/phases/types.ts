// The contract between the manager and the phases. A phase is a small module with a title, a
// "should run" predicate, a plan (data: per host, the commands it will send) and a run function;
// only the manager knows the order.
import type { Logger } from '../../shared/log';
import type { FactSet } from '../../shared/facts/types';
import type { ClusterModel } from '../model/cluster';
import type { RunStore } from '../runs/store';
import type { PhaseName } from '../runs/types';
import type { CommandSpec, HostExecutor } from './executor';
import type { Progress } from './progress';

export interface PrecheckOutcome {
  /** Checks that failed (errors, not warnings): more than zero stops the run unless ignored. */
  failed: number;
  /** The engine's report, for whoever renders it; the phase only counts. */
  report: unknown;
}

export type RunPrecheck = (ctx: PhaseContext) => Promise<PrecheckOutcome>;

/** One unit of work on one host; at most one command. */
export interface PlannedTask {
  task: string;
  host: string;
  /** The install step the task belongs to (docs/install.md); recorded so `runs show` and --resume name it. */
  step?: string;
  /**
   * Send only when one of these tasks (same phase, same host) changed something in this run;
   * otherwise record it ok without sending anything (restart after a changed config).
   */
  onlyIfChanged?: string[];
  /** Run on every attempt, even when recorded ok in an earlier one (health gates). */
  always?: boolean;
  /** Send the command to this host instead; the task stays recorded under `host`. */
  delegateTo?: string;
  /** The command to send; null for work the coordinator does itself. */
  spec: CommandSpec | null;
  /** One line for --dry-run and the progress view. */
  description: string;
  /**
   * Re-send on --resume even if recorded ok, when the payload changed since (a copied script
   * the operator edited must reach the node before it runs). Other ok tasks are never redone.
   */
  redoIfChanged?: boolean;
  /** How long to wait for the result; the dispatcher's default when absent. */
  waitMs?: number;
}

export interface PhasePlan {
  phase: PhaseName;
  title: string;
  /** In execution order per host; hosts run in parallel. */
  tasks: PlannedTask[];
  /** Lines for the operator (what the phase will do beyond the tasks, or why it does nothing). */
  notes: string[];
}

export interface PhaseResult {
  ok: boolean;
  /** One line: the result, or why the run stops. */
  message: string;
}

export interface PhaseContext {
  model: ClusterModel;
  executor: HostExecutor;
  runPrecheck: RunPrecheck;
  log: Logger;
  progress: Progress;
  /** The directory `work_dir` defaults to (where the command runs). */
  cwd: string;
  now: () => Date;
  signal: AbortSignal;
  ignorePrecheckFailures: boolean;
  /** The run being executed; null while planning for --dry-run. */
  run: { id: string; store: RunStore } | null;
  /** A value fixed once per run and kept across --resume (ephemeral in a dry run). */
  param(key: string, make: () => string): string;
  /** The last facts the host's agent reported (refreshed by precheck); null when none are known. */
  facts(host: string): FactSet | null;
  /** --force: allow what would otherwise be refused (downgrading etcd or containerd). */
  force: boolean;
}

export interface Phase {
  name: PhaseName;
  title: string;
  shouldRun(ctx: PhaseContext): boolean;
  plan(ctx: PhaseContext): PhasePlan;
  run(ctx: PhaseContext, plan: PhasePlan): Promise<PhaseResult>;
}
