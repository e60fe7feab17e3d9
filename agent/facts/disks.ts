// disks: size and free space of every real filesystem mounted (statfs of /proc/self/mounts
// entries). Pseudo filesystems, tmpfs and container/pod-internal mounts are left out; "/" is
// always kept whatever it is (a node that is itself a container has an overlay root).
// freeBytes is what statfs calls "available": free space usable without root's reserve, df's Avail.
import { statfs } from 'node:fs/promises';
import type { DiskFacts } from '../../shared/facts/types';
import { fsReason, hostPath, ProbeFailure, readHostFile, type ProbeContext, type ProbeErrors } from './probe';

export interface MountEntry {
  source: string;
  mount: string;
  fstype: string;
}

const PSEUDO_FS = new Set([
  'proc',
  'sysfs',
  'devtmpfs',
  'devpts',
  'tmpfs',
  'ramfs',
  'cgroup',
  'cgroup2',
  'securityfs',
  'debugfs',
  'tracefs',
  'configfs',
  'fusectl',
  'mqueue',
  'hugetlbfs',
  'pstore',
  'bpf',
  'autofs',
  'binfmt_misc',
  'rpc_pipefs',
  'nsfs',
  'efivarfs',
  'selinuxfs',
  'squashfs',
  'overlay',
  'aufs',
  'nfsd',
  'fuse.lxcfs',
  'fuse.gvfsd-fuse',
  'fuse.portal',
  'iso9660',
  'devfs',
  'none',
]);

// Mounts the container runtimes and the kubelet make for their workloads, not the node's disks.
const RUNTIME_PREFIXES = [
  '/proc/',
  '/sys/',
  '/dev/',
  '/run/',
  '/var/lib/docker/',
  '/var/lib/containerd/',
  '/var/lib/kubelet/pods/',
  '/var/lib/kubelet/plugins/',
  '/snap/',
];

// /proc/self/mounts escapes space, tab, newline and backslash as octal.
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

export function parseMounts(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const [source, mount, fstype] = line.split(' ');
    if (!source || !mount || !fstype || !mount.startsWith('/')) throw new ProbeFailure(`/proc/self/mounts: cannot read line ${JSON.stringify(line)}`);
    out.push({ source: unescapeMount(source), mount: unescapeMount(mount), fstype });
  }
  return out;
}

/** The mounts worth a statfs: real filesystems, one per mount point (the last, visible one). */
export function realFilesystems(mounts: MountEntry[]): MountEntry[] {
  const byMount = new Map<string, MountEntry>();
  for (const m of mounts) byMount.set(m.mount, m);
  return [...byMount.values()].filter((m) => m.mount === '/' || (!PSEUDO_FS.has(m.fstype) && !RUNTIME_PREFIXES.some((p) => m.mount.startsWith(p))));
}

const STATFS_TIMEOUT_MS = 2_000;

export async function readDisks(ctx: ProbeContext, errors: ProbeErrors): Promise<DiskFacts[]> {
  const mounts = realFilesystems(parseMounts(await readHostFile(ctx, '/proc/self/mounts')));
  const results = await Promise.all(
    mounts.map(async (m): Promise<DiskFacts | null> => {
      try {
        const s = await withTimeout(statfs(hostPath(ctx, m.mount)), STATFS_TIMEOUT_MS, `statfs ${m.mount} did not answer within ${STATFS_TIMEOUT_MS} ms`);
        return { mount: m.mount, totalBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize };
      } catch (err) {
        errors[`disks.${m.mount}`] = err instanceof ProbeFailure ? err.message : fsReason(m.mount, err);
        return null;
      }
    }),
  );
  return results.filter((d): d is DiskFacts => d !== null);
}

// A hung network filesystem must not hold the whole fact set back.
function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeFailure(message)), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
