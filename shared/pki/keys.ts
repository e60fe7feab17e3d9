// Key pairs and hashes both sides need, without the X.509 toolkit: the agent imports only this,
// ./csr.ts and ./tls-name.ts, so @peculiar/x509 stays out of its bundle and its memory.
// kk uses ECDSA P-256 everywhere: fast to generate on small nodes, accepted by Node's TLS.
import { createHash, webcrypto } from 'node:crypto';
import { toPem } from './der';

export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

export const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
export const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;

export interface PemKeyPair {
  keys: CryptoKeyPair;
  privateKeyPem: string;
}

export async function generateKeyPair(): Promise<PemKeyPair> {
  const keys = (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  return { keys, privateKeyPem: await exportPrivateKeyPem(keys.privateKey) };
}

export async function exportPrivateKeyPem(key: CryptoKey): Promise<string> {
  return toPem('PRIVATE KEY', Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key)));
}

/** sha256 of the CA certificate's PEM text as served: what the bootstrap token pins (`sha256sum ca.crt`). */
export function caHash(caPem: string): string {
  return createHash('sha256').update(caPem).digest('hex');
}
