import type { BlockDeviceFacts } from '../../../../shared/facts/types';
import type { Value } from '../../../model/cluster';
import { fact } from '../../facts-access';
import { fail, hostRule, pass } from '../../rule';
import { ConfigValueError, lookup } from '../../vars';

const FILESYSTEMS = ['ext4', 'xfs', 'btrfs'];
const DEFAULT_FS = 'xfs';

type Item = { [key: string]: Value };

function disks(vars: Parameters<typeof lookup>[0]): Item[] {
  const v = lookup(vars, 'kubernetes.storage_disks');
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new ConfigValueError('kubernetes.storage_disks', 'a list', v);
  return v.map((item) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new ConfigValueError('kubernetes.storage_disks', 'a list of maps', v);
    return item;
  });
}

const text = (v: Value | undefined): string => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');

/**
 * The lsblk name of a configured device: KubeKey writes it as lsblk does (`vdb`), and `/dev/vdb`
 * or `/dev/mapper/vg-lv` name the same devices. Links under /dev/disk/ (by-id, by-uuid) are not
 * lsblk names and cannot be matched against the facts (null).
 */
function deviceName(device: string): string | null {
  if (device.startsWith('/dev/disk/')) return null;
  if (device.startsWith('/') && !device.startsWith('/dev/')) return null;
  const name = device.slice(device.lastIndexOf('/') + 1);
  return name === '' ? null : name;
}

/** The node's devices, as named in a "does not exist" message (loop and rom devices are noise). */
function deviceList(devices: readonly BlockDeviceFacts[]): string {
  const names = devices.filter((d) => d.type !== 'loop' && d.type !== 'rom').map((d) => d.name);
  return names.length === 0 ? 'it has no disks' : `its block devices: ${names.join(', ')}`;
}

export const storageDisks = hostRule({
  id: 'storage.disks',
  severity: 'error',
  description:
    'each kubernetes.storage_disks item has device, mountpoint and an ext4/xfs/btrfs filesystem; the device exists on the node and is not mounted elsewhere',
  appliesTo: (host) => (disks(host.vars).length > 0 ? true : 'no kubernetes.storage_disks for this host'),
  check: (host, ctx) => {
    const items = disks(host.vars);
    const problems: string[] = [];
    // The node's block devices are facts like any other: a fact file records them too, and when
    // they are unknown fact() throws, so a disk that was never seen cannot pass.
    const known = fact(ctx, host.name, 'blockDevices');
    const devices = new Map(known.map((d) => [d.name, d]));
    items.forEach((item, i) => {
      const where = `storage_disks[${i}]`;
      const device = text(item.device);
      const mountpoint = text(item.mountpoint);
      const filesystem = (text(item.filesystem) || DEFAULT_FS).toLowerCase();
      if (!device) problems.push(`${where} has no device`);
      if (!mountpoint) problems.push(`${where} has no mountpoint`);
      if (!FILESYSTEMS.includes(filesystem)) problems.push(`${where} filesystem "${filesystem}" is not one of ${FILESYSTEMS.join(', ')}`);
      if (!device) return;
      const name = deviceName(device);
      if (name === null) {
        problems.push(`${where} device ${device} cannot be matched to the node's block devices: name it as lsblk does (vdb or /dev/vdb)`);
        return;
      }
      const dev = devices.get(name);
      if (!dev) problems.push(`${where} device ${device} does not exist on ${host.name} (${deviceList(known)}): correct the device or attach the disk`);
      else if (dev.mountpoint !== null && dev.mountpoint !== mountpoint) {
        problems.push(`${where} device ${device} is already mounted on ${dev.mountpoint}: unmount it or choose another device`);
      }
    });
    if (problems.length > 0) return fail(problems.join('; '));
    return pass(`${items.length} storage disk${items.length === 1 ? '' : 's'}: ${items.map((d) => `${text(d.device)} → ${text(d.mountpoint)}`).join(', ')}`);
  },
});
