// The contract of an install step (docs/install.md). A step is a small module like a precheck
// rule: which hosts it is for, how those hosts are staged, and — as pure data computed from the
// model and the run's inputs — the commands for each host. The install phase (./phase.ts) owns
// the order of the steps and runs them; a step never sends anything itself.
import type { ClusterModel } from '../../model/cluster';
import type { CommandSpec } from '../executor';
import type { StepInputs } from './inputs';

/** How a step's hosts are worked through. */
export type Stage =
  /** All hosts at once (bounded by --max-parallel): containerd, OS preparation. */
  | { mode: 'parallel' }
  /** One host at a time, in inventory order: joining control planes, adding etcd members. */
  | { mode: 'serial' }
  /** All hosts at once, never batched: members that must start together (a new etcd cluster). */
  | { mode: 'together' };

/** One command for one host, in the order the host runs them. */
export interface StepTask {
  /** Unique within the step on this host, e.g. "write etcd.env". */
  task: string;
  spec: CommandSpec;
  /** One line for --dry-run and the progress view. */
  description: string;
  /**
   * Send only when one of these tasks (same step, same host) changed something in this run —
   * restarts after a changed config. Otherwise the task is recorded ok with no command sent.
   */
  onlyIfChanged?: string[];
  /** Run on every attempt even when recorded ok before (health gates). */
  always?: boolean;
  /** How long to wait for the result; the dispatcher's default when absent. */
  waitMs?: number;
  /** Send the command to this host instead (KubeKey's delegate_to): `etcdctl member add` on a running member. */
  delegateTo?: string;
}

/** A check after every host of the step is done: one command on one host; its failure fails the step. */
export interface StepGate {
  host: string;
  task: StepTask;
}

/** Work the coordinator does itself once the step's hosts are done (pushing images to the new registry). */
export interface CoordinatorWork {
  task: string;
  description: string;
  applies(model: ClusterModel): boolean;
  /** [ok, one-line summary]; throwing counts as a failure with the error's message. */
  run(ctx: CoordinatorWorkContext): Promise<[boolean, string]>;
}

export interface CoordinatorWorkContext {
  inputs: StepInputs;
  /** The coordinator's artifact store (init's verified files and the image layout). */
  artifactStore: string | undefined;
  /** The directory relative config paths resolve against. */
  cwd: string;
  signal: AbortSignal;
  /** A progress line for the operator. */
  line(text: string): void;
}

export interface InstallStep {
  /** Short and stable (it names the step in run records and --resume): "etcd", "containerd" … */
  name: string;
  title: string;
  /** The hosts the step is for (inventory names, inventory order); empty → the step is skipped. */
  hosts(model: ClusterModel): string[];
  stage(inputs: StepInputs, hosts: string[]): Stage;
  /** The host's commands, in order. Pure: the same inputs give the same commands. */
  plan(inputs: StepInputs, host: string): StepTask[];
  /** What must hold once every host is done. */
  gate?(inputs: StepInputs, hosts: string[]): StepGate | null;
  /** Coordinator-side work after the hosts (and the gate). */
  coordinator?: CoordinatorWork;
}

/** `exec` of a bash script that may end with `exit $UNCHANGED` to say nothing needed doing. */
export const UNCHANGED = 80;

export function script(text: string, opts: { env?: Record<string, string>; timeoutMs?: number } = {}): CommandSpec {
  return {
    exec: { script: `set -euo pipefail\nUNCHANGED=${UNCHANGED}\n${text}`, env: opts.env ?? {}, timeoutMs: opts.timeoutMs ?? 0, unchangedExitCode: UNCHANGED },
  };
}

export function writeFile(path: string, content: string | Buffer, mode = 0o644): CommandSpec {
  return {
    writeFile: typeof content === 'string' ? { path, text: content, mode, makeParents: true } : { path, data: content, mode, makeParents: true },
  };
}

export function fetchFile(sha256: string, dest: string, mode = 0o644): CommandSpec {
  return { fetch: { urlPath: `/artifacts/${sha256}`, sha256, dest, mode, makeParents: true } };
}

export function service(unit: string, action: 'daemon-reload' | 'enable' | 'start' | 'restart' | 'stop' | 'disable', waitMs?: number): CommandSpec {
  return { service: { unit, action, waitMs: waitMs ?? 0, journalLines: 40 } };
}
