// Runs on disk: `<dataDir>/state/runs/<id>.json` (the record, rewritten atomically on every
// change) and `<dataDir>/state/runs/<id>/<host>.log` (output, append-only, bounded). Only the
// process that created or resumed a run writes it; everyone else reads. Why files and not
// JetStream: a run must stay readable and resumable while nats-server is down — it is how the
// operator finds out what happened.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../shared/errors';
import { writeFileAtomic } from '../state/files';
import { assertRunId, isRunId, newRunId } from './ids';
import { OutputLog, DEFAULT_LOG_LIMIT_BYTES } from './output-log';
import { currentOwner, ownerAlive } from './owner';
import type { PhaseName, PhaseRecord, RunRecord, RunStatus, RunSummary, StoredRunStatus, TaskRecord } from './types';
import { PHASE_NAMES } from './types';

/** How long task updates of a live run may wait before they are written together. */
const SAVE_DELAY_MS = 250;

export interface CreateRunInput {
  command: string[];
  inventory: string;
  config: string | null;
  requested: { phases: string[] | null; skipPhases: string[] };
  /** The selected phases, in pipeline order. */
  phases: Array<{ name: PhaseName; title: string }>;
}

export interface TaskKey {
  phase: PhaseName;
  task: string;
  host: string;
}

export interface RunStoreOptions {
  logLimitBytes?: number;
  now?: () => Date;
}

/** Bytes of output kept in a task record; the full output is in the host log. */
export const TASK_TAIL_BYTES = 4096;

export function tail(text: string, max = TASK_TAIL_BYTES): string {
  return text.length <= max ? text : text.slice(text.length - max);
}

/** The status to show: a running run whose owner process is gone was interrupted. */
export function runStatus(run: RunRecord): RunStatus {
  return run.status === 'running' && !ownerAlive(run.owner) ? 'interrupted' : run.status;
}

export function summarize(run: RunRecord): RunSummary {
  const stopped = run.phaseRecords.find((p) => p.status === 'failed' || p.status === 'running' || p.status === 'cancelled');
  return {
    id: run.id,
    command: run.command,
    status: runStatus(run),
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
    phases: run.phaseRecords.map((p) => p.name),
    stoppedAt: stopped?.name,
    error: run.error,
  };
}

function validateRecord(raw: unknown, file: string): RunRecord {
  const r = raw as Partial<RunRecord> | null;
  if (
    !r ||
    typeof r !== 'object' ||
    r.version !== 1 ||
    typeof r.id !== 'string' ||
    !Array.isArray(r.phaseRecords) ||
    !r.owner ||
    !Array.isArray(r.command) ||
    !r.phaseRecords.every((p) => PHASE_NAMES.includes(p.name) && Array.isArray(p.tasks))
  ) {
    throw new UserError(`run file ${file} is not a kk run record (version 1); it may be damaged or from another kk version`);
  }
  return r as RunRecord;
}

export class RunStore {
  private readonly saveTimers = new Map<string, NodeJS.Timeout>();
  readonly dir: string;
  private readonly owned = new Map<string, { run: RunRecord; log: OutputLog }>();
  private readonly now: () => Date;
  private readonly logLimit: number;

  constructor(dataDir: string, opts: RunStoreOptions = {}) {
    this.dir = path.join(dataDir, 'state', 'runs');
    this.now = opts.now ?? (() => new Date());
    this.logLimit = opts.logLimitBytes ?? DEFAULT_LOG_LIMIT_BYTES;
  }

  private file(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }

  private logDir(id: string): string {
    return path.join(this.dir, id);
  }

  private iso(): string {
    return this.now().toISOString();
  }

  create(input: CreateRunInput): RunRecord {
    let id = newRunId(this.now());
    while (existsSync(this.file(id))) id = newRunId(this.now());
    const at = this.iso();
    const owner = currentOwner();
    const run: RunRecord = {
      version: 1,
      id,
      command: [...input.command],
      inventory: input.inventory,
      config: input.config,
      requested: { phases: input.requested.phases ? [...input.requested.phases] : null, skipPhases: [...input.requested.skipPhases] },
      status: 'running',
      createdAt: at,
      updatedAt: at,
      owner,
      attempts: [{ startedAt: at, owner }],
      params: {},
      phaseRecords: input.phases.map((p) => ({ name: p.name, title: p.title, status: 'pending', tasks: [] })),
    };
    this.owned.set(id, { run, log: new OutputLog(this.logDir(id), this.logLimit) });
    this.save(run);
    return run;
  }

