// X.509 plumbing shared by both sides, on @peculiar/x509 over Node's WebCrypto.
// kk uses ECDSA P-256 everywhere: fast to generate on small nodes, accepted by Node's TLS.
import 'reflect-metadata';
import { webcrypto, createHash, X509Certificate as NodeX509 } from 'node:crypto';
import * as x509 from '@peculiar/x509';

export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { COORDINATOR_TLS_NAME } from './tls-name';

export const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
export const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;

export interface PemKeyPair { keys: CryptoKeyPair; privateKeyPem: string }

export async function generateKeyPair(): Promise<PemKeyPair> {
  const keys = (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  return { keys, privateKeyPem: await exportPrivateKeyPem(keys.privateKey) };
}

export async function exportPrivateKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY') + '\n';
}

export async function importKeyPairPem(privateKeyPem: string, certificatePem: string): Promise<CryptoKeyPair> {
  const der = x509.PemConverter.decode(privateKeyPem)[0];
  if (!der) throw new Error('no private key in PEM');
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der, KEY_ALGORITHM, true, ['sign']);
  const publicKey = await new x509.X509Certificate(certificatePem).publicKey.export(KEY_ALGORITHM, ['verify']);
  return { privateKey, publicKey };
}

export async function createCsr(keys: CryptoKeyPair, commonName: string): Promise<string> {
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${escapeDnValue(commonName)}`,
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
  });
  return csr.toString('pem') + '\n';
}

/** RFC 4514 escaping, so a node name can never inject extra RDNs. */
export function escapeDnValue(value: string): string {
  return value.replace(/[,+"\\<>;=#]/g, (c) => `\\${c}`);
}

/** sha256 of the CA certificate's PEM text as served: what the bootstrap token pins (`sha256sum ca.crt`). */
export function caHash(caPem: string): string {
  return createHash('sha256').update(caPem).digest('hex');
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
