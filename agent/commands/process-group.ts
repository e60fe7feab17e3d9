// Commands run in their own process group (spawn detached = setsid), so a timeout, a cancel or
// an agent restart can stop everything a command started, not just its first process.
import { processStartTime } from './journal';

/** Signals the whole group led by `pid`; false when it no longer exists. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * After an agent restart: stops what is left of a command's process group. The leader's start
 * time tells our process from an unrelated one that got the same pid; when the leader itself is
 * gone, the group id cannot have been reused while members of the old group still hold it.
 */
export function killLeftoverGroup(group: { pid: number; startTime: string }): boolean {
  const now = processStartTime(group.pid);
  if (now !== undefined && now !== group.startTime) return false;
  return signalGroup(group.pid, 'SIGKILL');
}
