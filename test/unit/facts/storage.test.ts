import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspectPath, readPaths } from '../../../agent/facts/paths';
import { parseMounts, readDisks, realFilesystems } from '../../../agent/facts/disks';
import { parseLsblkJson, readBlockDevices } from '../../../agent/facts/block-devices';
import type { ProbeErrors } from '../../../agent/facts/probe';
import { context, fixture, makeRoot } from './helpers';

test('paths: missing, empty dir, non-empty dir, empty and non-empty files', async () => {
  const { root, cleanup } = makeRoot({
    '/var/lib/etcd/member/wal/0.wal': 'x',
    '/etc/kubernetes/manifests': { dir: true },
    '/etc/kubernetes/kubelet.conf': '',
    '/etc/kubernetes/admin.conf': 'apiVersion: v1\n',
  });
  try {
    const errors: ProbeErrors = {};
    const p = await readPaths(context(root), errors, [
      '/var/lib/etcd',
      '/etc/kubernetes/manifests',
      '/var/lib/kubelet',
      '/etc/kubernetes/kubelet.conf',
      '/etc/kubernetes/admin.conf',
    ]);
    assert.deepEqual(p, {
      '/var/lib/etcd': { exists: true, empty: false },
      '/etc/kubernetes/manifests': { exists: true, empty: true },
      '/var/lib/kubelet': { exists: false, empty: true },
      '/etc/kubernetes/kubelet.conf': { exists: true, empty: true },
      '/etc/kubernetes/admin.conf': { exists: true, empty: false },
    });
    assert.deepEqual(errors, {});
  } finally {
    cleanup();
  }
});

test('paths: one that cannot be inspected is left out with its reason, the rest still reported', async () => {
  const { root, cleanup } = makeRoot({ '/etc/kubernetes': 'a file where a directory should be' });
  try {
    const errors: ProbeErrors = {};
    const p = await readPaths(context(root), errors, ['/etc/kubernetes/manifests', '/var/lib/etcd']);
    assert.deepEqual(p, { '/var/lib/etcd': { exists: false, empty: true } });
    assert.match(errors['paths./etc/kubernetes/manifests'] ?? '', /\/etc\/kubernetes\/manifests: a parent is not a directory/);
    await assert.rejects(inspectPath(context(root), '/etc/kubernetes/manifests'), /not a directory/);
  } finally {
    cleanup();
  }
});

test('mounts: real filesystems only, escapes decoded, overmounts collapsed', () => {
  const real = realFilesystems(parseMounts(fixture('mounts-k8s-node.txt')));
  assert.deepEqual(
    real.map((m) => [m.mount, m.fstype]),
    [
      ['/', 'ext4'],
      ['/boot', 'ext4'],
      ['/var/lib/etcd', 'xfs'],
      ['/mnt/shared data', 'nfs4'],
    ],
  );
  // An overlay root (a node that is a container) is kept: "/" always is.
  assert.deepEqual(
    realFilesystems(parseMounts('overlay / overlay rw 0 0\nproc /proc proc rw 0 0\n')).map((m) => m.mount),
    ['/'],
  );
  assert.throws(() => parseMounts('garbage\n'), /cannot read line/);
});

test('disks reader: statfs of each real mount; a failing one is reported under disks.<mount>', async () => {
  const { root, cleanup } = makeRoot({
    '/proc/self/mounts': 'proc /proc proc rw 0 0\n/dev/vda / ext4 rw 0 0\n/dev/vdb /data ext4 rw 0 0\n',
  });
  try {
    const errors: ProbeErrors = {};
    const disks = await readDisks(context(root), errors);
    // "/" is the fixture root itself (a real directory); /data does not exist there.
    assert.equal(disks.length, 1);
    assert.equal(disks[0]?.mount, '/');
    assert.ok(disks[0]!.totalBytes > 0 && disks[0]!.freeBytes <= disks[0]!.totalBytes);
    assert.deepEqual(Object.keys(errors), ['disks./data']);
    assert.match(errors['disks./data']!, /no such file/);
  } finally {
    cleanup();
  }
});

test("lsblk: this host's JSON", () => {
  assert.deepEqual(parseLsblkJson(fixture('lsblk-host.json')), [
    { name: 'zram0', sizeBytes: 0, type: 'disk', mountpoint: null, fstype: null },
    { name: 'vda', sizeBytes: 274877906944, type: 'disk', mountpoint: '/', fstype: null },
  ]);
});

test('lsblk: nested partitions and LVM flattened; old util-linux string sizes', () => {
  const d = parseLsblkJson(fixture('lsblk-lvm.json'));
  assert.deepEqual(
    d.map((x) => x.name),
    ['sda', 'sda1', 'sda2', 'centos-root', 'centos-swap', 'sdb', 'sr0'],
  );
  assert.deepEqual(
    d.find((x) => x.name === 'centos-root'),
    { name: 'centos-root', sizeBytes: 53687091200, type: 'lvm', mountpoint: '/', fstype: 'xfs' },
  );
  assert.deepEqual(
    d.find((x) => x.name === 'sdb'),
    { name: 'sdb', sizeBytes: 214748364800, type: 'disk', mountpoint: null, fstype: null },
  );
});

test('lsblk: garbage, wrong shape, missing command', async () => {
  assert.throws(() => parseLsblkJson('lsblk: unknown column: MOUNTPOINT'), /no valid JSON/);
  assert.throws(() => parseLsblkJson('{"devices":[]}'), /no "blockdevices" list/);
  assert.throws(() => parseLsblkJson('{"blockdevices":[{"name":"sda","size":"big","type":"disk"}]}'), /sda has no size/);
  await assert.rejects(readBlockDevices(context('/', {})), /lsblk not found/);
});
