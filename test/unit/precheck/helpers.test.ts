import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVersion, parseKernel, atLeast } from '../../../coordinator/precheck/versions';
import { parseCidrList, overlaps, parseCidr, normalizeIp, subnetOf } from '../../../coordinator/precheck/cidr';
import { bytes, toMiB, toGiB } from '../../../coordinator/precheck/units';
import { lookup, num, strList, ConfigValueError } from '../../../coordinator/precheck/vars';

test('versions: v dropped, missing parts 0, a release is newer than its pre-release', () => {
  assert.equal(parseVersion('v1.33')?.version, '1.33.0');
  assert.equal(parseVersion('3.4.13-4')?.version, '3.4.13-4');
  assert.ok(atLeast(parseVersion('3.4.13')!, parseVersion('v3.4.13-4')!));
  assert.ok(!atLeast(parseVersion('3.4.12')!, parseVersion('v3.4.13-4')!));
  assert.equal(parseVersion('latest'), null);
});

test('kernel: text before the first "-", x.y.z with missing parts 0', () => {
  assert.equal(parseKernel('5.4')?.version, '5.4.0');
  assert.equal(parseKernel('4.9.9-xx')?.version, '4.9.9');
  assert.equal(parseKernel('5.15.0-91-generic')?.version, '5.15.0');
  assert.equal(parseKernel('6.1.0.1')?.version, '6.1.0');
  assert.equal(parseKernel('abc'), null);
});

test('CIDR lists: single, v4,v6 and v4/v6 forms; at most one per family', () => {
  const single = parseCidrList('10.233.64.0/18');
  assert.ok(single.ok && single.cidrs.length === 1);
  const comma = parseCidrList('10.233.64.0/18,fd85:ee78::/108');
  assert.ok(comma.ok && comma.cidrs.map((c) => c.family).join() === 'IPv4,IPv6');
  const slash = parseCidrList('10.233.64.0/18/fd85:ee78::/108');
  assert.ok(slash.ok && slash.cidrs[1]?.text === 'fd85:ee78::/108');
  assert.ok(!parseCidrList('10.0.0.0/8,10.1.0.0/16').ok);
  assert.ok(!parseCidrList('10.233.64.0/33').ok);
  assert.ok(!parseCidrList('a,b,c').ok);
});

test('CIDR overlap and subnets', () => {
  assert.ok(overlaps(parseCidr('10.233.0.0/16')!, parseCidr('10.233.64.0/18')!));
  assert.ok(!overlaps(parseCidr('10.233.0.0/18')!, parseCidr('10.233.64.0/18')!));
  assert.ok(!overlaps(parseCidr('10.0.0.0/8')!, parseCidr('fd00::/8')!));
  assert.equal(subnetOf('10.0.0.11', 24)?.text, '10.0.0.0/24');
  assert.equal(normalizeIp('fd00::11'), normalizeIp('fd00:0:0::11'));
});

test('units: bytes to whole MiB and GiB rounded down', () => {
  assert.equal(toMiB(bytes(1700 * 2 ** 20 - 1)), 1699);
  assert.equal(toGiB(bytes(10 * 2 ** 30 - 1)), 9.9);
});

test('vars: defaults when absent, null or empty; wrong type names the key', () => {
  assert.equal(num({}, 'cluster_require.minimal_master_memory_mb'), 1700);
  assert.equal(num({ cluster_require: { minimal_master_memory_mb: null } }, 'cluster_require.minimal_master_memory_mb'), 1700);
  assert.equal(num({ cluster_require: { minimal_master_memory_mb: '2048' } }, 'cluster_require.minimal_master_memory_mb'), 2048);
  assert.equal(lookup({ cni: { pod_cidr: '' } }, 'cni.pod_cidr'), '10.233.64.0/18');
  assert.throws(
    () => strList({ cluster_require: { supported_architectures: 'amd64' } }, 'cluster_require.supported_architectures'),
    (e: unknown) => e instanceof ConfigValueError && /spec\.cluster_require\.supported_architectures: expected a list/.test(e.message),
  );
});
