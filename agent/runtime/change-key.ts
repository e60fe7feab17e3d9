// What counts as "facts changed": everything but the readings that move on their own (clock,
// free memory, free disk). Free disk still counts when it moves by a whole GiB.
import type { FactSet } from '../../shared/facts/types';

export function factsChangeKey(f: FactSet): string {
  return JSON.stringify({
    ...f,
    collectedAtMs: 0,
    time: f.time ? { ntpSynchronized: f.time.ntpSynchronized } : null,
    memory: f.memory ? { ...f.memory, availableBytes: 0, swapFreeBytes: 0 } : null,
    disks: f.disks?.map((d) => ({ ...d, freeBytes: Math.round(d.freeBytes / 2 ** 30) })) ?? null,
  });
}
