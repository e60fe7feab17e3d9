import { test } from 'node:test';
import assert from 'node:assert/strict';
import { osHostname } from '../../../../coordinator/precheck/rules/os/hostname';
import { osDistribution } from '../../../../coordinator/precheck/rules/os/distribution';
import { osArchitecture } from '../../../../coordinator/precheck/rules/os/architecture';
import { osMemory } from '../../../../coordinator/precheck/rules/os/memory';
import { osKernelVersion } from '../../../../coordinator/precheck/rules/os/kernel-version';
import { cluster, context, factsFor, healthyFacts, resultOf, threeNodes } from '../builders';

const MiB = 2 ** 20;

test('os.hostname checks the inventory name when native.set_hostname (default on)', () => {
  const model = cluster({ hosts: [{ name: 'Node_1', groups: ['kube_worker'] }] });
  const r = resultOf(osHostname, context(model, factsFor(model, { Node_1: { hostname: 'fine' } })), 'Node_1');
  assert.equal(r.status, 'fail');
  assert.match(r.message, /"Node_1" \(inventory name.*rename the host in the inventory/);
  // The inventory name needs no facts at all.
  const ok = cluster({ hosts: [{ name: 'node-1.example', groups: ['kube_worker'] }] });
  assert.equal(resultOf(osHostname, context(ok, new Map()), 'node-1.example').status, 'pass');
});

test('os.hostname checks the live hostname when native.set_hostname is false', () => {
  const model = threeNodes({ native: { set_hostname: false } });
  const facts = factsFor(model, { node2: { hostname: 'Worker2' }, node3: { hostname: null, probeErrors: { hostname: 'uname failed' } } });
  const ctx = context(model, facts);
  assert.equal(resultOf(osHostname, ctx, 'node1').status, 'pass');
  assert.match(resultOf(osHostname, ctx, 'node2').message, /"Worker2" \(live hostname\)/);
  const unknown = resultOf(osHostname, ctx, 'node3');
  assert.equal(unknown.status, 'fail');
  assert.match(unknown.message, /unknown: fact "hostname" is unknown on node3: uname failed/);
});

test('os.distribution compares unquoted, lower case; allow_unsupported passes', () => {
  const model = threeNodes();
  const os = (id: string) => ({ os: { ...healthyFacts('x', '10.0.0.1').os!, id, prettyName: id } });
  const ctx = context(model, factsFor(model, { node1: os('"Rocky"'), node2: os('arch') }));
  assert.equal(resultOf(osDistribution, ctx, 'node1').status, 'pass');
  const r = resultOf(osDistribution, ctx, 'node2');
  assert.equal(r.status, 'fail');
  assert.match(r.message, /OS "arch".*allow_unsupported_distribution_setup/);
  const quotedList = threeNodes({ cluster_require: { supported_os_distributions: ['"arch"'] } });
  assert.equal(resultOf(osDistribution, context(quotedList, factsFor(quotedList, { node2: os('arch') })), 'node2').status, 'pass');
  const allowed = threeNodes({ cluster_require: { allow_unsupported_distribution_setup: true } });
  assert.equal(resultOf(osDistribution, context(allowed, factsFor(allowed, { node2: os('arch') })), 'node2').status, 'pass');
  const missing = context(model, factsFor(model, { node3: { os: null, probeErrors: { os: '/etc/os-release unreadable' } } }));
  assert.match(resultOf(osDistribution, missing, 'node3').message, /unknown.*os-release unreadable/);
});

test('os.architecture accepts architecture or machine', () => {
  const model = threeNodes();
  const base = healthyFacts('x', '10.0.0.1').os!;
  const ctx = context(
    model,
    factsFor(model, {
      node1: { os: { ...base, architecture: 'weird', machine: 'aarch64' } },
      node2: { os: { ...base, architecture: 'riscv64', machine: 'riscv64' } },
    }),
  );
  assert.equal(resultOf(osArchitecture, ctx, 'node1').status, 'pass');
  assert.match(resultOf(osArchitecture, ctx, 'node2').message, /riscv64.*not supported/);
});

test('os.memory converts bytes to MiB once; cp needs 1700, workers 1024; cp+worker meets the cp figure', () => {
  const model = cluster({
    vars: {},
    hosts: [
      { name: 'cp', groups: ['kube_control_plane'] },
      { name: 'both', groups: ['kube_control_plane', 'kube_worker'] },
      { name: 'w', groups: ['kube_worker'] },
      { name: 'w-small', groups: ['kube_worker'] },
      { name: 'nfs', groups: ['nfs'] },
    ],
  });
  const mem = (mib: number) => ({ memory: { totalBytes: mib * MiB + 1000, availableBytes: 0, swapTotalBytes: 0, swapFreeBytes: 0 } });
  const ctx = context(model, factsFor(model, { cp: mem(1700), both: mem(1500), w: mem(1500), 'w-small': mem(1023), nfs: mem(10) }));
  assert.equal(resultOf(osMemory, ctx, 'cp').status, 'pass');
  const both = resultOf(osMemory, ctx, 'both');
  assert.equal(both.status, 'fail');
  assert.match(both.message, /1500 MiB of memory is less than the 1700 MiB required for a control-plane host/);
  assert.equal(resultOf(osMemory, ctx, 'w').status, 'pass');
  assert.match(resultOf(osMemory, ctx, 'w-small').message, /1023 MiB.*1024 MiB.*worker/);
  assert.equal(resultOf(osMemory, ctx, 'nfs').status, 'skip');
  const custom = cluster({ vars: { cluster_require: { minimal_node_memory_mb: 2048 } }, hosts: [{ name: 'w', groups: ['kube_worker'] }] });
  assert.equal(resultOf(osMemory, context(custom, factsFor(custom, { w: mem(1500) })), 'w').status, 'fail');
});

test('os.kernel_version: 5.4 and 4.9.9-xx forms, old kernels fail with the fix', () => {
  const model = threeNodes();
  const kernel = (k: string) => ({ os: { ...healthyFacts('x', '10.0.0.1').os!, kernelVersion: k } });
  const ctx = context(model, factsFor(model, { node1: kernel('5.4'), node2: kernel('4.9.9-xx'), node3: kernel('4.4.0-210-generic') }));
  assert.equal(resultOf(osKernelVersion, ctx, 'node1').status, 'pass');
  assert.match(resultOf(osKernelVersion, ctx, 'node2').message, /kernel 4\.9\.9 is older than the required 4\.9\.17/);
  assert.equal(resultOf(osKernelVersion, ctx, 'node3').message, 'kernel 4.4.0 is older than the required 4.9.17: upgrade the kernel');
  const exact = context(model, factsFor(model, { node1: kernel('4.9.17-1') }));
  assert.equal(resultOf(osKernelVersion, exact, 'node1').status, 'pass');
  const garbage = context(model, factsFor(model, { node1: kernel('weird') }));
  assert.match(resultOf(osKernelVersion, garbage, 'node1').message, /cannot read kernel release "weird"/);
});
