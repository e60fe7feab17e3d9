// The shortcuts in address matching (facts-access interfaceCarrying, cidr subnetText) against the
// plain definitions they replace: normalize every address, parse every subnet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ipaddr from 'ipaddr.js';
import { isFourPartDecimal } from '../../../coordinator/config/formats';
import { normalizeIp, subnetOf, subnetText } from '../../../coordinator/precheck/cidr';
import { interfaceCarrying } from '../../../coordinator/precheck/facts-access';
import type { InterfaceFacts } from '../../../shared/facts/types';

const ADDRESSES = [
  '10.0.0.1',
  '10.0.0.1 ',
  ' 10.0.0.1',
  '10.0.0.01',
  '010.0.0.1',
  '10.0.0.256',
  '10.0.0',
  '0.0.0.0',
  '255.255.255.255',
  '192.168.7.200',
  'fd00::1',
  'fd00:0::1',
  'FD00::1',
  'fd00:0:0:0:0:0:0:1',
  ' fd00::1',
  'fe80::5054:ff:fe12:3456',
  '::ffff:10.0.0.1',
  '::1',
  '::',
  'not-an-ip',
  '',
  'fd00::zz',
  '10.0.0.1/24',
];

function reference(interfaces: readonly InterfaceFacts[], ip: string): [string, string] | null {
  const want = normalizeIp(ip);
  for (const iface of interfaces) {
    for (const a of iface.addresses) if (normalizeIp(a.address) === want) return [iface.name, a.address];
  }
  return null;
}

test('interfaceCarrying finds exactly what comparing normalized addresses finds', () => {
  // Interfaces holding every address in turn, in both orders, so first-match order is checked too.
  const make = (list: string[]): InterfaceFacts[] =>
    list.map((address, i) => ({
      name: `eth${i}`,
      mac: '',
      mtu: 1500,
      up: true,
      addresses: [{ family: address.includes(':') ? 'IPv6' : 'IPv4', address, prefixLength: 24 }],
    }));
  for (const interfaces of [make(ADDRESSES), make([...ADDRESSES].reverse())]) {
    for (const ip of ADDRESSES) {
      const hit = interfaceCarrying(interfaces, ip);
      assert.deepEqual(hit ? [hit.iface.name, hit.address.address] : null, reference(interfaces, ip), `looking for ${JSON.stringify(ip)}`);
    }
  }
});

/** A value or the error it throws, for comparing two ways of computing it. */
function outcome(fn: () => unknown): unknown {
  try {
    return { value: fn() };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

test('subnetText names the subnet exactly as subnetOf does (or throws as it does)', () => {
  const prefixes = [0, 1, 7, 8, 15, 16, 23, 24, 25, 31, 32, 33, 64, 128, -1, 1.5];
  let fast = 0;
  for (const address of ADDRESSES) {
    for (const p of prefixes) {
      assert.deepEqual(
        outcome(() => subnetText(address, p)),
        outcome(() => subnetOf(address, p)?.text ?? null),
        `${JSON.stringify(address)}/${p}`,
      );
      if (/^\d/.test(address) && p >= 0 && p <= 32) fast++;
    }
  }
  for (let i = 0; i < 2000; i++) {
    const address = [(i * 37) % 256, (i * 101) % 256, (i * 7) % 256, i % 256].join('.');
    const p = i % 33;
    assert.equal(subnetText(address, p), subnetOf(address, p)?.text ?? null, `${address}/${p}`);
  }
  assert.ok(fast > 0);
});

test('isFourPartDecimal agrees with ipaddr, and a valid IPv4 address is its own normalized form', () => {
  const parts = [
    '0',
    '1',
    '9',
    '10',
    '01',
    '00',
    '99',
    '100',
    '199',
    '255',
    '256',
    '300',
    '999',
    '1000',
    '0255',
    '',
    'a',
    '0x1',
    ' 1',
    '1 ',
    '-1',
    '+1',
    '1e1',
  ];
  let valid = 0;
  let seed = 12345;
  const next = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  for (let i = 0; i < 6000; i++) {
    const n = [3, 4, 4, 4, 4, 5][next(6)]!;
    const text = Array.from({ length: n }, () => parts[next(2) === 0 ? next(10) : next(parts.length)]).join(next(20) === 0 ? '..' : '.');
    const expected = ipaddr.IPv4.isValidFourPartDecimal(text);
    assert.equal(isFourPartDecimal(text), expected, JSON.stringify(text));
    if (expected) {
      valid++;
      assert.equal(normalizeIp(text), ipaddr.parse(text).toNormalizedString());
    }
  }
  for (const text of ADDRESSES) assert.equal(isFourPartDecimal(text), ipaddr.IPv4.isValidFourPartDecimal(text), JSON.stringify(text));
  assert.ok(valid > 100, `${valid} valid addresses generated`);
});
