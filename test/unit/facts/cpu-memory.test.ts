import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCpuinfo, readCpu } from '../../../agent/facts/cpu';
import { parseMeminfo, readMemory } from '../../../agent/facts/memory';
import { context, fixture, makeRoot } from './helpers';

test('cpuinfo: x86 processors and model name', () => {
  assert.deepEqual(parseCpuinfo(fixture('cpuinfo-x86_64.txt')), { count: 2, model: 'AMD EPYC' });
});

test('cpuinfo: arm64 has no model line; the count still holds', () => {
  assert.deepEqual(parseCpuinfo(fixture('cpuinfo-arm64.txt')), { count: 2, model: 'unknown' });
});

test('cpuinfo: garbage is a failure, not zero CPUs', () => {
  assert.throws(() => parseCpuinfo('nothing here\n'), /no processor/);
});

test('meminfo: kB are KiB, turned into bytes', () => {
  const m = parseMeminfo(fixture('meminfo-host.txt'));
  assert.equal(m.totalBytes, 24684096 * 1024);
  assert.equal(m.swapTotalBytes, 0);
  assert.equal(m.swapFreeBytes, 0);
  assert.ok(m.availableBytes > 0 && m.availableBytes <= m.totalBytes);
});

test('meminfo: swap figures are read, not assumed', () => {
  const text = 'MemTotal:        8000000 kB\nMemFree: 100 kB\nMemAvailable:    6000000 kB\nSwapTotal:       2097148 kB\nSwapFree:        2000000 kB\n';
  assert.deepEqual(parseMeminfo(text), {
    totalBytes: 8000000 * 1024,
    availableBytes: 6000000 * 1024,
    swapTotalBytes: 2097148 * 1024,
    swapFreeBytes: 2000000 * 1024,
  });
});

test('meminfo: a missing line is a failure naming it, never 0', () => {
  assert.throws(() => parseMeminfo('MemTotal: 1 kB\nMemAvailable: 1 kB\nSwapFree: 0 kB\n'), /no SwapTotal/);
});

test('readers: unreadable files fail with the file named', async () => {
  // Running as root, permissions cannot make a file unreadable; a directory in its place can.
  const { root, cleanup } = makeRoot({ '/proc/meminfo': { dir: true } });
  try {
    await assert.rejects(readMemory(context(root)), /\/proc\/meminfo: is a directory/);
    await assert.rejects(readCpu(context(root)), /\/proc\/cpuinfo: no such file/);
  } finally {
    cleanup();
  }
});
