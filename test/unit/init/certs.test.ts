import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { generateCerts, checkCerts } from '../../../coordinator/init/certs';
import { inventory, loadModel, openssl, silentLog, tempDir } from './helpers';

const HOSTS = [
  { name: 'node1', ipv4: '10.0.0.1', ipv6: 'fd00::1' },
  { name: 'node2', ipv4: '10.0.0.2' },
  { name: 'node3', ipv4: '10.0.0.3' },
  { name: 'reg1', ipv4: '10.0.0.9' },
];
const GROUPS = { kube_control_plane: ['node1'], kube_worker: ['node2', 'node3'], etcd: ['node1', 'node2'], image_registry: ['reg1'] };

function sanText(file: string): string {
  const text = openssl(['x509', '-in', file, '-noout', '-text']);
  const m = /X509v3 Subject Alternative Name:[^\n]*\n\s*([^\n]*)/.exec(text);
  return m ? m[1]! : '';
}

test('generates every certificate of the table; openssl verifies chain, SANs, key usage and validity', async () => {
  const workDir = tempDir();
  const model = loadModel(inventory(HOSTS, GROUPS), '  image_registry: {type: harbor, ha_vip: 10.0.0.100}\n  certs: {etcd: {date: 8760h}}');
  const now = new Date();
  const res = await generateCerts(model, { workDir, log: silentLog, now });
  assert.deepEqual(res.problems, []);
  const pki = path.join(workDir, 'pki');
  const names = ['root', 'kubernetes', 'front-proxy', 'etcd-node1', 'etcd-node2', 'etcd-client', 'image_registry', 'image-registry-client'];
  for (const n of names) {
    assert.ok(existsSync(path.join(pki, `${n}.crt`)), `${n}.crt written`);
    assert.ok(res.written.includes(path.join(pki, `${n}.key`)));
    assert.equal(statSync(path.join(pki, `${n}.key`)).mode & 0o777, 0o600);
  }
  assert.equal(res.written.length, names.length * 2);
  const root = path.join(pki, 'root.crt');
  for (const n of names.slice(1)) {
    assert.match(openssl(['verify', '-CAfile', root, path.join(pki, `${n}.crt`)]), /: OK/);
  }
  assert.match(openssl(['verify', '-CAfile', root, root]), /: OK/);

  const rootText = openssl(['x509', '-in', root, '-noout', '-text']);
  assert.match(rootText, /Subject: CN ?= ?root, O ?= ?kubekey/);
  assert.match(rootText, /CA:TRUE/);
  assert.match(rootText, /Certificate Sign/);
  assert.match(rootText, /Public-Key: \(2048 bit\)/);

  const kube = openssl(['x509', '-in', path.join(pki, 'kubernetes.crt'), '-noout', '-text']);
  assert.match(kube, /Subject: CN ?= ?kubernetes-ca, O ?= ?kubekey/);
  assert.match(kube, /Issuer: CN ?= ?root, O ?= ?kubekey/);
  assert.match(kube, /CA:TRUE/);

  const etcd1 = openssl(['x509', '-in', path.join(pki, 'etcd-node1.crt'), '-noout', '-text']);
  assert.match(etcd1, /Subject: CN ?= ?etcd, O ?= ?kubekey/);
  assert.match(etcd1, /CA:FALSE/);
  assert.match(etcd1, /Digital Signature, Key Encipherment/);
  assert.doesNotMatch(etcd1, /Certificate Sign/);
  assert.doesNotMatch(etcd1, /Extended Key Usage/, 'KubeKey sets no ExtKeyUsage: one cert serves server and peer');
  const san1 = sanText(path.join(pki, 'etcd-node1.crt'));
  for (const s of [
    'DNS:localhost',
    'DNS:node1',
    'IP Address:127.0.0.1',
    'IP Address:10.0.0.1',
    'IP Address:FD00:0:0:0:0:0:0:1',
    'IP Address:0:0:0:0:0:0:0:1',
  ]) {
    assert.ok(san1.includes(s), `etcd-node1 SANs ${san1} include ${s}`);
  }
  assert.ok(!san1.includes('10.0.0.2'), 'per-host cert carries only its own host');
  assert.ok(sanText(path.join(pki, 'etcd-node2.crt')).includes('IP Address:10.0.0.2'));

  const reg = sanText(path.join(pki, 'image_registry.crt'));
  assert.ok(reg.includes('IP Address:10.0.0.100') && reg.includes('IP Address:10.0.0.9'), reg);

  // Validity: etcd from certs.etcd.date (1 year), starts at the CA's NotBefore.
  const endDate = new Date(
    openssl(['x509', '-in', path.join(pki, 'etcd-node1.crt'), '-noout', '-enddate'])
      .trim()
      .replace('notAfter=', ''),
  );
  const expected = now.getTime() + 8760 * 3600_000;
  assert.ok(Math.abs(endDate.getTime() - expected) < 2000, `${endDate.toISOString()} ≈ now + 8760h`);
  const start = openssl(['x509', '-in', path.join(pki, 'etcd-node1.crt'), '-noout', '-startdate']);
  assert.equal(start, openssl(['x509', '-in', root, '-noout', '-startdate']));
  const rootEnd = new Date(openssl(['x509', '-in', root, '-noout', '-enddate']).trim().replace('notAfter=', ''));
  assert.ok(Math.abs(rootEnd.getTime() - (now.getTime() + 87600 * 3600_000)) < 2000, 'root: default 87600h');

  const status = checkCerts(model, { workDir });
  assert.equal(status.length, names.length);
  assert.ok(
    status.every((s) => s.problems.length === 0),
    JSON.stringify(status.filter((s) => s.problems.length)),
  );
});

