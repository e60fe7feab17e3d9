import { factSet, UnknownFactError } from '../../facts-access';
import { ETCD, inGroup } from '../../hosts';
import { fail, hostRule, pass } from '../../rule';
import { num, str } from '../../vars';

const ms = (ns: number): string => `${(ns / 1e6).toFixed(ns < 1e6 ? 3 : 1)} ms`;

export const etcdDiskIo = hostRule({
  id: 'etcd.disk_io',
  severity: 'error',
  description: "fio p99 fdatasync latency on the etcd data dir's filesystem ≤ etcd_disk_wal_fysnc_duration_seconds (ns)",
  appliesTo: (host) => (inGroup(host, ETCD) ? true : 'not in etcd'),
  check: (host, ctx) => {
    const fs = factSet(ctx, host.name);
    const limit = num(host.vars, 'cluster_require.etcd_disk_wal_fysnc_duration_seconds');
    const dataDir = str(host.vars, 'etcd.env.data_dir');
    if (fs.fio === null) {
      // binaries.fio null means fio is not installed; a null fio result otherwise is a failed or skipped probe.
      if (fs.binaries !== null && 'fio' in fs.binaries && fs.binaries.fio === null && fs.probeErrors['binaries.fio'] === undefined) {
        return fail(
          `fio is not installed, so etcd disk latency was not measured: install it (apt-get install fio / dnf install fio) and re-run, or skip etcd.disk_io`,
          'warning',
        );
      }
      const why = fs.probeErrors.fio ?? 'no fio result in the facts (run `kk-agent facts --fio ' + dataDir + '` on the node)';
      throw new UnknownFactError(`etcd disk latency is unknown on ${host.name}: ${why}`);
    }
    const { p90, p99 } = fs.fio.syncLatencyNs;
    const where = `on ${fs.fio.directory}`;
    if (p99 <= limit) return pass(`fdatasync p99 ${ms(p99)} (p90 ${ms(p90)}) ${where} ≤ ${ms(limit)}`);
    return fail(
      `fdatasync p99 ${ms(p99)} (p90 ${ms(p90)}) ${where} exceeds the ${ms(limit)} limit: put ${dataDir} on faster storage (SSD/NVMe) or raise cluster_require.etcd_disk_wal_fysnc_duration_seconds`,
    );
  },
});
