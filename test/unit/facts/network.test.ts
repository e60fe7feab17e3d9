import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIpAddrJson, readInterfaces } from '../../../agent/facts/interfaces';
import { parseDefaultRouteJson, parseProcNetRoute, readDefaultRoute } from '../../../agent/facts/default-route';
import { findSocketOwners, parseProcNetSockets, parseSsListening, readListeningPorts, toListeningPorts } from '../../../agent/facts/listening-ports';
import { ProbeFailure } from '../../../agent/facts/probe';
import { context, fixture, makeRoot } from './helpers';

test('ip -j addr: links with MAC, MTU, admin state and both families', () => {
  const ifs = parseIpAddrJson(fixture('ip-addr.json'));
  const eth0 = ifs.find((i) => i.name === 'eth0');
  assert.deepEqual(eth0, {
    name: 'eth0',
    mac: '02:fc:00:00:00:01',
    mtu: 1400,
    up: true,
    addresses: [
      { family: 'IPv4', address: '192.0.2.2', prefixLength: 24 },
      { family: 'IPv6', address: 'fd00::2', prefixLength: 64 },
      { family: 'IPv6', address: 'fe80::fc:ff:fe00:1', prefixLength: 64 },
    ],
  });
  const ifb0 = ifs.find((i) => i.name === 'ifb0');
  assert.equal(ifb0?.up, false);
  assert.deepEqual(ifb0?.addresses, []);
  assert.equal(ifs.find((i) => i.name === 'lo')?.up, true);
});

test('ip -j addr: a link without a hardware address and a down VLAN', () => {
  const [wg0, vlan] = parseIpAddrJson(fixture('ip-addr-tun.json'));
  assert.deepEqual(wg0, { name: 'wg0', mac: '', mtu: 1420, up: true, addresses: [{ family: 'IPv4', address: '10.8.0.2', prefixLength: 24 }] });
  assert.equal(vlan?.name, 'eth0.100');
  assert.equal(vlan?.up, false);
});

test('ip -j addr: garbage and wrong shapes are failures', () => {
  assert.throws(() => parseIpAddrJson('Option "-j" is unknown, try "ip -help".'), ProbeFailure);
  assert.throws(() => parseIpAddrJson('{"ifname":"eth0"}'), /not a list/);
  assert.throws(() => parseIpAddrJson('[{"mtu":1500}]'), /no ifname/);
});

test("default route: this host's single route", () => {
  assert.deepEqual(parseDefaultRouteJson(fixture('ip-route-default.json')), { interface: 'eth0', gateway: '192.0.2.1' });
});

test('default route: lowest metric wins, unreachable defaults are ignored', () => {
  assert.deepEqual(parseDefaultRouteJson(fixture('ip-route-default-multi.json')), { interface: 'eth0', gateway: '192.168.1.1' });
});

test('default route: IPv6 multipath takes the first hop; none at all is null', () => {
  assert.deepEqual(parseDefaultRouteJson(fixture('ip-route-default-v6-multipath.json')), { interface: 'eth0', gateway: 'fe80::1' });
  assert.equal(parseDefaultRouteJson('[]'), null);
  assert.equal(parseDefaultRouteJson(''), null);
  assert.deepEqual(parseDefaultRouteJson('[{"dst":"default","dev":"ppp0","flags":[]}]'), { interface: 'ppp0', gateway: null });
});

const ROUTE_HEADER = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n';

