// The identity of a command's content, in one place. Two questions are asked of it, at two moments:
//
// - payloadDigest(spec): has this task's command changed since an earlier attempt of the run? It is
//   computed before a command id exists (the id's attempt number depends on the answer), over the
//   task's command spec, and stored in the run record (docs/phases-and-runs.md, "Runs and resume").
// - payloadHash(command): is this the very command the agent journaled under this id? It is
//   computed by the agent over the decoded command, issue and expiry times left out, so a resumed
//   run that re-issues the same command gets the journaled result while the same id with any other
//   content is refused as a replay.
//
// Both hash a canonical form in which map keys are sorted. Their values are stored (run records on
// the coordinator, journals on every node), so neither form may change.
import { createHash } from 'node:crypto';
import { encodeCommand, type Command, type Command__Output } from './codec';

const byKey = ([a]: [string, unknown], [b]: [string, unknown]): number => (a < b ? -1 : a > b ? 1 : 0);

/** The value with every object's keys sorted and undefined members dropped: JSON that does not depend on key order. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined)
        .sort(byKey)
        .map(([k, x]) => [k, canonical(x)]),
    );
  }
  return v;
}

/** sha256 of a command payload (a task's command spec) in canonical JSON (sorted keys). */
export function payloadDigest(payload: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(payload)))
    .digest('hex');
}

/**
 * sha256 of a command's protobuf encoding with its issue and expiry times zeroed and its one map
 * (exec.env) in sorted order, so the hash does not depend on key order.
 */
export function payloadHash(c: Command__Output): string {
  const stable: Command = { ...c, issuedAtMs: 0, expiresAtMs: 0 };
  if (c.exec) stable.exec = { ...c.exec, env: Object.fromEntries(Object.entries(c.exec.env ?? {}).sort(byKey)) };
  return createHash('sha256').update(encodeCommand(stable)).digest('hex');
}
