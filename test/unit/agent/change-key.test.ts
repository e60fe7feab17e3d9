import { test } from 'node:test';
import assert from 'node:assert/strict';
import { factsChangeKey } from '../../../agent/runtime/change-key';
import type { FactSet } from '../../../shared/facts/types';

const base = (): FactSet => ({
  schemaVersion: 1,
  collectedAtMs: 1,
  hostname: 'n1',
  machineId: 'm',
  productUuid: null,
  os: null,
  cpu: null,
  memory: { totalBytes: 8e9, availableBytes: 4e9, swapTotalBytes: 0, swapFreeBytes: 0 },
  interfaces: [],
  defaultRoute: null,
  listeningPorts: [],
  sysctl: { 'net.ipv4.ip_forward': '1' },
  kernelModules: [],
  cgroup: null,
  binaries: {},
  services: null,
  paths: {},
  disks: [{ mount: '/', totalBytes: 100e9, freeBytes: 50e9 }],
  blockDevices: [],
  time: { epochMs: 5, ntpSynchronized: true },
  fio: null,
  probeErrors: {},
});

test('readings that move on their own are not changes', () => {
  const a = base();
  const b = base();
  b.collectedAtMs = 999;
  b.time = { epochMs: 999, ntpSynchronized: true };
  b.memory = { ...b.memory!, availableBytes: 1e9 };
  b.disks = [{ mount: '/', totalBytes: 100e9, freeBytes: 50e9 + 1e6 }];
  assert.equal(factsChangeKey(a), factsChangeKey(b));
});

test('what prechecks read is a change: a port, a sysctl, a GiB of disk, NTP', () => {
  const a = factsChangeKey(base());
  const port = base();
  port.listeningPorts = [{ protocol: 'tcp', address: '0.0.0.0', port: 6443, process: 'x' }];
  const sysctl = base();
  sysctl.sysctl = { 'net.ipv4.ip_forward': '0' };
  const disk = base();
  disk.disks = [{ mount: '/', totalBytes: 100e9, freeBytes: 40e9 }];
  const ntp = base();
  ntp.time = { epochMs: 5, ntpSynchronized: false };
  for (const changed of [port, sysctl, disk, ntp]) assert.notEqual(factsChangeKey(changed), a);
});
