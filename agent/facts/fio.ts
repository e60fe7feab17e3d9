// fio: etcd's disk check — fdatasync latency of small sequential writes, the pattern of etcd's
// WAL — run on request only (it writes ~22 MB) in a fresh temporary directory under DIR, which is
// removed afterwards along with any part of DIR the probe itself had to create.
import { mkdir, mkdtemp, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import type { FioFacts } from '../../shared/facts/types';
import { findBinary } from './binaries';
import { isRecord, parseCommandJson } from './json-output';
import { fsReason, hostPath, ProbeFailure, type ProbeContext } from './probe';

const PERCENTILES = { p50: '50.000000', p90: '90.000000', p99: '99.000000' } as const;

/** The sync latency percentiles (ns) of the first job in `fio --output-format=json` output. */
export function parseFioJson(text: string): FioFacts['syncLatencyNs'] {
  // fio prints warnings ("fio: …") to stdout ahead of the JSON document.
  const start = text.indexOf('{');
  const doc = parseCommandJson(start < 0 ? text : text.slice(start), 'fio');
  const job = isRecord(doc) && Array.isArray(doc.jobs) ? doc.jobs[0] : undefined;
  if (!isRecord(job)) throw new ProbeFailure('fio printed JSON without a job');
  if (typeof job.error === 'number' && job.error !== 0) throw new ProbeFailure(`fio's job failed with error ${job.error}`);
  const sync = isRecord(job.sync) ? job.sync : undefined;
  const lat = sync && isRecord(sync.lat_ns) ? sync.lat_ns : undefined;
  const pct = lat && isRecord(lat.percentile) ? lat.percentile : undefined;
  if (!pct) throw new ProbeFailure('fio printed no sync.lat_ns.percentile (is --fdatasync=1 supported by this fio?)');
  const at = (key: string): number => {
    const v = pct[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ProbeFailure(`fio printed no sync latency percentile ${key}`);
    return v;
  };
  return { p50: at(PERCENTILES.p50), p90: at(PERCENTILES.p90), p99: at(PERCENTILES.p99) };
}

const RHEL_LIKE = ['centos', 'rocky', 'rhel', 'almalinux', 'fedora', 'kylin', 'openeuler', 'ol', 'anolis'];

/** How to get fio on this distribution (os-release ID). */
export function fioInstallHint(osId: string | null): string {
  if (osId === 'debian' || osId === 'ubuntu') return 'install it with `apt-get install -y fio`';
  if (osId && RHEL_LIKE.includes(osId)) return 'install it with `dnf install -y fio` (or `yum install -y fio`)';
  return "install the fio package with the distribution's package manager";
}

export const FIO_TIMEOUT_MS = 300_000;

export async function runFio(ctx: ProbeContext, directory: string, osId: string | null, now: () => number = Date.now): Promise<FioFacts> {
  const fio = await findBinary(ctx, 'fio');
  if (!fio) throw new ProbeFailure(`fio is not installed: ${fioInstallHint(osId)}`);
  const dir = path.resolve(directory);
  const realDir = hostPath(ctx, dir);
  let created: string | undefined;
  let work: string | undefined;
  try {
    try {
      // The directory etcd will use may not exist yet; what matters is the filesystem under it.
      created = await mkdir(realDir, { recursive: true });
      work = await mkdtemp(path.join(realDir, '.kk-fio-'));
    } catch (err) {
      throw new ProbeFailure(`cannot make a scratch directory in ${dir}: ${fsReason(dir, err)}`);
    }
    const ranAtMs = now();
    const out = await ctx.run(
      fio,
      [
        '--rw=write',
        '--ioengine=sync',
        '--fdatasync=1',
        `--directory=${work.replace(/:/g, '\\:')}`,
        '--size=22m',
        '--bs=2300',
        '--name=kk-etcd-probe',
        '--output-format=json',
      ],
      { timeoutMs: FIO_TIMEOUT_MS, cwd: work },
    );
    return { directory: dir, syncLatencyNs: parseFioJson(out), ranAtMs };
  } finally {
    if (work) await rm(work, { recursive: true, force: true });
    if (created) await removeCreated(realDir, created);
  }
}

/** Removes the directories mkdir -p made, deepest first, stopping at any that is no longer empty. */
async function removeCreated(dir: string, firstCreated: string): Promise<void> {
  for (let d = dir; d.length >= firstCreated.length; d = path.dirname(d)) {
    try {
      await rmdir(d);
    } catch {
      return;
    }
    if (d === firstCreated) return;
  }
}