test('IfNotPresent keeps valid certs byte-identical and replaces one whose SANs miss a new etcd host address', async () => {
  const workDir = tempDir();
  const groups = { kube_control_plane: ['node1'], kube_worker: ['node2'], etcd: ['node1', 'node2'] };
  const first = loadModel(inventory(HOSTS.slice(0, 3), groups));
  const r1 = await generateCerts(first, { workDir, log: silentLog });
  assert.deepEqual(r1.problems, []);
  const pki = path.join(workDir, 'pki');
  const read = (n: string): string => readFileSync(path.join(pki, n), 'utf8');
  const before = Object.fromEntries(['root.crt', 'root.key', 'etcd-node1.crt', 'etcd-node1.key', 'etcd-node2.crt', 'kubernetes.crt'].map((n) => [n, read(n)]));

  const again = await generateCerts(first, { workDir, log: silentLog });
  assert.deepEqual(again.written, []);
  assert.equal(again.kept.length, r1.written.length / 2);

  // node2 gets an IPv6 address: its cert no longer covers every SAN; nothing else changes.
  const hosts2 = [HOSTS[0]!, { name: 'node2', ipv4: '10.0.0.2', ipv6: 'fd00::2' }, HOSTS[2]!];
  const second = loadModel(inventory(hosts2, groups));
  assert.match(
    checkCerts(second, { workDir })
      .find((s) => s.id === 'etcd-node2')!
      .problems.join(),
    /SANs do not cover fd00::2/,
  );
  const r2 = await generateCerts(second, { workDir, log: silentLog });
  assert.deepEqual(r2.written.sort(), [path.join(pki, 'etcd-node2.crt'), path.join(pki, 'etcd-node2.key')].sort());
  for (const [n, text] of Object.entries(before)) {
    if (n.startsWith('etcd-node2')) assert.notEqual(read(n), text);
    else assert.equal(read(n), text, `${n} byte-identical`);
  }
  assert.ok(sanText(path.join(pki, 'etcd-node2.crt')).includes('FD00:0:0:0:0:0:0:2'));

  // A new etcd host gets its own certificate; the others stay.
  const hosts3 = [...hosts2, { name: 'node4', ipv4: '10.0.0.4' }];
  const third = loadModel(inventory(hosts3, { ...groups, etcd: ['node1', 'node2', 'node4'] }));
  const r3 = await generateCerts(third, { workDir, log: silentLog });
  assert.deepEqual(r3.written.sort(), [path.join(pki, 'etcd-node4.crt'), path.join(pki, 'etcd-node4.key')].sort());
  assert.match(openssl(['verify', '-CAfile', path.join(pki, 'root.crt'), path.join(pki, 'etcd-node4.crt')]), /OK/);
});

test('IfNotPresent regenerates an expired cert, a mismatched key, and everything under a replaced root', async () => {
  const workDir = tempDir();
  const model = loadModel(inventory(HOSTS.slice(0, 2), { kube_control_plane: ['node1'], kube_worker: ['node2'], etcd: ['node1'] }));
  const t0 = new Date();
  await generateCerts(model, { workDir, log: silentLog, now: t0 });
  const pki = path.join(workDir, 'pki');
  // Swap etcd-client's key for another cert's key: the pair no longer matches.
  writeFileSync(path.join(pki, 'etcd-client.key'), readFileSync(path.join(pki, 'etcd-node1.key')));
  const r = await generateCerts(model, { workDir, log: silentLog, now: t0 });
  assert.deepEqual(r.written.sort(), [path.join(pki, 'etcd-client.crt'), path.join(pki, 'etcd-client.key')].sort());

  // Eleven years later everything (root included, 87600h) has expired: all regenerated, chain intact.
  const later = new Date(t0.getTime() + 11 * 365 * 24 * 3600_000);
  assert.ok(checkCerts(model, { workDir, now: later }).every((s) => s.problems.some((p) => p.startsWith('expired'))));
  const r2 = await generateCerts(model, { workDir, log: silentLog, now: later });
  assert.equal(r2.kept.length, 0);
  assert.ok(r2.written.includes(path.join(pki, 'root.crt')));
  // A replaced root invalidates certs it did not sign, even unexpired ones.
  writeFileSync(path.join(pki, 'root.crt'), 'garbage');
  const r3 = await generateCerts(model, { workDir, log: silentLog, now: later });
  assert.equal(r3.written.length, r2.written.length);
});

