import { test } from 'node:test';
import assert from 'node:assert/strict';
import { etcdDeploymentType } from '../../../../coordinator/precheck/rules/etcd/deployment-type';
import { etcdVersion } from '../../../../coordinator/precheck/rules/etcd/version';
import { etcdDiskIo } from '../../../../coordinator/precheck/rules/etcd/disk-io';
import { etcdInstalled } from '../../../../coordinator/precheck/rules/etcd/installed';
import type { FactPatch } from '../builders';
import { cluster, context, factsFor, healthyFacts, resultOf, threeNodes } from '../builders';

test('etcd.deployment_type: known type; external needs an odd, non-empty group', () => {
  assert.equal(resultOf(etcdDeploymentType, context(threeNodes())).status, 'pass');
  assert.match(
    resultOf(etcdDeploymentType, context(threeNodes({ etcd: { deployment_type: 'stacked' } }))).message,
    /"stacked" is not one of internal, external/,
  );
  const two = cluster({
    hosts: [
      { name: 'a', groups: ['etcd'] },
      { name: 'b', groups: ['etcd'] },
    ],
  });
  assert.match(resultOf(etcdDeploymentType, context(two)).message, /2 hosts; etcd needs an odd number.*use 1 or 3/);
  const none = cluster({ hosts: [{ name: 'a', groups: ['kube_control_plane'] }] });
  assert.match(resultOf(etcdDeploymentType, context(none)).message, /etcd group is empty/);
  const internal = cluster({ vars: { etcd: { deployment_type: 'internal' } }, hosts: [{ name: 'a', groups: ['kube_control_plane'] }] });
  assert.equal(resultOf(etcdDeploymentType, context(internal)).status, 'pass');
});

test('etcd.deployment_type: the allowed list is compared in any case, as the loaded value is', () => {
  const m = threeNodes({ cluster_require: { require_etcd_deployment_type: ['Internal', 'External'] }, etcd: { deployment_type: 'internal' } });
  assert.equal(resultOf(etcdDeploymentType, context(m)).status, 'pass');
});

test('etcd.version: exact key wins over the minor key; pre-release minimum; no key passes', () => {
  const at = (kube: string, etcd: string) => resultOf(etcdVersion, context(threeNodes({ kubernetes: { kube_version: kube }, etcd: { etcd_version: etcd } })));
  // v1.33 needs 3.5.21-0, but v1.33.1 is an exact key needing only 3.5.11-0.
  assert.equal(at('v1.33.1', 'v3.5.15').status, 'pass');
  assert.match(at('v1.33.6', 'v3.5.15').message, /etcd v3\.5\.15 is older than v3\.5\.21-0.*etcd_min_versions\.v1\.33\)/);
  // 3.4.13 is newer than the pre-release 3.4.13-4.
  assert.equal(at('v1.29.0', 'v3.4.13').status, 'pass');
  assert.equal(at('v1.29.0', '3.4.12').status, 'fail');
  assert.match(at('v1.40.0', 'v3.5.0').message, /no etcd minimum is recorded for Kubernetes v1\.40\.0/);
  assert.equal(at('v1.40.0', 'v3.5.0').status, 'pass');
  assert.equal(resultOf(etcdVersion, context(cluster({ hosts: [] }))).status, 'skip');
  assert.match(resultOf(etcdVersion, context(threeNodes({ etcd: { etcd_version: null } }))).message, /etcd\.etcd_version is not set/);
  const override = threeNodes({
    kubernetes: { kube_version: 'v1.33.1' },
    etcd: { etcd_version: 'v3.5.15' },
    cluster_require: { etcd_min_versions: { 'v1.33': 'v3.6.0' } },
  });
  assert.equal(resultOf(etcdVersion, context(override)).status, 'fail');
});

