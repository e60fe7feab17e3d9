// Runs a phase plan's per-host tasks: hosts in parallel, each host's tasks in order, a host's
// first failure ends that host's work. Every transition is written to the run record before and
// after the command, so a coordinator killed at any point leaves a record --resume can act on:
//   ok                          → never redone (unless the task asks to be, and its payload changed)
//   running / unreachable       → re-sent with the SAME command id: the agent's journal answers if
//                                 it already ran it, otherwise it runs now — once either way
//   failed / timeout / refused / cancelled, or a changed payload
//                               → a new attempt with a new command id (the old id's result is
//                                 journaled and would only be repeated back)
import { errorMessage } from '../../shared/errors';
import { commandId, payloadDigest } from '../runs/ids';
import { tail } from '../runs/store';
import type { TaskRecord } from '../runs/types';
import { StringDecoder } from 'node:string_decoder';
import type { CommandOutcome, OutputEvent } from './executor';
import { LineSplitter } from './lines';
import type { PhaseContext, PhasePlan, PlannedTask } from './types';

export interface HostFailure {
  host: string;
  task: string;
  /** e.g. "exited with code 3". */
  reason: string;
  exitCode: number | null;
  outputTail: string;
}

export interface TaskRunSummary {
  failures: HostFailure[];
  cancelled: boolean;
  ran: number;
  reused: number;
}

export function describeOutcome(o: CommandOutcome): string {
  switch (o.status) {
    case 'ok':
      return 'ok';
    case 'failed':
      return o.exitCode !== null ? `exited with code ${o.exitCode}` : `failed${o.error ? `: ${o.error}` : ''}`;
    case 'timeout':
      return `timed out${o.error ? `: ${o.error}` : ''}`;
    case 'refused':
      return `refused by the agent${o.error ? `: ${o.error}` : ''}`;
    case 'unreachable':
      return `node unreachable${o.error ? `: ${o.error}` : ''}`;
    case 'cancelled':
      return 'cancelled';
  }
}

function combinedTail(o: CommandOutcome): string {
  const parts = [o.stdoutTail, o.stderrTail].map((b) => Buffer.from(b).toString('utf8')).filter((s) => s !== '');
  return tail(parts.join(parts.length > 1 && !parts[0]!.endsWith('\n') ? '\n' : ''));
}

/** Which attempt (and so which command id) to use for a task that has a record from before. */
export function nextAttempt(prev: TaskRecord | undefined, digest: string): { attempt: number; reuse: boolean } {
  if (!prev || !prev.commandId) return { attempt: prev?.attempt ?? 1, reuse: false };
  const sameMessage = prev.digest === digest;
  const maybeDelivered = prev.status === 'running' || (prev.status === 'failed' && prev.outcome === 'unreachable');
  if (sameMessage && (maybeDelivered || prev.status === 'pending')) return { attempt: prev.attempt, reuse: true };
  return { attempt: prev.attempt + 1, reuse: false };
}

function byHost(tasks: PlannedTask[]): Map<string, PlannedTask[]> {
  const m = new Map<string, PlannedTask[]>();
  for (const t of tasks) {
    const list = m.get(t.host) ?? [];
    list.push(t);
    m.set(t.host, list);
  }
  return m;
}

export interface RunTasksOptions {
  /** At most this many hosts at once (a pool: a finished host makes room for the next); default all. */
  concurrency?: number;
}

