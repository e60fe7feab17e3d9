// X.509 plumbing shared by both sides, on @peculiar/x509 over Node's WebCrypto.
// kk uses ECDSA P-256 everywhere: fast to generate on small nodes, accepted by Node's TLS.
import 'reflect-metadata';
import { webcrypto, createHash, X509Certificate as NodeX509 } from 'node:crypto';
import * as x509 from '@peculiar/x509';

export type { CryptoKey, CryptoKeyPair, PemKeyPair } from './keys';
export { KEY_ALGORITHM, SIGNING_ALGORITHM, generateKeyPair, exportPrivateKeyPem, caHash } from './keys';
export { createCsr } from './csr';
import { KEY_ALGORITHM } from './keys';
import type { CryptoKeyPair } from './keys';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { COORDINATOR_TLS_NAME } from './tls-name';

export async function importKeyPairPem(privateKeyPem: string, certificatePem: string): Promise<CryptoKeyPair> {
  const der = x509.PemConverter.decode(privateKeyPem)[0];
  if (!der) throw new Error('no private key in PEM');
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der, KEY_ALGORITHM, true, ['sign']);
  const publicKey = await new x509.X509Certificate(certificatePem).publicKey.export(KEY_ALGORITHM, ['verify']);
  return { privateKey, publicKey };
}

/** RFC 4514 escaping, so a node name can never inject extra RDNs. */
export function escapeDnValue(value: string): string {
  return value.replace(/[,+"\\<>;=#]/g, (c) => `\\${c}`);
}

/** curl's --pinnedpubkey form: sha256// + base64 of the DER SubjectPublicKeyInfo. */
export function publicKeyPin(certPem: string): string {
  const spki = new NodeX509(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256//${createHash('sha256').update(spki).digest('base64')}`;
}

/** Colon-free upper-case hex sha256 of a certificate's DER, comparable with tls PeerCertificate.fingerprint256. */
export function certFingerprint(certPem: string): string {
  return new NodeX509(certPem).fingerprint256.replace(/:/g, '').toUpperCase();
}

export function normaliseFingerprint(fp: string): string {
  return fp.replace(/:/g, '').toUpperCase();
}

export { x509 };
