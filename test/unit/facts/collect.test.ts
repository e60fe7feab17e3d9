// collectFacts as a whole: against a fixture host (every reader wired to the right fact), against
// a host where everything fails (nothing throws, every null has its reason), and the JSON contract.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectFacts } from '../../../agent/facts/index';
import { ProbeFailure } from '../../../agent/facts/probe';
import { parseFactSet } from '../../../shared/facts/schema';
import { BINARIES, PATHS, SERVICES, SYSCTL_KEYS } from '../../../shared/facts/types';
import { context, fixture, makeRoot } from './helpers';

const FACT_KEYS = [
  'schemaVersion',
  'collectedAtMs',
  'hostname',
  'machineId',
  'productUuid',
  'os',
  'cpu',
  'memory',
  'interfaces',
  'defaultRoute',
  'listeningPorts',
  'sysctl',
  'kernelModules',
  'cgroup',
  'binaries',
  'services',
  'paths',
  'disks',
  'blockDevices',
  'time',
  'fio',
  'probeErrors',
];

test('a fixture host: every fact comes from its reader', async () => {
  const { root, cleanup } = makeRoot({
    '/etc/os-release': fixture('os-release-ubuntu2204.txt'),
    '/proc/sys/kernel/osrelease': '5.15.0-91-generic\n',
    '/proc/sys/kernel/hostname': 'node1\n',
    '/etc/machine-id': '0f1e2d3c4b5a69788796a5b4c3d2e1f0\n',
    '/sys/class/dmi/id/product_uuid': '4C4C4544-0042-3510-8052-B7C04F4E4432\n',
    '/proc/cpuinfo': fixture('cpuinfo-x86_64.txt'),
    '/proc/meminfo': fixture('meminfo-host.txt'),
    '/proc/net/tcp': fixture('proc-net-tcp.txt'),
    '/proc/net/tcp6': fixture('proc-net-tcp6.txt'),
    '/proc/net/udp': fixture('proc-net-udp.txt'),
    '/proc/net/udp6': fixture('proc-net-udp6.txt'),
    '/proc/net/route': fixture('proc-net-route.txt'),
    '/proc/sys/net/ipv4/ip_forward': '1\n',
    '/proc/sys/net/ipv6/conf/all/forwarding': '0\n',
    '/proc/modules': fixture('proc-modules.txt'),
    '/sys/fs/cgroup/cgroup.controllers': fixture('cgroup.controllers-v2.txt'),
    '/proc/self/mounts': '/dev/sda1 / ext4 rw 0 0\n',
    '/run/systemd/system': { dir: true },
    '/usr/sbin/ip': { exec: '' },
    '/var/lib/etcd': { dir: true },
  });
  try {
    const show = `systemctl show --no-pager -p Id,LoadState,ActiveState,ExecStart ${SERVICES.map((s) => `${s}.service`).join(' ')}`;
    const f = await collectFacts(
      {},
      context(root, {
        'ip -j addr show': fixture('ip-addr.json'),
        'lsblk -J -b -o NAME,SIZE,TYPE,MOUNTPOINT,FSTYPE': fixture('lsblk-lvm.json'),
        [show]: fixture('systemctl-show.txt').replace(/LoadState=loaded/g, 'LoadState=not-found'),
        'timedatectl show -p NTPSynchronized': 'NTPSynchronized=no\n',
      }),
    );
    assert.deepEqual(Object.keys(f), FACT_KEYS);
    assert.deepEqual(f.probeErrors, {});
    assert.equal(f.hostname, 'node1');
    assert.equal(f.machineId, '0f1e2d3c4b5a69788796a5b4c3d2e1f0');
    assert.equal(f.productUuid, '4C4C4544-0042-3510-8052-B7C04F4E4432');
    assert.equal(f.os?.id, 'ubuntu');
    assert.equal(f.os?.kernelVersion, '5.15.0-91-generic');
    assert.deepEqual(f.cpu, { count: 2, model: 'AMD EPYC' });
    assert.equal(f.memory?.totalBytes, 24684096 * 1024);
    assert.equal(f.interfaces?.find((i) => i.name === 'eth0')?.mtu, 1400);
    assert.deepEqual(f.defaultRoute, { interface: 'eth0', gateway: '192.168.1.1' });
    assert.ok(f.listeningPorts?.some((p) => p.protocol === 'tcp' && p.port === 10250 && p.address === '::'));
    assert.deepEqual(f.sysctl, {
      'net.ipv4.ip_forward': '1',
      'net.ipv6.conf.all.forwarding': '0',
      'net.bridge.bridge-nf-call-iptables': null,
      'net.bridge.bridge-nf-call-ip6tables': null,
    });
    assert.ok(f.kernelModules?.includes('br_netfilter'));
    assert.deepEqual(f.cgroup?.version, 2);
    assert.deepEqual(Object.keys(f.binaries ?? {}), [...BINARIES]);
    assert.equal(f.binaries?.ip, '/usr/sbin/ip');
    assert.equal(f.binaries?.conntrack, null);
    assert.deepEqual(f.services?.docker, { loadState: 'not-found', activeState: 'inactive', version: null });
    assert.deepEqual(Object.keys(f.paths ?? {}), [...PATHS]);
    assert.deepEqual(f.paths?.['/var/lib/etcd'], { exists: true, empty: true });
    assert.equal(f.disks?.[0]?.mount, '/');
    assert.equal(f.blockDevices?.length, 7);
    assert.equal(f.time?.ntpSynchronized, false);
    assert.equal(f.fio, null);
    assert.deepEqual(parseFactSet(JSON.parse(JSON.stringify(f)), 'fixture host'), f);
  } finally {
    cleanup();
  }
});