test('/proc/net/route: lowest-metric default, reject routes ignored, gateway from host byte order', () => {
  // The same routes as ip-route-default-multi.json, as the kernel prints them.
  assert.deepEqual(parseProcNetRoute(fixture('proc-net-route.txt'), 'LE'), parseDefaultRouteJson(fixture('ip-route-default-multi.json')));
  assert.deepEqual(parseProcNetRoute(fixture('proc-net-route.txt'), 'LE'), { interface: 'eth0', gateway: '192.168.1.1' });
  assert.deepEqual(parseProcNetRoute(`${ROUTE_HEADER}eth0\t00000000\tC0A80101\t0003\t0\t0\t0\t00000000\t0\t0\t0\n`, 'BE'), {
    interface: 'eth0',
    gateway: '192.168.1.1',
  });
  // A device route (no RTF_GATEWAY), e.g. a point-to-point link.
  assert.deepEqual(parseProcNetRoute(`${ROUTE_HEADER}ppp0\t00000000\t00000000\t0001\t0\t0\t0\t00000000\t0\t0\t0\n`), { interface: 'ppp0', gateway: null });
  // Only subnet routes, or only a down/unreachable default: none.
  assert.equal(parseProcNetRoute(`${ROUTE_HEADER}eth0\t0001A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n`), null);
  assert.equal(parseProcNetRoute(`${ROUTE_HEADER}eth0\t00000000\t0101A8C0\t0002\t0\t0\t0\t00000000\t0\t0\t0\n`), null);
  assert.equal(parseProcNetRoute(ROUTE_HEADER), null);
});

test('/proc/net/route: garbage is a failure naming the file', () => {
  assert.throws(() => parseProcNetRoute(''), /\/proc\/net\/route: not a route table/);
  assert.throws(() => parseProcNetRoute('hello\n'), /not a route table/);
  assert.throws(() => parseProcNetRoute(`${ROUTE_HEADER}eth0 zz\n`), /\/proc\/net\/route: cannot read line "eth0 zz"/);
});

test('default route reader: /proc/net/route first, no spawn when it has a default', async () => {
  const { root, cleanup } = makeRoot({ '/proc/net/route': fixture('proc-net-route.txt') });
  try {
    const calls: string[] = [];
    assert.deepEqual(await readDefaultRoute(context(root, {}, calls)), { interface: 'eth0', gateway: '192.168.1.1' });
    assert.deepEqual(calls, []);
  } finally {
    cleanup();
  }
});

test('default route reader: falls back to IPv6 on an IPv6-only host', async () => {
  const { root, cleanup } = makeRoot({ '/proc/net/route': ROUTE_HEADER });
  try {
    const calls: string[] = [];
    const ctx = context(
      root,
      {
        'ip -j -6 route show default': '[{"dst":"default","gateway":"fd00::1","dev":"eth0","metric":1024,"flags":[]}]',
      },
      calls,
    );
    assert.deepEqual(await readDefaultRoute(ctx), { interface: 'eth0', gateway: 'fd00::1' });
    assert.deepEqual(calls, ['ip -j -6 route show default']);
  } finally {
    cleanup();
  }
});

test('default route reader: without /proc/net/route, ip answers; garbage in it is a failure', async () => {
  const none = makeRoot({});
  const garbage = makeRoot({ '/proc/net/route': 'garbage\n' });
  try {
    const calls: string[] = [];
    const ctx = context(none.root, { 'ip -j route show default': fixture('ip-route-default.json') }, calls);
    assert.deepEqual(await readDefaultRoute(ctx), { interface: 'eth0', gateway: '192.0.2.1' });
    assert.deepEqual(calls, ['ip -j route show default']);
    await assert.rejects(readDefaultRoute(context(garbage.root, {})), /\/proc\/net\/route: not a route table/);
  } finally {
    none.cleanup();
    garbage.cleanup();
  }
});

test('interfaces reader: a failing ip is a failure, not "no interfaces"', async () => {
  await assert.rejects(readInterfaces(context('/', { 'ip -j addr show': new ProbeFailure('`ip -j addr show` exited with 1: boom') })), /exited with 1/);
  await assert.rejects(readInterfaces(context('/', {})), /not found/);
});

test('/proc/net/tcp: listeners only, IPv4 decoded from host byte order', () => {
  const s = parseProcNetSockets(fixture('proc-net-tcp.txt'), 'tcp', '/proc/net/tcp', 'LE');
  assert.ok(s.every((x) => x.protocol === 'tcp'));
  assert.deepEqual(
    s.find((x) => x.port === 6443),
    { protocol: 'tcp', address: '0.0.0.0', port: 6443, inode: 29583 },
  );
  assert.deepEqual(
    s.find((x) => x.port === 2379),
    { protocol: 'tcp', address: '127.0.0.1', port: 2379, inode: 29585 },
  );
  // Established and TIME_WAIT connections (e.g. the client side of 6443) are not listeners.
  assert.equal(s.length, 8);
});

