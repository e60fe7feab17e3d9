import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipFamily, kubeMinorKey, parseCidrList, parseKernelVersion, parseMinor, parseVersion } from '../../../coordinator/inventory';
import { closestKey, editDistance } from '../../../coordinator/config/typo';
import { nthAddress } from '../../../coordinator/config/derived';

test('CIDR lists: single, v4,v6 and v4/v6 forms', () => {
  assert.deepEqual(
    parseCidrList('10.233.64.0/18')?.map((c) => [c.family, c.address, c.prefix]),
    [['ipv4', '10.233.64.0', 18]],
  );
  assert.deepEqual(
    parseCidrList('10.233.64.0/18,fd85:ee78::/108')?.map((c) => c.family),
    ['ipv4', 'ipv6'],
  );
  assert.deepEqual(
    parseCidrList('10.233.64.0/18/fd85:ee78::/108')?.map((c) => c.text),
    ['10.233.64.0/18', 'fd85:ee78::/108'],
  );
  assert.deepEqual(
    parseCidrList('fd85:ee78::/108')?.map((c) => c.prefix),
    [108],
  );
  // Count and family rules belong to precheck; the parser only reads.
  assert.equal(parseCidrList('10.0.0.0/8,10.1.0.0/16')?.length, 2);
  for (const bad of ['10.233.64.0/33', '10.233.64.0', '10.233.64/18', 'fd85::/129', '10.0.0.0/8,', 'a/b/c/d', '', '10.0.0.0/-1', '010.0.0.0/8']) {
    assert.equal(parseCidrList(bad), null, bad);
  }
});

test('IP families are strict', () => {
  assert.equal(ipFamily('192.168.1.10'), 'ipv4');
  assert.equal(ipFamily('fd00::1'), 'ipv6');
  assert.equal(ipFamily('::ffff:10.0.0.1'), 'ipv6');
  for (const bad of ['10.0.0.300', '10.1', '1.2.3.4.5', 'node1', '']) assert.equal(ipFamily(bad), null, bad);
});

test('versions: with or without v; major.minor keys; kernel versions', () => {
  assert.equal(parseVersion('v1.33.1'), '1.33.1');
  assert.equal(parseVersion('1.33.1'), '1.33.1');
  assert.equal(parseVersion('v3.4.13-4'), '3.4.13-4');
  assert.equal(parseVersion('v1.33'), null);
  assert.equal(parseVersion('latest'), null);
  assert.equal(kubeMinorKey('v1.33.1'), 'v1.33');
  assert.equal(kubeMinorKey('1.28.0'), 'v1.28');
  assert.equal(parseMinor('v3.28'), '3.28');
  assert.equal(parseMinor('1.19'), '1.19');
  assert.equal(parseMinor('v3.28.1'), null);
  assert.equal(parseKernelVersion('5.15.0-105-generic'), '5.15.0');
  assert.equal(parseKernelVersion('4.9'), '4.9.0');
  assert.equal(parseKernelVersion('five'), null);
});

test('typo detection: transpositions count once; short keys allow one edit', () => {
  assert.equal(editDistance('tpye', 'type'), 1);
  assert.equal(editDistance('pod_cird', 'pod_cidr'), 1);
  assert.equal(closestKey('kube_verison', ['kube_version', 'cluster_name']), 'kube_version');
  assert.equal(closestKey('Pod_Cidr', ['pod_cidr']), 'pod_cidr');
  assert.equal(closestKey('ipx', ['ip', 'image']), 'ip');
  assert.equal(closestKey('xyz', ['ip', 'image']), null);
  assert.equal(closestKey('my_setting', ['pod_cidr', 'type']), null);
  assert.equal(closestKey('type', ['type']), null, 'a known key is not a typo');
});

test('nthAddress: CoreDNS is the third address of the service CIDR', () => {
  assert.equal(nthAddress('10.233.0.0/18', 3), '10.233.0.3');
  assert.equal(nthAddress('10.96.0.0/12', 10), '10.96.0.10');
  assert.equal(nthAddress('10.96.5.7/12', 3), '10.96.0.3', 'host bits are cleared first');
  assert.equal(nthAddress('fd00:10:96::/108,10.96.0.0/12', 3), 'fd00:10:96::3');
  assert.equal(nthAddress('bogus', 3), null);
});
