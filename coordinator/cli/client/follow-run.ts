// Streams a run's events to the terminal. Ctrl-C cancels the call, which the coordinator turns
// into a cancel on every node; a second Ctrl-C leaves at once.
import { GrpcStatus } from '../../../shared/proto/grpc-status';
import type { AdminStream } from './admin-api';
import { describe } from './admin-client';
import type { RunEvent__Output } from '../../../shared/proto/generated/kk/v1/RunEvent';
import type { RunFinished__Output } from '../../../shared/proto/generated/kk/v1/RunFinished';
import { UserError } from '../../../shared/errors';
import { createProgress } from '../../phases/progress';
import { replayEvent } from '../../phases/progress-events';
import { renderTable } from '../../precheck/render';
import type { Report } from '../../precheck/report';

export function followRun(stream: AdminStream<RunEvent__Output>, address: string): Promise<RunFinished__Output | null> {
  let interrupts = 0;
  const onSigint = () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    process.stderr.write('\ncancelling the run on every node… (Ctrl-C again to leave now)\n');
    stream.cancel();
  };
  process.on('SIGINT', onSigint);
  let finished: RunFinished__Output | null = null;
  const out = { write: (t: string) => void process.stdout.write(t), isTTY: Boolean(process.stdout.isTTY), columns: process.stdout.columns ?? 100 };
  // The coordinator sends what happens as events; this terminal decides how it looks.
  const view = createProgress(out);
  return new Promise<RunFinished__Output | null>((resolve, reject) => {
    stream.on('data', (ev) => {
      if (ev.output) view.note(ev.output.endsWith('\n') ? ev.output.slice(0, -1) : ev.output);
      if (ev.progress) replayEvent(ev.progress, view);
      if (ev.precheckReportJson) view.note(renderTable(JSON.parse(ev.precheckReportJson) as Report, { color: out.isTTY }).replace(/\n$/, ''));
      if (ev.finished) finished = ev.finished;
    });
    stream.on('error', (err) => {
      if (err.code === GrpcStatus.CANCELLED) resolve(null);
      else if (err.code === GrpcStatus.INVALID_ARGUMENT) reject(new UserError(err.details, 2));
      else if (err.code === GrpcStatus.UNAVAILABLE) reject(describe(err, address));
      else if (err.code === GrpcStatus.NOT_FOUND || err.code === GrpcStatus.PERMISSION_DENIED) reject(new UserError(err.details));
      else reject(new UserError(`the run failed: ${err.details || err.message}`));
    });
    stream.on('end', () => resolve(finished));
  }).finally(() => {
    view.close();
    process.removeListener('SIGINT', onSigint);
  });
}

/** Streams a run to the terminal; the exit code says how it ended (130 cancelled, 1 failed). */
export async function followToExit(stream: AdminStream<RunEvent__Output>, client: { address: string; close(): void }): Promise<void> {
  const done = await followRun(stream, client.address);
  client.close();
  if (!done) {
    process.stderr.write('run cancelled\n');
    process.exitCode = 130;
    return;
  }
  // The pipeline's own output already said how the run ended and how to resume it.
  if (done.status !== 'ok' && done.status !== 'planned') process.exitCode = 1;
}
