import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { CertificateAuthority } from '../../../coordinator/pki/authority';
import { generateKeyPair, createCsr, caHash, certFingerprint } from '../../../shared/pki/x509';

test('the CA is created once, kept private, and reloaded identically', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kk-pki-'));
  const ca = await CertificateAuthority.loadOrCreate(dir);
  assert.equal(statSync(path.join(dir, 'ca.key')).mode & 0o777, 0o600);
  const again = await CertificateAuthority.loadOrCreate(dir);
  assert.equal(again.caPem, ca.caPem);
  assert.equal(caHash(again.caPem), caHash(readFileSync(path.join(dir, 'ca.crt'), 'utf8')));
  assert.ok(new X509Certificate(ca.caPem).ca);
});

test('node certificates come from the node CSR, carry the coordinator-chosen name and chain to the CA (openssl verify)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kk-pki-'));
  const ca = await CertificateAuthority.loadOrCreate(dir);
  const node = await generateKeyPair();
  // The CSR asks for another name: the coordinator must ignore the CSR's subject.
  const csr = await createCsr(node.keys, 'evil,CN=kk-admin');
  const issued = await ca.issueNodeFromCsr(csr, 'node1');
  const cert = new X509Certificate(issued.certificatePem);
  assert.match(cert.subject, /CN=node1/);
  assert.doesNotMatch(cert.subject, /kk-admin/);
  assert.match(cert.subjectAltName ?? '', /URI:kk:\/\/node\/node1/);
  assert.ok(cert.checkPrivateKey((await import('node:crypto')).createPrivateKey(node.privateKeyPem)));
  writeFileSync(path.join(dir, 'node.crt'), issued.certificatePem);
  const out = execFileSync('openssl', ['verify', '-CAfile', path.join(dir, 'ca.crt'), '-purpose', 'sslclient', path.join(dir, 'node.crt')]).toString();
  assert.match(out, /OK/);
  assert.equal(certFingerprint(issued.certificatePem).length, 64);
});

test('server certificates name every address they serve and verify as server certs', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kk-pki-'));
  const ca = await CertificateAuthority.loadOrCreate(dir);
  const key = await generateKeyPair();
  const issued = await ca.issueServer(['localhost', 'coord.example'], ['127.0.0.1', '10.213.0.1'], key.keys.publicKey);
  const cert = new X509Certificate(issued.certificatePem);
  assert.equal(cert.checkHost('coord.example'), 'coord.example');
  assert.equal(cert.checkIP('10.213.0.1'), '10.213.0.1');
  writeFileSync(path.join(dir, 'srv.crt'), issued.certificatePem);
  const out = execFileSync('openssl', ['verify', '-CAfile', path.join(dir, 'ca.crt'), '-purpose', 'sslserver', path.join(dir, 'srv.crt')]).toString();
  assert.match(out, /OK/);
});

test('a garbage CSR is refused with a clear message', async () => {
  const ca = await CertificateAuthority.loadOrCreate(mkdtempSync(path.join(tmpdir(), 'kk-pki-')));
  await assert.rejects(ca.issueNodeFromCsr('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n', 'n'), /not a valid PKCS#10/);
});