test('a host where every probe fails: no throw, each failed fact null with its reason', async () => {
  const { root, cleanup } = makeRoot({
    '/run/systemd/system': { dir: true },
    '/proc/meminfo': 'garbage\n',
    '/proc/cpuinfo': { dir: true },
    '/proc/cgroups': 'not a cgroup table\n',
  });
  try {
    const fail = new ProbeFailure('command failed');
    const f = await collectFacts(
      { fioDirectory: '/var/lib/etcd' },
      context(root, {
        'ip -j addr show': 'garbage',
        'ip -j route show default': fail,
      }),
    );
    assert.deepEqual(Object.keys(f), FACT_KEYS);
    for (const key of [
      'hostname',
      'machineId',
      'productUuid',
      'os',
      'cpu',
      'memory',
      'interfaces',
      'defaultRoute',
      'listeningPorts',
      'kernelModules',
      'cgroup',
      'services',
      'disks',
      'blockDevices',
      'fio',
    ] as const) {
      assert.equal(f[key], null, `${key} is null`);
      assert.ok(typeof f.probeErrors[key] === 'string' && f.probeErrors[key] !== '', `probeErrors.${key} says why`);
    }
    assert.match(f.probeErrors.memory!, /\/proc\/meminfo has no MemTotal/);
    assert.match(f.probeErrors.interfaces!, /printed no valid JSON/);
    assert.match(f.probeErrors.fio!, /fio is not installed/);
    assert.match(f.probeErrors.blockDevices!, /lsblk not found/);
    assert.equal(f.time?.ntpSynchronized, null);
    assert.ok(f.probeErrors['time.ntpSynchronized']);
    // Absent keys and absent binaries are answers, not failures.
    assert.deepEqual(f.sysctl, Object.fromEntries(SYSCTL_KEYS.map((k) => [k, null])));
    assert.deepEqual(f.binaries, Object.fromEntries(BINARIES.map((k) => [k, null])));
    // And the result is still a valid fact set.
    parseFactSet(JSON.parse(JSON.stringify(f)), 'broken host');
  } finally {
    cleanup();
  }
});
