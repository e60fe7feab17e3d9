// What the operator sees while a run goes on. Plain lines when the output is not a terminal
// (`[node1] pre_hook: pre_install.sh ok (0.4s)`); on a terminal the same lines scroll above a live
// block with one row per host (phase, task, status, elapsed). Command output is printed as it
// arrives, one line at a time, prefixed with the host.
import type { PhaseName, TaskStatus } from '../runs/types';
import { seconds } from '../../shared/text-format';
import { LiveBlock } from '../../shared/live-block';

export interface ProgressOutput {
  write(text: string): void;
  isTTY?: boolean;
  columns?: number;
}

export interface TaskInfo {
  durationMs?: number;
  /** The install step the task belongs to. */
  step?: string;
  /** Why it failed, or a note such as "done in an earlier attempt". */
  detail?: string;
}

export interface Progress {
  phaseStart(phase: PhaseName, title: string, hosts: string[]): void;
  task(host: string, phase: PhaseName, task: string, status: TaskStatus, info?: TaskInfo): void;
  output(host: string, line: string, stream: 'stdout' | 'stderr'): void;
  phaseEnd(phase: PhaseName, status: TaskStatus, message: string, durationMs?: number): void;
  note(text: string): void;
  close(): void;
}

export { seconds };

/** The permanent line for a finished task, shared by both views. */
export function taskLine(host: string, phase: PhaseName, task: string, status: TaskStatus, info: TaskInfo = {}): string {
  const took = info.durationMs !== undefined ? ` (${seconds(info.durationMs)})` : '';
  const detail = info.detail ? `: ${info.detail}` : '';
  return `[${host}] ${phase}: ${task} ${status}${took}${detail}`;
}

function phaseLine(phase: PhaseName, status: TaskStatus, message: string, durationMs?: number): string {
  const took = durationMs !== undefined ? ` (${seconds(durationMs)})` : '';
  return `${phase} ${status}${took}${message ? ` — ${message}` : ''}`;
}

export class PlainProgress implements Progress {
  constructor(private readonly out: ProgressOutput) {}

  phaseStart(phase: PhaseName, title: string, _hosts?: string[]): void {
    this.out.write(`== ${phase}: ${title}\n`);
  }

  task(host: string, phase: PhaseName, task: string, status: TaskStatus, info?: TaskInfo): void {
    if (status === 'pending' || status === 'running') return;
    this.out.write(taskLine(host, phase, task, status, info) + '\n');
  }

  output(host: string, line: string, _stream?: 'stdout' | 'stderr'): void {
    this.out.write(`[${host}] ${line}\n`);
  }

  phaseEnd(phase: PhaseName, status: TaskStatus, message: string, durationMs?: number): void {
    this.out.write(phaseLine(phase, status, message, durationMs) + '\n');
  }

  note(text: string): void {
    this.out.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  close(): void {}
}

interface HostRow {
  phase: PhaseName;
  task: string;
  status: TaskStatus;
  since: number;
}

const STATUS_MARK: Record<TaskStatus, string> = {
  pending: '·',
  running: '…',
  ok: '✓',
  failed: '✗',
  skipped: '-',
  cancelled: '⊘',
};

export class TtyProgress implements Progress {
  private readonly rows = new Map<string, HostRow>();
  private readonly block: LiveBlock;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly out: ProgressOutput,
    private readonly now: () => number = Date.now,
  ) {
    this.block = new LiveBlock(out);
  }

  private clear(): void {
    this.block.clear();
  }

  private lines(): string[] {
    if (this.rows.size === 0) return [];
    const width = Math.max(...[...this.rows.keys()].map((h) => h.length));
    return [...this.rows].map(([host, r]) => {
      const took = r.status === 'running' ? ` ${seconds(this.now() - r.since)}` : '';
      return `  ${STATUS_MARK[r.status]} ${host.padEnd(width)}  ${r.phase}  ${r.task}  ${r.status}${took}`;
    });
  }

  /** Prints text above the live block, then redraws it. */
  private print(text: string): void {
    this.block.render(text ? [text] : [], this.lines());
  }

  phaseStart(phase: PhaseName, title: string, hosts: string[]): void {
    this.rows.clear();
    this.clear();
    for (const h of hosts) this.rows.set(h, { phase, task: '', status: 'pending', since: this.now() });
    this.print(`== ${phase}: ${title}`);
    if (!this.timer && hosts.length > 0) {
      this.timer = setInterval(() => this.print(''), 500);
      this.timer.unref();
    }
  }

  task(host: string, phase: PhaseName, task: string, status: TaskStatus, info?: TaskInfo): void {
    const prev = this.rows.get(host);
    this.rows.set(host, { phase, task, status, since: status === 'running' || !prev ? this.now() : prev.since });
    this.print(status === 'pending' || status === 'running' ? '' : taskLine(host, phase, task, status, info));
  }

  output(host: string, line: string, _stream?: 'stdout' | 'stderr'): void {
    this.print(`[${host}] ${line}`);
  }

  phaseEnd(phase: PhaseName, status: TaskStatus, message: string, durationMs?: number): void {
    this.stopTimer();
    this.clear();
    this.rows.clear();
    this.out.write(phaseLine(phase, status, message, durationMs) + '\n');
  }

  note(text: string): void {
    this.print(text);
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  close(): void {
    this.stopTimer();
    this.clear();
  }
}

export function createProgress(out: ProgressOutput): Progress {
  return out.isTTY ? new TtyProgress(out) : new PlainProgress(out);
}
