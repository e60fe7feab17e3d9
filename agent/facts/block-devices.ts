// blockDevices: disks, partitions and the devices stacked on them (lvm, crypt, raid), flattened
// from `lsblk -J -b -o NAME,SIZE,TYPE,MOUNTPOINT,FSTYPE`'s tree.
import type { BlockDeviceFacts } from '../../shared/facts/types';
import { asNumber, isRecord, parseCommandJson } from './json-output';
import { ProbeFailure, type ProbeContext } from './probe';

const WHAT = '`lsblk -J -b -o NAME,SIZE,TYPE,MOUNTPOINT,FSTYPE`';

export function parseLsblkJson(text: string): BlockDeviceFacts[] {
  const doc = parseCommandJson(text, WHAT);
  if (!isRecord(doc) || !Array.isArray(doc.blockdevices)) throw new ProbeFailure(`${WHAT} printed no "blockdevices" list`);
  const out: BlockDeviceFacts[] = [];
  const walk = (devices: unknown[]) => {
    for (const d of devices) {
      if (!isRecord(d) || typeof d.name !== 'string') throw new ProbeFailure(`${WHAT}: a device has no name`);
      const sizeBytes = asNumber(d.size);
      if (sizeBytes === undefined || typeof d.type !== 'string') throw new ProbeFailure(`${WHAT}: device ${d.name} has no size or type`);
      // A device stacked on two parents (a RAID member pair) appears under both: list it once.
      if (!out.some((o) => o.name === d.name)) {
        out.push({
          name: d.name,
          sizeBytes,
          type: d.type,
          mountpoint: typeof d.mountpoint === 'string' && d.mountpoint !== '' ? d.mountpoint : null,
          fstype: typeof d.fstype === 'string' && d.fstype !== '' ? d.fstype : null,
        });
      }
      if (Array.isArray(d.children)) walk(d.children);
    }
  };
  walk(doc.blockdevices);
  return out;
}

export async function readBlockDevices(ctx: ProbeContext): Promise<BlockDeviceFacts[]> {
  return parseLsblkJson(await ctx.run('lsblk', ['-J', '-b', '-o', 'NAME,SIZE,TYPE,MOUNTPOINT,FSTYPE']));
}
