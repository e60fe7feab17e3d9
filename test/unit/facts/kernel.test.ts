import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSysctlValue, readSysctl, sysctlPath } from '../../../agent/facts/sysctl';
import { parseModulesBuiltin, parseProcModules, readKernelModules } from '../../../agent/facts/kernel-modules';
import { parseCgroupControllers, parseProcCgroups, readCgroup } from '../../../agent/facts/cgroup';
import type { ProbeErrors } from '../../../agent/facts/probe';
import { context, fixture, makeRoot } from './helpers';

test('sysctl: key → /proc/sys path, value as sysctl -n prints it', () => {
  assert.equal(sysctlPath('net.ipv4.ip_forward'), '/proc/sys/net/ipv4/ip_forward');
  assert.equal(parseSysctlValue('1\n'), '1');
  assert.equal(parseSysctlValue('4096\t87380\t6291456\n'), '4096\t87380\t6291456');
});

test('sysctl reader: present, absent (null, no error) and unreadable (null with error)', async () => {
  const { root, cleanup } = makeRoot({
    '/proc/sys/net/ipv4/ip_forward': '1\n',
    '/proc/sys/net/ipv6/conf/all/forwarding': '0\n',
    '/proc/sys/net/bridge/bridge-nf-call-iptables': { dir: true },
  });
  try {
    const errors: ProbeErrors = {};
    const v = await readSysctl(context(root), errors);
    assert.deepEqual(v, {
      'net.ipv4.ip_forward': '1',
      'net.ipv6.conf.all.forwarding': '0',
      'net.bridge.bridge-nf-call-iptables': null,
      'net.bridge.bridge-nf-call-ip6tables': null,
    });
    assert.deepEqual(Object.keys(errors), ['sysctl.net.bridge.bridge-nf-call-iptables']);
    assert.match(errors['sysctl.net.bridge.bridge-nf-call-iptables']!, /is a directory/);
  } finally {
    cleanup();
  }
});

test('/proc/modules: module names, whatever their state', () => {
  assert.deepEqual(parseProcModules(fixture('proc-modules.txt')), [
    'xt_conntrack',
    'nf_conntrack',
    'br_netfilter',
    'bridge',
    'stp',
    'llc',
    'overlay',
    'ip_vs_rr',
    'ip_vs',
    'nvme_tcp',
  ]);
  assert.throws(() => parseProcModules('<garbage>\n'), /cannot read line/);
});

test('modules.builtin: file paths → module names', () => {
  assert.deepEqual(parseModulesBuiltin(fixture('modules.builtin.txt')), ['ext4', 'tcp_cubic', 'crc32c_generic']);
});

test('kernel modules reader: loaded + built-in, and br_netfilter known from its sysctls', async () => {
  const { root, cleanup } = makeRoot({
    '/proc/modules': 'overlay 151552 19 - Live 0x0\n',
    '/proc/sys/kernel/osrelease': '6.1.0-18-amd64\n',
    '/lib/modules/6.1.0-18-amd64/modules.builtin': fixture('modules.builtin.txt'),
    '/sys/module/overlay/initstate': 'live\n',
    '/sys/module/ip_vs/parameters/conn_tab_bits': '12\n',
    '/proc/sys/net/bridge/bridge-nf-call-iptables': '1\n',
  });
  try {
    assert.deepEqual(await readKernelModules(context(root)), ['br_netfilter', 'crc32c_generic', 'ext4', 'ip_vs', 'overlay', 'tcp_cubic']);
  } finally {
    cleanup();
  }
});

test('kernel modules reader: no /proc/modules (no module support) is not a failure; unreadable is', async () => {
  const none = makeRoot({ '/proc/sys/kernel/osrelease': '6.18.0\n' });
  const bad = makeRoot({ '/proc/sys/kernel/osrelease': '6.18.0\n', '/proc/modules': { dir: true } });
  try {
    assert.deepEqual(await readKernelModules(context(none.root)), []);
    await assert.rejects(readKernelModules(context(bad.root)), /\/proc\/modules: is a directory/);
  } finally {
    none.cleanup();
    bad.cleanup();
  }
});

test('cgroup v2 controllers file', () => {
  assert.deepEqual(parseCgroupControllers(fixture('cgroup.controllers-v2.txt')), ['cpu', 'cpuset', 'hugetlb', 'io', 'memory', 'misc', 'pids', 'rdma']);
  assert.throws(() => parseCgroupControllers('cpu <b>\n'), /unexpected/);
});

test('/proc/cgroups: enabled controllers attached to a v1 hierarchy', () => {
  const v1 = parseProcCgroups(fixture('proc-cgroups-v1.txt'));
  assert.deepEqual(v1, ['blkio', 'cpu', 'cpuacct', 'cpuset', 'devices', 'freezer', 'hugetlb', 'memory', 'net_cls', 'net_prio', 'perf_event', 'pids']);
  // Hybrid host: net_cls, perf_event, net_prio, hugetlb have hierarchy 0 (on the cgroup2 side).
  const hybrid = parseProcCgroups(fixture('proc-cgroups-hybrid.txt'));
  assert.deepEqual(hybrid, ['blkio', 'cpu', 'cpuacct', 'cpuset', 'devices', 'freezer', 'memory', 'pids']);
  assert.throws(() => parseProcCgroups('cpu 1 1 1\n'), /header missing/);
});

test('cgroup reader: v2 when /sys/fs/cgroup is the unified mount, else v1 (hybrid included)', async () => {
  const v2 = makeRoot({ '/sys/fs/cgroup/cgroup.controllers': 'cpu memory pids cpuset\n', '/proc/cgroups': fixture('proc-cgroups-v1.txt') });
  const hybrid = makeRoot({ '/sys/fs/cgroup/unified/cgroup.controllers': 'hugetlb\n', '/proc/cgroups': fixture('proc-cgroups-hybrid.txt') });
  const broken = makeRoot({});
  try {
    assert.deepEqual(await readCgroup(context(v2.root)), { version: 2, controllers: ['cpu', 'cpuset', 'memory', 'pids'] });
    const h = await readCgroup(context(hybrid.root));
    assert.equal(h.version, 1);
    assert.ok(h.controllers.includes('memory') && !h.controllers.includes('hugetlb'));
    await assert.rejects(readCgroup(context(broken.root)), /\/proc\/cgroups: no such file/);
  } finally {
    v2.cleanup();
    hybrid.cleanup();
    broken.cleanup();
  }
});
