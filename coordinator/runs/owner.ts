// Which process owns a running run, and whether it is still alive. A run whose record says
// "running" but whose owner is gone was interrupted (coordinator killed, machine rebooted).
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { RunOwner } from './types';

/** Field 22 of /proc/<pid>/stat (start time in ticks since boot); null where /proc is absent. */
export function processStartTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses; fields after it are plain.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

export function currentOwner(): RunOwner {
  return { hostname: hostname(), pid: process.pid, startTicks: processStartTicks(process.pid) };
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the owner process is still running. Owners on another machine cannot be checked from
 * here and count as alive, so a run is never declared interrupted by a guess.
 */
export function ownerAlive(owner: RunOwner): boolean {
  if (owner.hostname !== hostname()) return true;
  if (owner.pid === process.pid) return owner.startTicks === null || owner.startTicks === processStartTicks(process.pid);
  if (!pidExists(owner.pid)) return false;
  if (owner.startTicks === null) return true;
  const now = processStartTicks(owner.pid);
  return now === null || now === owner.startTicks;
}