test('etcd.disk_io: p99 against the limit with p90 in the message; etcd hosts only', () => {
  const model = threeNodes();
  const fio = (p90: number, p99: number) => ({ fio: { directory: '/var/lib/etcd', syncLatencyNs: { p50: 500000, p90, p99 }, ranAtMs: 1 } });
  assert.equal(resultOf(etcdDiskIo, context(model, factsFor(model, { node1: fio(2e6, 9e6) })), 'node1').status, 'pass');
  // KubeKey reads p90, which passes here; p99 fails.
  const slow = resultOf(etcdDiskIo, context(model, factsFor(model, { node1: fio(8e6, 14.2e6) })), 'node1');
  assert.equal(slow.status, 'fail');
  assert.match(slow.message, /p99 14\.2 ms \(p90 8\.0 ms\) on \/var\/lib\/etcd exceeds the 10\.0 ms limit/);
  assert.equal(resultOf(etcdDiskIo, context(model), 'node2').status, 'skip');
  const raised = threeNodes({ cluster_require: { etcd_disk_wal_fysnc_duration_seconds: 20_000_000 } });
  assert.equal(resultOf(etcdDiskIo, context(raised, factsFor(raised, { node1: fio(8e6, 14.2e6) })), 'node1').status, 'pass');
});

test('etcd.disk_io: fio not installed warns with how to install; a failed or missing probe is unknown', () => {
  const model = threeNodes();
  const bins = { ...healthyFacts('x', '10.0.0.1').binaries!, fio: null };
  const noFio = resultOf(
    etcdDiskIo,
    context(model, factsFor(model, { node1: { fio: null, binaries: bins, probeErrors: { fio: 'fio is not installed' } } })),
    'node1',
  );
  assert.equal(noFio.status, 'warn');
  assert.match(noFio.message, /fio is not installed.*apt-get install fio/);
  const failed = resultOf(
    etcdDiskIo,
    context(model, factsFor(model, { node1: { fio: null, probeErrors: { fio: 'fio exited 1: No space left on device' } } })),
    'node1',
  );
  assert.equal(failed.status, 'fail');
  assert.match(failed.message, /unknown: .*No space left on device/);
  const notRun = resultOf(etcdDiskIo, context(model, factsFor(model, { node1: { fio: null } })), 'node1');
  assert.match(notRun.message, /unknown: .*kk-agent facts --fio \/var\/lib\/etcd/);
});

test('etcd.installed: running etcd at the right version; otherwise an empty data dir', () => {
  const model = threeNodes();
  const services = (etcd: { loadState: string; activeState: string; version: string | null }) => ({
    services: { ...healthyFacts('x', '10.0.0.1').services!, etcd },
  });
  const ctx = (patch: FactPatch) => context(model, factsFor(model, { node1: patch }));
  assert.equal(resultOf(etcdInstalled, context(model), 'node1').status, 'pass');
  assert.equal(resultOf(etcdInstalled, ctx(services({ loadState: 'loaded', activeState: 'active', version: '3.5.24' })), 'node1').status, 'pass');
  assert.match(
    resultOf(etcdInstalled, ctx(services({ loadState: 'loaded', activeState: 'active', version: '3.5.9' })), 'node1').message,
    /etcd 3\.5\.9 is installed but etcd_version is v3\.5\.24/,
  );
  assert.match(
    resultOf(etcdInstalled, ctx(services({ loadState: 'loaded', activeState: 'inactive', version: '3.5.24' })), 'node1').message,
    /installed but inactive/,
  );
  const paths = { ...healthyFacts('x', '10.0.0.1').paths!, '/var/lib/etcd': { exists: true, empty: false } };
  assert.match(resultOf(etcdInstalled, ctx({ paths }), 'node1').message, /\/var\/lib\/etcd holds data from an earlier etcd/);
  const emptyDir = { ...paths, '/var/lib/etcd': { exists: true, empty: true } };
  assert.equal(resultOf(etcdInstalled, ctx({ paths: emptyDir }), 'node1').status, 'pass');
  const custom = threeNodes({ etcd: { env: { data_dir: '/data/etcd' } } });
  assert.match(
    resultOf(etcdInstalled, context(custom), 'node1').message,
    /unknown: fact "paths\.\/data\/etcd" is unknown on node1: the agent did not report it/,
  );
  assert.equal(resultOf(etcdInstalled, context(model), 'node2').status, 'skip');
  // Stacked etcd: the data dir is kubeadm's member (a re-run on a finished cluster must pass).
  const stacked = threeNodes({ etcd: { deployment_type: 'internal' } });
  const skipped = resultOf(etcdInstalled, context(stacked, factsFor(stacked, { node1: { paths } })), 'node1');
  assert.equal(skipped.status, 'skip');
  assert.match(skipped.message, /etcd\.deployment_type internal: kubeadm's stacked etcd owns \/var\/lib\/etcd/);
});
