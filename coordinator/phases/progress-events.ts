// The run's progress as proto events (ProgressEvent), not text: the coordinator never renders for
// the client's terminal; the CLI (or a dashboard) turns the same events into its own view.
import type { Progress, TaskInfo } from './progress';
import type { PhaseName, TaskStatus } from '../runs/types';
import type { ProgressEvent } from '../../shared/proto/generated/kk/v1/ProgressEvent';
import type { ProgressEvent__Output } from '../../shared/proto/generated/kk/v1/ProgressEvent';

const TO_STATE: Record<TaskStatus, string> = {
  pending: 'TASK_STATE_PENDING',
  running: 'TASK_STATE_RUNNING',
  ok: 'TASK_STATE_OK',
  failed: 'TASK_STATE_FAILED',
  skipped: 'TASK_STATE_SKIPPED',
  cancelled: 'TASK_STATE_CANCELLED',
};
const FROM_STATE: Record<string, TaskStatus> = Object.fromEntries(Object.entries(TO_STATE).map(([k, v]) => [v, k as TaskStatus]));

export class EventProgress implements Progress {
  constructor(private readonly emit: (ev: ProgressEvent) => void) {}
  phaseStart(phase: PhaseName, title: string, hosts: string[]): void {
    this.emit({ kind: 'PROGRESS_KIND_PHASE_START', phase, title, hosts });
  }
  task(host: string, phase: PhaseName, task: string, status: TaskStatus, info: TaskInfo = {}): void {
    this.emit({
      kind: 'PROGRESS_KIND_TASK',
      host,
      phase,
      task,
      state: TO_STATE[status] as ProgressEvent['state'],
      step: info.step ?? '',
      durationMs: info.durationMs ?? 0,
      detail: info.detail ?? '',
    });
  }
  output(host: string, line: string, stream: 'stdout' | 'stderr'): void {
    this.emit({ kind: 'PROGRESS_KIND_OUTPUT', host, text: line, stream });
  }
  phaseEnd(phase: PhaseName, status: TaskStatus, message: string, durationMs?: number): void {
    this.emit({ kind: 'PROGRESS_KIND_PHASE_END', phase, state: TO_STATE[status] as ProgressEvent['state'], text: message, durationMs: durationMs ?? 0 });
  }
  note(text: string): void {
    this.emit({ kind: 'PROGRESS_KIND_NOTE', text });
  }
  close(): void {}
}

/** Replays one event into a local view (the CLI's terminal renderer). */
export function replayEvent(ev: ProgressEvent__Output, into: Progress): void {
  const phase = ev.phase as PhaseName;
  const state = FROM_STATE[ev.state] ?? 'pending';
  switch (ev.kind) {
    case 'PROGRESS_KIND_PHASE_START':
      into.phaseStart(phase, ev.title, ev.hosts);
      break;
    case 'PROGRESS_KIND_TASK':
      into.task(ev.host, phase, ev.task, state, {
        ...(ev.durationMs || state === 'ok' || state === 'failed' ? { durationMs: Number(ev.durationMs) } : {}),
        ...(ev.detail ? { detail: ev.detail } : {}),
        ...(ev.step ? { step: ev.step } : {}),
      });
      break;
    case 'PROGRESS_KIND_OUTPUT':
      into.output(ev.host, ev.text, ev.stream === 'stderr' ? 'stderr' : 'stdout');
      break;
    case 'PROGRESS_KIND_PHASE_END':
      into.phaseEnd(phase, state, ev.text, ev.durationMs ? Number(ev.durationMs) : undefined);
      break;
    case 'PROGRESS_KIND_NOTE':
      into.note(ev.text);
      break;
    default:
      break;
  }
}
