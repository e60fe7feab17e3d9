// The node CSR and node certificate are written in DER by kk itself (shared/pki/csr.ts,
// coordinator/pki/node-cert.ts). Each is read back by two independent parsers — @peculiar/x509
// and OpenSSL — and compared, field by field, with what the library makes for the same inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { X509Certificate, KeyObject } from 'node:crypto';
import { x509, generateKeyPair, SIGNING_ALGORITHM } from '../../../shared/pki/x509';
import { createCsr, checkCsr } from '../../../shared/pki/csr';
import { time, fromPem, toPem, readTlv, children, oidString } from '../../../shared/pki/der';
import { CertificateAuthority } from '../../../coordinator/pki/authority';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'kk-der-'));
const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

test('the CSR kk writes is a valid PKCS#10 request to @peculiar/x509 and to openssl', async () => {
  const { keys } = await generateKeyPair();
  const pem = createCsr(keys, 'node-1.example');
  const parsed = new x509.Pkcs10CertificateRequest(pem);
  assert.equal(parsed.subject, 'CN=node-1.example');
  assert.ok(await parsed.verify());
  const f = path.join(tmp(), 'req.pem');
  writeFileSync(f, pem);
  assert.match(openssl(['req', '-in', f, '-noout', '-verify', '-subject']), /subject=CN\s*=\s*node-1\.example/);
  // checkCsr hands back exactly the key the CSR was made for.
  assert.deepEqual(checkCsr(pem).spki, KeyObject.from(keys.publicKey).export({ type: 'spki', format: 'der' }));
});

test('checkCsr accepts the CSRs agents made with @peculiar/x509 before', async () => {
  const { keys } = await generateKeyPair();
  const old = await x509.Pkcs10CertificateRequestGenerator.create({ name: 'CN=old-agent', keys, signingAlgorithm: SIGNING_ALGORITHM });
  assert.deepEqual(checkCsr(old.toString('pem')).spki, KeyObject.from(keys.publicKey).export({ type: 'spki', format: 'der' }));
});