test('/proc/net/tcp6 and udp tables: IPv6 words, unconnected UDP sockets', () => {
  const tcp6 = parseProcNetSockets(fixture('proc-net-tcp6.txt'), 'tcp', '/proc/net/tcp6', 'LE');
  assert.deepEqual(
    tcp6.map((x) => [x.address, x.port]),
    [
      ['fd00::2', 2380],
      ['::', 10250],
    ],
  );
  const udp = parseProcNetSockets(fixture('proc-net-udp.txt'), 'udp', '/proc/net/udp', 'LE');
  assert.deepEqual(udp, [{ protocol: 'udp', address: '0.0.0.0', port: 8472, inode: 29587 }]);
  const udp6 = parseProcNetSockets(fixture('proc-net-udp6.txt'), 'udp', '/proc/net/udp6', 'LE');
  assert.deepEqual(
    udp6.map((x) => [x.address, x.port]),
    [['::1', 5353]],
  );
});

test('/proc/net: IPv4-mapped addresses, big-endian hosts, garbage', () => {
  const header =
    '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
  const mapped = `${header}   0: 0000000000000000FFFF00000100007F:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77 1 0 100 0 0 10 0\n`;
  assert.equal(parseProcNetSockets(mapped, 'tcp', 'x', 'LE')[0]?.address, '::ffff:127.0.0.1');
  const be = `${header}   0: 7F000001:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 78 1 0 100 0 0 10 0\n`;
  assert.deepEqual(parseProcNetSockets(be, 'tcp', 'x', 'BE')[0], { protocol: 'tcp', address: '127.0.0.1', port: 8080, inode: 78 });
  assert.throws(() => parseProcNetSockets('hello\n', 'tcp'), /header missing/);
  assert.throws(() => parseProcNetSockets(`${header}   0: zz:1 0 0A\n`, 'tcp', '/proc/net/tcp6'), /\/proc\/net\/tcp6: cannot read line/);
});

test('listening ports: owners by inode, duplicates merged, sorted', () => {
  const ports = toListeningPorts(
    [
      { protocol: 'tcp', address: '0.0.0.0', port: 6443, inode: 1 },
      { protocol: 'tcp', address: '0.0.0.0', port: 6443, inode: 2 },
      { protocol: 'udp', address: '0.0.0.0', port: 53, inode: 3 },
      { protocol: 'tcp', address: '127.0.0.1', port: 22, inode: 4 },
    ],
    new Map([
      [2, 'kube-apiserver'],
      [4, 'sshd'],
    ]),
  );
  assert.deepEqual(ports, [
    { protocol: 'tcp', address: '127.0.0.1', port: 22, process: 'sshd' },
    { protocol: 'tcp', address: '0.0.0.0', port: 6443, process: 'kube-apiserver' },
    { protocol: 'udp', address: '0.0.0.0', port: 53, process: null },
  ]);
});

test('listening ports reader: inode → process through /proc/PID/fd links', async () => {
  const { root, cleanup } = makeRoot({
    '/proc/net/tcp': fixture('proc-net-tcp.txt'),
    '/proc/net/udp': fixture('proc-net-udp.txt'),
    // no tcp6/udp6: IPv6 disabled is not a failure
    '/proc/100/comm': 'kube-apiserver\n',
    '/proc/100/fd/0': { link: '/dev/null' },
    '/proc/100/fd/7': { link: 'socket:[29583]' },
    '/proc/200/comm': 'flanneld\n',
    '/proc/200/fd/3': { link: 'socket:[29587]' },
    '/proc/300/comm': 'bash\n',
    '/proc/300/fd/1': { link: 'pipe:[5]' },
    '/proc/self': { link: '100' },
  });
  try {
    const ports = await readListeningPorts(context(root));
    assert.deepEqual(
      ports.find((p) => p.port === 6443),
      { protocol: 'tcp', address: '0.0.0.0', port: 6443, process: 'kube-apiserver' },
    );
    assert.deepEqual(
      ports.find((p) => p.port === 8472),
      { protocol: 'udp', address: '0.0.0.0', port: 8472, process: 'flanneld' },
    );
    assert.equal(ports.find((p) => p.port === 2379)?.process, null);
    const owners = await findSocketOwners(context(root), new Set([29587]));
    assert.deepEqual([...owners], [[29587, 'flanneld']]);
  } finally {
    cleanup();
  }
});

