// The agent's command journal: what makes at-least-once delivery exactly-once in effect.
//
// One file per command id under <dataDir>/commands/journal/<id>.json, written atomically
// (temporary file, fsync, rename, fsync of the directory), in two steps:
//   1. "started" (with the payload hash) before the command runs, then the process group once known;
//   2. "finished" with the full result.
// The process group is written without the fsyncs: it only serves to stop leftovers after the
// agent process died, and then the kernel still has the write; after a machine crash there are
// no leftovers (and an entry torn by one reads as started, the safe reading).
// A delivery is then answered by what the journal says about its id:
//   - unknown id                          → run it;
//   - finished, same payload hash         → the journaled result (fromJournal), never run again;
//   - any entry, different payload hash   → refused as a replay;
//   - started but not finished, and not running in this process → the agent died while it ran.
//     Nobody can tell how far it got, so it is never re-run: it is finished as failed with
//     INTERRUPTED_REASON, and every later delivery gets that result from the journal. (A command
//     that was received but never reached step 1 has no entry and runs normally.)
// Entries are kept for retentionMs (default 7 days). Agents refuse commands whose validity spans
// more than MAX_COMMAND_VALIDITY_MS, far less than that, so an id cannot be replayed after its entry
// is gone.
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { CommandStatus } from '../../shared/commands/codec';
import { isValidCommandId } from '../../shared/commands/codec';

export const INTERRUPTED_REASON = 'the agent restarted while this command was running; it may have partly run';
export const DEFAULT_RETENTION_MS = 7 * 24 * 3600_000;
/** Hash of entries that match any payload: a command cancelled before it arrived. */
export const ANY_PAYLOAD = '*';

export interface FinalResult {
  status: CommandStatus;
  exitCode: number | null;
  durationMs: number;
  changed: boolean;
  error: string;
  stdoutTail: Buffer;
  stderrTail: Buffer;
  stdoutBytes: number;
  stderrBytes: number;
  data: Record<string, string>;
}

interface StoredResult extends Omit<FinalResult, 'stdoutTail' | 'stderrTail'> {
  stdoutTail: string;
  stderrTail: string;
}

export interface JournalEntry {
  id: string;
  hash: string;
  state: 'started' | 'finished';
  startedAtMs: number;
  updatedAtMs: number;
  /** The process group leader and its start time (/proc/<pid>/stat field 22), to find leftovers. */
  processGroup?: { pid: number; startTime: string };
  result?: StoredResult;
}

export type Verdict =
  | { verdict: 'run' }
  | { verdict: 'journaled'; result: FinalResult }
  | { verdict: 'replay'; journaledHash: string }
  | { verdict: 'interrupted'; result: FinalResult; entry: JournalEntry };

export class CommandJournal {
  readonly dir: string;
  private readonly retentionMs: number;
  private readonly now: () => number;
  /**
   * What this process last wrote for each command it started and has not finished: the process
   * group and the result are added to it without reading the file back.
   */
  private readonly live = new Map<string, JournalEntry>();

  constructor(dataDir: string, opts: { retentionMs?: number; now?: () => number } = {}) {
    this.dir = path.join(dataDir, 'commands', 'journal');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.retentionMs = opts.retentionMs ?? DEFAULT_RETENTION_MS;
    this.now = opts.now ?? Date.now;
  }

  get(id: string): JournalEntry | undefined {
    try {
      return JSON.parse(readFileSync(this.file(id), 'utf8')) as JournalEntry;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      // A torn or foreign file: treat as started-and-unknown, the safe reading (never re-run).
      return { id, hash: ANY_PAYLOAD, state: 'started', startedAtMs: 0, updatedAtMs: 0 };
    }
  }

  /** The journal's answer to a delivery of `id` with payload `hash` (the caller knows it is not running here). */
  check(id: string, hash: string): Verdict {
    const e = this.get(id);
    if (!e) return { verdict: 'run' };
    if (e.hash !== ANY_PAYLOAD && e.hash !== hash) return { verdict: 'replay', journaledHash: e.hash };
    if (e.state === 'finished' && e.result) return { verdict: 'journaled', result: fromStored(e.result) };
    return { verdict: 'interrupted', result: this.markInterrupted(e), entry: e };
  }

