// Whether a process is running: it exists and is not a zombie. A zombie holds no port or socket,
// and may never be reaped where PID 1 is not an init (containers, this CI machine).
import { readFileSync } from 'node:fs';

export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