test('listening ports reader: a missing /proc/net/tcp or garbage in it is a failure', async () => {
  const missing = makeRoot({ '/proc/net/udp': fixture('proc-net-udp.txt') });
  const garbage = makeRoot({ '/proc/net/tcp': 'garbage\n', '/proc/net/udp': fixture('proc-net-udp.txt') });
  try {
    await assert.rejects(readListeningPorts(context(missing.root)), /\/proc\/net\/tcp: no such file/);
    await assert.rejects(readListeningPorts(context(garbage.root)), /\/proc\/net\/tcp: not a socket table/);
  } finally {
    missing.cleanup();
    garbage.cleanup();
  }
});

test('ss -l: families, wildcards, scopes and mapped addresses read as /proc writes them', () => {
  const sockets = parseSsListening(fixture('ss-listening.txt'));
  assert.deepEqual(
    sockets.map((x) => `${x.protocol} ${x.address} ${x.port} ${x.inode}`),
    [
      'udp 0.0.0.0 8472 29587',
      'udp 127.0.0.53 53 31001', // the %lo scope dropped
      'udp :: 31006 3727286', // `*`: an IPv6 socket that also takes IPv4 (/proc/net/udp6 says ::)
      'udp ::1 31008 3727288',
      'tcp 0.0.0.0 6443 29583',
      'tcp ::ffff:127.0.0.1 31005 3727285',
      'tcp fe80::1 31009 3727290',
      'tcp :: 2379 3727282',
      'tcp :: 10250 3727281',
    ],
  );
  assert.throws(() => parseSsListening('tcp LISTEN 0 1 nonsense ino:1\n'), /cannot read line/);
  assert.throws(() => parseSsListening('tcp LISTEN 0 1 host.example:80 *:* ino:1\n'), /cannot read the address/);
  assert.deepEqual(parseSsListening('\n'), []);
});

test('listening ports come from ss when it answers, from /proc when it does not', async () => {
  const { root, cleanup } = makeRoot({
    '/proc/net/tcp': fixture('proc-net-tcp.txt'),
    '/proc/net/udp': fixture('proc-net-udp.txt'),
    '/proc/200/comm': 'flanneld\n',
    '/proc/200/fd/3': { link: 'socket:[29587]' },
  });
  try {
    const calls: string[] = [];
    const viaSs = await readListeningPorts(context(root, { 'ss -H -l -n -t -u -e': fixture('ss-listening.txt') }, calls));
    assert.ok(calls.includes('ss -H -l -n -t -u -e'));
    assert.deepEqual(
      viaSs.find((p) => p.port === 10250),
      { protocol: 'tcp', address: '::', port: 10250, process: null },
    );
    assert.deepEqual(
      viaSs.find((p) => p.port === 8472),
      { protocol: 'udp', address: '0.0.0.0', port: 8472, process: 'flanneld' },
    );
    assert.equal(
      viaSs.some((p) => p.port === 41000),
      false,
      'a connected UDP socket is not listening',
    );
    // ss missing, or printing something this reader does not know: the kernel's tables instead.
    for (const answer of [new Error('spawn ss ENOENT'), 'tcp LISTEN what is this\n']) {
      const viaProc = await readListeningPorts(context(root, { 'ss -H -l -n -t -u -e': answer }));
      assert.deepEqual(
        viaProc.find((p) => p.port === 8472),
        { protocol: 'udp', address: '0.0.0.0', port: 8472, process: 'flanneld' },
      );
      assert.ok(viaProc.some((p) => p.port === 6443));
    }
  } finally {
    cleanup();
  }
});