  /** Reads a run from disk (or this process's live copy). */
  load(id: string): RunRecord {
    assertRunId(id);
    const live = this.owned.get(id);
    if (live) return live.run;
    const file = this.file(id);
    if (!existsSync(file)) throw new UserError(`no run ${id} (runs are kept in ${this.dir}; \`kk-coordinator runs\` lists them)`);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new UserError(`run file ${file} is not valid JSON (${(err as Error).message})`);
    }
    return validateRecord(raw, file);
  }

  /** Every run, newest first. Unreadable files are skipped, not fatal: one bad file must not hide the rest. */
  list(): RunSummary[] {
    if (!existsSync(this.dir)) return [];
    const out: RunSummary[] = [];
    for (const name of readdirSync(this.dir)) {
      const id = name.endsWith('.json') ? name.slice(0, -5) : '';
      if (!isRunId(id)) continue;
      try {
        out.push(summarize(this.load(id)));
      } catch {
        continue;
      }
    }
    return out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : b.id.localeCompare(a.id)));
  }

  /**
   * Takes over a failed, cancelled or interrupted run so it can continue. A run that finished ok,
   * or one still running in a live process, is refused.
   */
  resume(id: string): RunRecord {
    const run = this.load(id);
    const status = runStatus(run);
    if (status === 'ok') throw new UserError(`run ${id} already finished ok; there is nothing to resume`);
    if (status === 'running') {
      const o = run.owner;
      throw new UserError(`run ${id} is still running (process ${o.pid} on ${o.hostname}); stop it first or wait for it to finish`);
    }
    const owner = currentOwner();
    run.owner = owner;
    run.status = 'running';
    delete run.finishedAt;
    delete run.error;
    run.attempts.push({ startedAt: this.iso(), owner });
    this.owned.set(id, { run, log: new OutputLog(this.logDir(id), this.logLimit) });
    this.save(run);
    return run;
  }

  private live(id: string): { run: RunRecord; log: OutputLog } {
    const live = this.owned.get(id);
    if (!live) throw new Error(`run ${id} is not owned by this process (create or resume it first)`);
    return live;
  }

  private save(run: RunRecord): void {
    const pending = this.saveTimers.get(run.id);
    if (pending) {
      clearTimeout(pending);
      this.saveTimers.delete(run.id);
    }
    run.updatedAt = this.iso();
    writeFileAtomic(this.file(run.id), JSON.stringify(run, null, 1) + '\n', 0o600);
  }

  /** Writes a live run's pending task updates now. */
  flush(id: string): void {
    if (this.saveTimers.has(id)) this.save(this.live(id).run);
  }

  /**
   * Task updates are written at most every SAVE_DELAY_MS: writing (and fsyncing) the whole record
   * on each of a run's thousands of task updates blocked the event loop for most of a re-run's
   * time (docs/phases-and-runs.md). What a crash can lose is safe to lose: a task recorded as
   * pending or running is sent again under the same command id, which the agent answers from its
   * journal. Phase changes, run parameters (tokens, keys) and the end of a run are written at once.
   */
  private saveSoon(run: RunRecord): void {
    if (this.saveTimers.has(run.id)) return;
    this.saveTimers.set(
      run.id,
      setTimeout(() => {
        this.saveTimers.delete(run.id);
        if (this.owned.get(run.id)?.run === run) this.save(run);
      }, SAVE_DELAY_MS),
    );
  }

  phase(id: string, name: PhaseName): PhaseRecord {
    const p = this.live(id).run.phaseRecords.find((x) => x.name === name);
    if (!p) throw new Error(`run ${id} has no phase ${name}`);
    return p;
  }

  updatePhase(id: string, name: PhaseName, patch: Partial<Omit<PhaseRecord, 'name' | 'tasks'>>): PhaseRecord {
    const p = this.phase(id, name);
    Object.assign(p, patch);
    this.save(this.live(id).run);
    return p;
  }

  task(id: string, key: TaskKey): TaskRecord | undefined {
    return this.phase(id, key.phase).tasks.find((t) => t.task === key.task && t.host === key.host);
  }

  /** Creates the task (pending, attempt 1) if new, applies the patch, persists. */
  updateTask(id: string, key: TaskKey, patch: Partial<Omit<TaskRecord, 'phase' | 'task' | 'host'>>): TaskRecord {
    const phase = this.phase(id, key.phase);
    let t = phase.tasks.find((x) => x.task === key.task && x.host === key.host);
    if (!t) {
      t = { ...key, status: 'pending', attempt: 1, commandIds: [] };
      phase.tasks.push(t);
    }
    Object.assign(t, patch);
    if (t.outputTail !== undefined) t.outputTail = tail(t.outputTail);
    if (t.commandId && !t.commandIds.includes(t.commandId)) t.commandIds.push(t.commandId);
    this.saveSoon(this.live(id).run);
    return t;
  }

  /** A value fixed the first time it is asked for and kept across --resume. */
  param(id: string, key: string, make: () => string): string {
    const run = this.live(id).run;
    const have = run.params[key];
    if (have !== undefined) return have;
    const value = make();
    run.params[key] = value;
    this.save(run);
    return value;
  }

  finish(id: string, status: Exclude<StoredRunStatus, 'running'>, error?: string): RunRecord {
    const { run, log } = this.live(id);
    run.status = status;
    run.finishedAt = this.iso();
    if (error) run.error = error;
    this.save(run);
    log.close();
    this.owned.delete(id);
    return run;
  }

  appendOutput(id: string, host: string, text: string): void {
    this.live(id).log.append(host, text);
  }

  /** The hosts that have a log in this run. */
  logHosts(id: string): string[] {
    assertRunId(id);
    const dir = this.logDir(id);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((n) => n.endsWith('.log'))
      .map((n) => n.slice(0, -4))
      .sort();
  }

  readLog(id: string, host: string): string {
    assertRunId(id);
    return OutputLog.read(this.logDir(id), host);
  }
}
