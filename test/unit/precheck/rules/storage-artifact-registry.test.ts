import { test } from 'node:test';
import assert from 'node:assert/strict';
import { storageDisks } from '../../../../coordinator/precheck/rules/storage/disks';
import { artifactFile } from '../../../../coordinator/precheck/rules/artifact/file';
import { nfsServerCount } from '../../../../coordinator/precheck/rules/nfs/server-count';
import { imageRegistrySoftware } from '../../../../coordinator/precheck/rules/image_registry/software';
import { imageRegistryReachable } from '../../../../coordinator/precheck/rules/image_registry/reachable';
import type { Value, Vars } from '../../../../coordinator/model/cluster';
import type { RegistryProbe } from '../../../../coordinator/precheck/rule';
import { cluster, context, factsFor, resultOf, threeNodes } from '../builders';

test('storage.disks: fields and filesystem; the device is checked against the facts', () => {
  const disks = (items: Value[]) => threeNodes({}, { node2: { kubernetes: { storage_disks: items } } });
  assert.equal(resultOf(storageDisks, context(threeNodes()), 'node2').status, 'skip');
  assert.equal(resultOf(storageDisks, context(disks([{ device: '/dev/vda', mountpoint: '/data' }])), 'node2').status, 'pass');
  const bad = resultOf(storageDisks, context(disks([{ device: '', mountpoint: '/data', filesystem: 'NTFS' }])), 'node2');
  assert.match(bad.message, /storage_disks\[0\] has no device; storage_disks\[0\] filesystem "ntfs" is not one of ext4, xfs, btrfs/);
  assert.equal(resultOf(storageDisks, context(disks([{ device: '/dev/vda', mountpoint: '/data', filesystem: 'EXT4' }])), 'node2').status, 'pass');
  const m = disks([
    { device: '/dev/vdb', mountpoint: '/data' },
    { device: '/dev/vda', mountpoint: '/data2' },
  ]);
  const live = resultOf(
    storageDisks,
    context(m, factsFor(m, { node2: { blockDevices: [{ name: 'vda', sizeBytes: 1, type: 'disk', mountpoint: '/', fstype: 'ext4' }] } }), { mode: 'live' }),
    'node2',
  );
  assert.match(live.message, /\/dev\/vdb does not exist on node2.*\/dev\/vda is already mounted on \//);
});

test('storage.disks: the device must be on the node and not mounted elsewhere, with --facts as live', () => {
  const disks = (items: Value[]) => threeNodes({}, { node2: { kubernetes: { storage_disks: items } } });
  const devices = [
    { name: 'vda', sizeBytes: 1, type: 'disk', mountpoint: null, fstype: null },
    { name: 'vda1', sizeBytes: 1, type: 'part', mountpoint: '/', fstype: 'ext4' },
    { name: 'vdb', sizeBytes: 1, type: 'disk', mountpoint: null, fstype: null },
  ];
  for (const mode of ['facts', 'live'] as const) {
    const on = (items: Value[], blockDevices: typeof devices | null = devices, probeErrors: Record<string, string> = {}) => {
      const m = disks(items);
      return resultOf(storageDisks, context(m, factsFor(m, { node2: { blockDevices, probeErrors } }), { mode }), 'node2');
    };
    // KubeKey's own form (`device: vdb`, as lsblk names it) and the /dev path both match.
    assert.equal(on([{ device: 'vdb', mountpoint: '/data' }]).status, 'pass', mode);
    assert.equal(on([{ device: '/dev/vdb', mountpoint: '/data' }]).status, 'pass', mode);
    const missing = on([{ device: 'vdz', mountpoint: '/data' }]);
    assert.equal(missing.status, 'fail', mode);
    assert.match(missing.message, /storage_disks\[0\] device vdz does not exist on node2 \(its block devices: vda, vda1, vdb\)/, mode);
    const elsewhere = on([{ device: 'vda1', mountpoint: '/data' }]);
    assert.equal(elsewhere.status, 'fail', mode);
    assert.match(elsewhere.message, /device vda1 is already mounted on \/: unmount it or choose another device/, mode);
    const unknown = on([{ device: 'vdb', mountpoint: '/data' }], null, { blockDevices: 'lsblk: command not found' });
    assert.equal(unknown.status, 'fail', mode);
    assert.match(unknown.message, /^unknown: .*blockDevices.*lsblk: command not found/, mode);
  }
});

test('artifact.file: suffix, existence and checksums from the caller', () => {
  const m = (download: Record<string, string>) => cluster({ vars: { download }, hosts: [] });
  assert.equal(resultOf(artifactFile, context(m({}))).status, 'skip');
  assert.match(resultOf(artifactFile, context(m({ artifact_file: 'kk.zip' }))).message, /must end in \.tgz or \.tar\.gz/);
  assert.match(resultOf(artifactFile, context(m({ artifact_file: 'kk.tgz' }))).message, /^unknown: artifact kk\.tgz was not inspected/);
  assert.match(resultOf(artifactFile, context(m({ artifact_file: 'kk.tgz' }), new Map(), { artifact: { exists: false } })).message, /does not exist/);
  const withMd5 = m({ artifact_file: 'kk.tar.gz', artifact_md5: 'ABCDEF' });
  assert.equal(resultOf(artifactFile, context(withMd5, new Map(), { artifact: { exists: true, md5: 'abcdef' } })).status, 'pass');
  assert.match(resultOf(artifactFile, context(withMd5, new Map(), { artifact: { exists: true, md5: '012345' } })).message, /md5 of kk\.tar\.gz is 012345/);
  const withSha = m({ artifact_file: 'kk.tgz', artifact_sha256: 'aa' });
  assert.match(resultOf(artifactFile, context(withSha, new Map(), { artifact: { exists: true } })).message, /unknown: the sha256 of kk\.tgz was not computed/);
});

test('nfs.server_count: exactly one when the group is defined', () => {
  assert.equal(resultOf(nfsServerCount, context(threeNodes())).status, 'skip');
  const one = cluster({ hosts: [{ name: 'a', groups: ['nfs'] }] });
  assert.equal(resultOf(nfsServerCount, context(one)).status, 'pass');
  const two = cluster({
    hosts: [
      { name: 'a', groups: ['nfs'] },
      { name: 'b', groups: ['nfs'] },
    ],
  });
  assert.match(resultOf(nfsServerCount, context(two)).message, /2 hosts \(a and b\)/);
  const empty = cluster({ hosts: [], groups: { nfs: [] } });
  assert.match(resultOf(nfsServerCount, context(empty)).message, /nfs group is empty/);
});

test('image_registry.software: versions needed for the chosen registry', () => {
  const reg = (vars: Vars) => cluster({ vars, hosts: [{ name: 'r', groups: ['image_registry'] }] });
  assert.equal(resultOf(imageRegistrySoftware, context(reg({}))).status, 'skip');
  const harbor = resultOf(imageRegistrySoftware, context(reg({ image_registry: { type: 'harbor', ha_vip: '10.0.0.50' } })));
  assert.match(
    harbor.message,
    /needs cri\.docker_version, image_registry\.dockercompose_version, image_registry\.harbor_version, image_registry\.keepalived_version/,
  );
  const ok = reg({
    cri: { docker_version: '25.0.5' },
    image_registry: { type: 'docker-registry', dockercompose_version: 'v2.20.3', docker_registry_version: '2.8.3' },
  });
  assert.equal(resultOf(imageRegistrySoftware, context(ok)).status, 'pass');
});

test('image_registry.reachable: live only, warns naming the failing step', () => {
  const m = cluster({ vars: { image_registry: { auth: { registry: 'registry.local:5000' } } }, hosts: [] });
  assert.equal(resultOf(imageRegistryReachable, context(m)).status, 'skip');
  const live = (registry?: RegistryProbe) => context(m, new Map(), { mode: 'live', ...(registry ? { registry } : {}) });
  assert.equal(resultOf(imageRegistryReachable, live({ ok: true, url: 'https://registry.local:5000/v2/' })).status, 'pass');
  const tls = resultOf(imageRegistryReachable, live({ ok: false, step: 'TLS', error: 'unknown authority', url: 'https://registry.local:5000/v2/' }));
  assert.equal(tls.status, 'warn');
  assert.match(tls.message, /failed at TLS: unknown authority; check image_registry\.auth\.ca_file/);
  assert.equal(resultOf(imageRegistryReachable, live()).status, 'fail');
  const installing = cluster({
    vars: { image_registry: { type: 'harbor', auth: { registry: '10.0.0.5' } } },
    hosts: [{ name: 'r', groups: ['image_registry'] }],
  });
  assert.match(resultOf(imageRegistryReachable, context(installing, new Map(), { mode: 'live' })).message, /harbor registry is being installed/);
});