/** Runs `items` through `fn` with at most `limit` in flight; resolves when all have settled. */
export async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<PromiseSettledResult<void>[]> {
  const results: PromiseSettledResult<void>[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        await fn(items[i]!);
        results[i] = { status: 'fulfilled', value: undefined };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

export async function runHostTasks(ctx: PhaseContext, plan: PhasePlan, opts: RunTasksOptions = {}): Promise<TaskRunSummary> {
  const run = ctx.run;
  if (!run) throw new Error('runHostTasks needs a run (plans are only printed in a dry run)');
  const { store, id: runId } = run;
  const phase = plan.phase;
  const summary: TaskRunSummary = { failures: [], cancelled: false, ran: 0, reused: 0 };

  const runHost = async (host: string, tasks: PlannedTask[]): Promise<void> => {
    for (const t of tasks) {
      const key = { phase, task: t.task, host };
      if (ctx.signal.aborted) {
        summary.cancelled = true;
        store.updateTask(runId, key, { status: 'cancelled' });
        ctx.progress.task(host, phase, t.task, 'cancelled');
        continue;
      }
      if (!t.spec) throw new Error(`${phase}/${t.task} on ${host} has no command; coordinator tasks are run by their phase`);
      const digest = payloadDigest(t.spec);
      const prev = store.task(runId, key);
      if (prev?.status === 'ok' && !t.always && !(t.redoIfChanged && prev.digest !== digest)) {
        ctx.progress.task(host, phase, t.task, 'ok', { detail: 'done in an earlier attempt' });
        continue;
      }
      if (t.onlyIfChanged && !t.onlyIfChanged.some((dep) => store.task(runId, { phase, task: dep, host })?.changed === true)) {
        store.updateTask(runId, key, {
          status: 'ok',
          step: t.step,
          changed: false,
          outputTail: 'nothing it depends on changed: not sent',
          finishedAt: ctx.now().toISOString(),
        });
        ctx.progress.task(host, phase, t.task, 'ok', { detail: 'unchanged, not needed' });
        continue;
      }
      const { attempt, reuse } = nextAttempt(prev, digest);
      if (reuse) summary.reused++;
      const id = commandId(runId, phase, t.task, host, attempt);
      const startedAt = ctx.now();
      store.updateTask(runId, key, {
        status: 'running',
        step: t.step,
        attempt,
        commandId: id,
        digest,
        startedAt: startedAt.toISOString(),
        finishedAt: undefined,
        durationMs: undefined,
        outcome: undefined,
        exitCode: undefined,
        error: undefined,
        outputTail: undefined,
      });
      ctx.progress.task(host, phase, t.task, 'running');

      let streamed = false;
      const logLine =
        (stream: 'stdout' | 'stderr') =>
        (line: string): void => {
          streamed = true;
          store.appendOutput(runId, host, `${ctx.now().toISOString()} [${phase} ${t.task}${stream === 'stderr' ? ' stderr' : ''}] ${line}\n`);
          ctx.progress.output(host, line, stream);
        };
      const splitters = { stdout: new LineSplitter(logLine('stdout')), stderr: new LineSplitter(logLine('stderr')) };
      // Chunks may end inside a UTF-8 sequence; a decoder per stream carries the rest over.
      const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
      const onOutput = (chunk: OutputEvent): void => {
        if (chunk.droppedBytes > 0) splitters[chunk.stream].push(`\n[… ${chunk.droppedBytes} bytes of output dropped on the node …]\n`);
        splitters[chunk.stream].push(decoders[chunk.stream].write(chunk.data));
      };
      const flush = (): void => {
        for (const s of ['stdout', 'stderr'] as const) {
          splitters[s].push(decoders[s].end());
          splitters[s].flush();
        }
      };

      let outcome: CommandOutcome;
      try {
        outcome = await ctx.executor.send(t.delegateTo ?? host, t.spec, { id, timeoutMs: t.waitMs, signal: ctx.signal, onOutput });
      } catch (err) {
        // The dispatcher reports failures as outcomes; an exception is a coordinator-side fault
        // and leaves the task "running" so --resume re-sends the same id.
        flush();
        throw err;
      }
      flush();
      summary.ran++;
      const outputTail = combinedTail(outcome);
      if (!streamed && outputTail !== '') {
        // Nothing streamed (the agent answered from its journal): keep what it returned.
        store.appendOutput(
          runId,
          host,
          `${ctx.now().toISOString()} [${phase} ${t.task}] (output tail${outcome.fromJournal ? " from the agent's journal" : ''})\n${outputTail}${outputTail.endsWith('\n') ? '' : '\n'}`,
        );
      }
      const ok = outcome.status === 'ok';
      const status = ok ? 'ok' : outcome.status === 'cancelled' ? 'cancelled' : 'failed';
      const reason = describeOutcome(outcome);
      const durationMs = outcome.durationMs;
      store.updateTask(runId, key, {
        status,
        outcome: outcome.status,
        exitCode: outcome.exitCode,
        changed: outcome.changed,
        fromJournal: outcome.fromJournal,
        finishedAt: ctx.now().toISOString(),
        durationMs,
        outputTail,
        error: ok ? undefined : (outcome.error ?? reason),
      });
      ctx.progress.task(host, phase, t.task, status, { durationMs, detail: ok ? (outcome.fromJournal ? "from the agent's journal" : undefined) : reason });
      if (status === 'cancelled') {
        summary.cancelled = true;
        if (ctx.signal.aborted) continue; // the rest of this host's tasks are marked cancelled above
        return;
      }
      if (!ok) {
        summary.failures.push({ host, task: t.task, reason, exitCode: outcome.exitCode, outputTail });
        return;
      }
    }
  };

  const hosts = [...byHost(plan.tasks)];
  const results = await pool(hosts, opts.concurrency ?? hosts.length, ([host, tasks]) => runHost(host, tasks));
  const crashed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (crashed) throw new Error(`${phase}: ${errorMessage(crashed.reason)}`);
  return summary;
}

/** "pre_hook failed on node1: pre_install.sh exited with code 3" plus each failure's output tail. */
export function failureReport(phase: string, failures: HostFailure[]): string {
  const lines = failures.map((f) => {
    const out = f.outputTail.trimEnd();
    const shown = out === '' ? '' : `\n    ${out.split('\n').slice(-20).join('\n    ')}`;
    return `  [${f.host}] ${f.task} ${f.reason}${shown}`;
  });
  const hosts = failures.map((f) => f.host);
  return `${phase} failed on ${hosts.join(', ')}:\n${lines.join('\n')}`;
}
