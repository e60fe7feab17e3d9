// Run ids and command ids. A command id is stable for a given run, task, host and attempt, so a
// re-sent command (coordinator restarted, --resume of an interrupted task) is answered from the
// agent's journal instead of running twice. Ids are single NATS subject tokens.
import { createHash, randomBytes } from 'node:crypto';
import { UserError } from '../../shared/errors';

const RUN_ID_RE = /^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$/;
const MAX_COMMAND_ID = 128;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Local date and time as YYYYMMDD-HHMMSS (KubeKey's backup file names use the same form). */
export function compactTimestamp(d: Date): string {
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

/** e.g. 20250131-142233-9f3a1c: sorts by creation time, unique enough for one coordinator. */
export function newRunId(now: Date = new Date()): string {
  return `${compactTimestamp(now)}-${randomBytes(3).toString('hex')}`;
}

export function isRunId(id: string): boolean {
  return RUN_ID_RE.test(id);
}

export function assertRunId(id: string): void {
  if (!isRunId(id))
    throw new UserError(`invalid run id ${JSON.stringify(id.slice(0, 80))}: expected the form 20250131-142233-9f3a1c (see \`kk-coordinator runs\`)`);
}

const slug = (s: string): string => s.replace(/[^A-Za-z0-9-]+/g, '_').replace(/^_+|_+$/g, '');

/**
 * `<run>-<phase>-<task>-<host>-<hash>-a<attempt>`, readable where it fits. The hash of the exact
 * (phase, task, host) keeps ids distinct even when two names slug to the same text.
 */
export function commandId(runId: string, phase: string, task: string, host: string, attempt: number): string {
  const hash = createHash('sha256').update(`${phase}\0${task}\0${host}`).digest('hex').slice(0, 10);
  const tail = `-${hash}-a${attempt}`;
  const readable = `${runId}-${slug(phase)}-${slug(task)}-${slug(host)}`;
  return readable.slice(0, MAX_COMMAND_ID - tail.length) + tail;
}

// The task digest is defined with the agent's command hash, in one place.
export { payloadDigest } from '../../shared/commands/payload-hash';