test('Always regenerates everything; None writes nothing and reports what is missing or broken', async () => {
  const workDir = tempDir();
  const inv = inventory(HOSTS.slice(0, 1), { kube_control_plane: ['node1'], kube_worker: ['node1'], etcd: ['node1'] });
  const policy = (p: string): string =>
    `  certs:\n${['ca', 'kubernetes_ca', 'front_proxy_ca', 'etcd', 'image_registry'].map((g) => `    ${g}: {gen_cert_policy: ${p}}`).join('\n')}`;
  const none = loadModel(inv, policy('None'));
  const r0 = await generateCerts(none, { workDir, log: silentLog });
  assert.deepEqual(r0.written, []);
  assert.equal(existsSync(path.join(workDir, 'pki')), false);
  assert.ok(r0.problems.some((p) => p.id === 'root' && p.problems.join().includes('missing')));
  assert.equal(r0.problems.length, 5, 'root, kubernetes, front-proxy, etcd-node1, etcd-client');

  const always = loadModel(inv, policy('Always'));
  await generateCerts(always, { workDir, log: silentLog });
  const before = readFileSync(path.join(workDir, 'pki', 'etcd-node1.crt'), 'utf8');
  const r1 = await generateCerts(always, { workDir, log: silentLog });
  assert.equal(r1.written.length, 10);
  assert.notEqual(readFileSync(path.join(workDir, 'pki', 'etcd-node1.crt'), 'utf8'), before);

  const r2 = await generateCerts(none, { workDir, log: silentLog });
  assert.deepEqual(r2.written, []);
  assert.deepEqual(r2.problems, []);
  assert.equal(r2.kept.length, 5);
  writeFileSync(path.join(workDir, 'pki', 'etcd-client.crt'), 'x');
  const r3 = await generateCerts(none, { workDir, log: silentLog });
  assert.deepEqual(r3.written, []);
  assert.deepEqual(
    r3.problems.map((p) => p.id),
    ['etcd-client'],
  );
  assert.equal(readFileSync(path.join(workDir, 'pki', 'etcd-client.crt'), 'utf8'), 'x');
});

test('a user-provided Kubernetes CA is used and never written, even when it is broken', async () => {
  const workDir = tempDir();
  const userDir = tempDir('kk-userca-');
  const caKey = path.join(userDir, 'ca.key');
  const caCrt = path.join(userDir, 'ca.crt');
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    caKey,
    '-out',
    caCrt,
    '-days',
    '30',
    '-subj',
    '/CN=my-kubernetes-ca',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const keyBefore = readFileSync(caKey, 'utf8');
  const crtBefore = readFileSync(caCrt, 'utf8');
  const inv = inventory(HOSTS.slice(0, 1), { kube_control_plane: ['node1'], kube_worker: ['node1'], etcd: ['node1'] });
  const model = loadModel(inv, `  kubernetes: {certs: {ca_cert: ${caCrt}, ca_key: ${caKey}}}\n  certs: {kubernetes_ca: {gen_cert_policy: Always}}`);
  const r = await generateCerts(model, { workDir, log: silentLog });
  assert.deepEqual(r.problems, []);
  assert.ok(r.kept.includes(caCrt));
  assert.ok(!existsSync(path.join(workDir, 'pki', 'kubernetes.crt')), 'no generated Kubernetes CA beside the user one');
  assert.ok(existsSync(path.join(workDir, 'pki', 'front-proxy.crt')));
  assert.equal(readFileSync(caKey, 'utf8'), keyBefore);
  assert.equal(readFileSync(caCrt, 'utf8'), crtBefore);
  const st = checkCerts(model, { workDir }).find((s) => s.id === 'kubernetes')!;
  assert.equal(st.path, caCrt);
  assert.equal(st.userProvided, true);
  assert.match(st.subject ?? '', /CN=my-kubernetes-ca/);

  // A key that does not match: reported, still untouched.
  openssl(['genrsa', '-out', caKey, '2048']);
  const wrongKey = readFileSync(caKey, 'utf8');
  const r2 = await generateCerts(model, { workDir, log: silentLog });
  assert.equal(r2.problems.length, 1);
  assert.match(r2.problems[0]!.problems.join(), /does not match/);
  assert.equal(readFileSync(caKey, 'utf8'), wrongKey);
  assert.equal(readFileSync(caCrt, 'utf8'), crtBefore);
});

test('bad config values are clear errors naming the key', async () => {
  const inv = inventory(HOSTS.slice(0, 1), { kube_control_plane: ['node1'], kube_worker: ['node1'], etcd: ['node1'] });
  await assert.rejects(
    generateCerts(loadModel(inv, '  certs: {etcd: {date: "ten years"}}'), { workDir: tempDir(), log: silentLog }),
    /certs\.etcd\.date: "ten years"/,
  );
  await assert.rejects(
    generateCerts(loadModel(inv, '  kubernetes: {certs: {ca_cert: /x/ca.crt}}'), { workDir: tempDir(), log: silentLog }),
    /kubernetes\.certs\.ca_key is empty/,
  );
});