test('checkCsr refuses what is not a P-256 request signed with ecdsa-with-SHA256 by its own key', async () => {
  const dir = tmp();
  const { keys } = await generateKeyPair();
  const good = createCsr(keys, 'n1');
  assert.throws(() => checkCsr('garbage'), /not a valid PKCS#10 PEM/);
  assert.throws(() => checkCsr('-----BEGIN CERTIFICATE REQUEST-----\nMAMCAQA=\n-----END CERTIFICATE REQUEST-----\n'), /not a valid PKCS#10 PEM/);
  // One flipped byte in the signature.
  const der = fromPem('CERTIFICATE REQUEST', good)!;
  const flipped = Buffer.from(der);
  flipped[flipped.length - 3]! ^= 0x01;
  assert.throws(() => checkCsr(toPem('CERTIFICATE REQUEST', flipped)), /signature does not verify|not a valid PKCS#10/);
  // Truncated.
  assert.throws(() => checkCsr(toPem('CERTIFICATE REQUEST', der.subarray(0, der.length - 10))), /not a valid PKCS#10 PEM/);
  // Another key type and another signature hash, made by openssl.
  openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'rsa.key'), '-subj', '/CN=x', '-out', path.join(dir, 'rsa.csr')]);
  assert.throws(() => checkCsr(execFileSync('cat', [path.join(dir, 'rsa.csr')]).toString()), /signed with 1\.2\.840\.113549\.1\.1\.11|not ECDSA P-256/);
  openssl([
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-sha384',
    '-nodes',
    '-keyout',
    path.join(dir, 'ec.key'),
    '-subj',
    '/CN=x',
    '-out',
    path.join(dir, 'ec384.csr'),
  ]);
  assert.throws(() => checkCsr(execFileSync('cat', [path.join(dir, 'ec384.csr')]).toString()), /signed with 1\.2\.840\.10045\.4\.3\.3/);
  openssl([
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-384',
    '-nodes',
    '-keyout',
    path.join(dir, 'p384.key'),
    '-subj',
    '/CN=x',
    '-out',
    path.join(dir, 'p384.csr'),
  ]);
  assert.throws(() => checkCsr(execFileSync('cat', [path.join(dir, 'p384.csr')]).toString()), /not ECDSA P-256/);
});

test('a node certificate carries the same fields as the library made, and verifies with openssl and Node', async () => {
  const dir = tmp();
  const ca = await CertificateAuthority.loadOrCreate(dir);
  const { keys } = await generateKeyPair();
  const issued = await ca.issueNodeFromCsr(createCsr(keys, 'ignored'), 'node-7.example');
  const mine = new x509.X509Certificate(issued.certificatePem);
  const caCert = new x509.X509Certificate(ca.caPem);
  // The reference: what @peculiar/x509 makes for a node (CertificateAuthority.issue, before).
  const ref = await x509.X509CertificateGenerator.create({
    serialNumber: issued.serial,
    subject: 'CN=node-7.example,O=kk-nodes',
    issuer: caCert.subject,
    notBefore: mine.notBefore,
    notAfter: mine.notAfter,
    signingAlgorithm: SIGNING_ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth], false),
      await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
      new x509.SubjectAlternativeNameExtension([{ type: 'url', value: 'kk://node/node-7.example' }], false),
    ],
  });
  assert.equal(mine.subject, ref.subject);
  assert.equal(mine.issuer, ref.issuer);
  assert.equal(mine.serialNumber, ref.serialNumber);
  assert.equal(mine.notBefore.getTime(), ref.notBefore.getTime());
  assert.equal(mine.notAfter.getTime(), ref.notAfter.getTime());
  assert.deepEqual(Buffer.from(mine.publicKey.rawData), Buffer.from(ref.publicKey.rawData));
  assert.deepEqual(
    mine.extensions.map((e) => [e.type, e.critical, Buffer.from(e.value).toString('hex')]),
    ref.extensions.map((e) => [e.type, e.critical, Buffer.from(e.value).toString('hex')]),
  );
  assert.equal((mine.signatureAlgorithm as { name?: string }).name, 'ECDSA');
  assert.ok(await mine.verify({ publicKey: caCert.publicKey }));
  // Node's own parser and OpenSSL agree.
  const node = new X509Certificate(issued.certificatePem);
  assert.ok(node.checkIssued(new X509Certificate(ca.caPem)));
  assert.ok(node.verify(new X509Certificate(ca.caPem).publicKey));
  writeFileSync(path.join(dir, 'node.crt'), issued.certificatePem);
  assert.match(openssl(['verify', '-CAfile', path.join(dir, 'ca.crt'), '-purpose', 'sslclient', path.join(dir, 'node.crt')]), /OK/);
  const text = openssl(['x509', '-in', path.join(dir, 'node.crt'), '-noout', '-text']);
  assert.match(text, /CA:FALSE/);
  assert.match(text, /Digital Signature, Key Encipherment/);
  assert.match(text, /TLS Web Client Authentication/);
  assert.match(text, /URI:kk:\/\/node\/node-7\.example/);
});

test('times: UTCTime until 2049, GeneralizedTime from 2050 (RFC 5280)', () => {
  assert.deepEqual(time(new Date('2049-12-31T23:59:59.900Z')), Buffer.concat([Buffer.from([0x17, 13]), Buffer.from('491231235959Z')]));
  assert.deepEqual(time(new Date('2050-01-01T00:00:00Z')), Buffer.concat([Buffer.from([0x18, 15]), Buffer.from('20500101000000Z')]));
  const t = readTlv(Buffer.from('06082a8648ce3d040302', 'hex'));
  assert.equal(oidString(t.content), '1.2.840.10045.4.3.2');
  assert.equal(children(Buffer.alloc(0)).length, 0);
  assert.throws(() => readTlv(Buffer.from('3005020100', 'hex')), /runs past/);
});
