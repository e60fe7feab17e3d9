// Process inspection through /proc for the tests that check nothing is left running.
import { readdirSync, readFileSync } from 'node:fs';

/** Running and not a zombie (an orphan's zombie may never be reaped when PID 1 is not an init). */
export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
}

/** Live processes whose argv contains `arg` exactly. */
export function processesWithArg(arg: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (argv.includes(arg) && processAlive(Number(name))) pids.push(Number(name));
    } catch {
      // the process went away while we looked
    }
  }
  return pids;
}