  started(id: string, hash: string): void {
    const t = this.now();
    const e: JournalEntry = { id, hash, state: 'started', startedAtMs: t, updatedAtMs: t };
    this.write(e);
    this.live.set(id, e);
  }

  setProcessGroup(id: string, pid: number): void {
    const e = this.live.get(id) ?? this.get(id);
    if (!e || e.state !== 'started') return;
    const startTime = processStartTime(pid);
    if (startTime === undefined) return;
    const next: JournalEntry = { ...e, processGroup: { pid, startTime }, updatedAtMs: this.now() };
    this.write(next, false);
    if (this.live.has(id)) this.live.set(id, next);
  }

  finished(id: string, hash: string, result: FinalResult): void {
    const prev = this.live.get(id) ?? this.get(id);
    const t = this.now();
    try {
      this.write({ id, hash, state: 'finished', startedAtMs: prev?.startedAtMs ?? t, updatedAtMs: t, result: toStored(result) });
    } finally {
      this.live.delete(id);
    }
  }

  /**
   * At agent start nothing is running yet: every "started" entry belongs to a process that died.
   * Each is finished as interrupted; the entries are returned so leftover processes can be stopped.
   */
  recoverInterrupted(): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (const id of this.ids()) {
      const e = this.get(id);
      if (e && e.state === 'started') {
        this.markInterrupted(e);
        out.push(e);
      }
    }
    return out;
  }

  /** Removes entries older than the retention period; returns how many. */
  sweep(): number {
    let removed = 0;
    const cutoff = this.now() - this.retentionMs;
    for (const name of readdirSync(this.dir)) {
      const file = path.join(this.dir, name);
      try {
        if (name.endsWith('.tmp') || statSync(file).mtimeMs < cutoff) {
          // An entry's age is its last write; a still-running command is rewritten when it finishes.
          const e = name.endsWith('.json') ? this.get(name.slice(0, -5)) : undefined;
          if (e && e.state === 'started' && e.updatedAtMs >= cutoff) continue;
          rmSync(file, { force: true });
          removed += 1;
        }
      } catch {
        // removed concurrently
      }
    }
    return removed;
  }

  private markInterrupted(e: JournalEntry): FinalResult {
    const result: FinalResult = {
      status: 'failed',
      exitCode: null,
      durationMs: Math.max(0, this.now() - e.startedAtMs),
      changed: false,
      error: INTERRUPTED_REASON,
      stdoutTail: Buffer.alloc(0),
      stderrTail: Buffer.alloc(0),
      stdoutBytes: 0,
      stderrBytes: 0,
      data: { interrupted: 'true' },
    };
    this.write({ ...e, state: 'finished', updatedAtMs: this.now(), result: toStored(result) });
    return result;
  }

  private ids(): string[] {
    return readdirSync(this.dir)
      .filter((n) => n.endsWith('.json'))
      .map((n) => n.slice(0, -5))
      .filter(isValidCommandId);
  }

  private file(id: string): string {
    if (!isValidCommandId(id)) throw new Error(`invalid command id ${JSON.stringify(id.slice(0, 80))}`);
    return path.join(this.dir, `${id}.json`);
  }

  private write(e: JournalEntry, durable = true): void {
    const file = this.file(e.id);
    const tmp = `${file}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(e));
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    if (!durable) return;
    const dfd = openSync(this.dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  }
}

function toStored(r: FinalResult): StoredResult {
  return { ...r, stdoutTail: r.stdoutTail.toString('base64'), stderrTail: r.stderrTail.toString('base64') };
}

function fromStored(r: StoredResult): FinalResult {
  return { ...r, stdoutTail: Buffer.from(r.stdoutTail, 'base64'), stderrTail: Buffer.from(r.stderrTail, 'base64') };
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot): tells a pid from its reuse. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? undefined : fields[19];
  } catch {
    return undefined;
  }
}
