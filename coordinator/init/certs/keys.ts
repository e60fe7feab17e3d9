// Keys for the cluster certificates. KubeKey makes RSA 2048 keys (kubeadm, etcd and Harbor all
// expect them); keys supplied by the operator may be RSA or ECDSA, PKCS#1, SEC1 or PKCS#8 PEM —
// Node's parser reads them all, WebCrypto (which @peculiar/x509 signs with) gets them as PKCS#8.
import { createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { exportPrivateKeyPem } from '../../../shared/pki/x509';
import type { CryptoKey, CryptoKeyPair } from '../../../shared/pki/x509';

export const RSA_KEY = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' } as const;

export type SigningAlgorithm = { name: 'RSASSA-PKCS1-v1_5'; hash: 'SHA-256' } | { name: 'ECDSA'; hash: 'SHA-256' | 'SHA-384' };

export interface SigningKey {
  keys: CryptoKeyPair;
  /** How certificates signed with this key are signed. */
  algorithm: SigningAlgorithm;
  privateKeyPem: string;
}

export async function generateRsaKey(): Promise<SigningKey> {
  const keys = (await webcrypto.subtle.generateKey(RSA_KEY, true, ['sign', 'verify'])) as CryptoKeyPair;
  return { keys, algorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, privateKeyPem: await exportPrivateKeyPem(keys.privateKey) };
}

/** Parses a private key PEM (throws with Node's reason when it is not one). */
export function parsePrivateKey(pem: string): KeyObject {
  return createPrivateKey({ key: pem, format: 'pem' });
}

const CURVES: Record<string, { webcrypto: 'P-256' | 'P-384'; hash: 'SHA-256' | 'SHA-384' }> = {
  prime256v1: { webcrypto: 'P-256', hash: 'SHA-256' },
  secp384r1: { webcrypto: 'P-384', hash: 'SHA-384' },
};

/** An existing key as a WebCrypto pair able to sign certificates. */
export async function importSigningKey(pem: string): Promise<SigningKey> {
  const key = parsePrivateKey(pem);
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const subtle = webcrypto.subtle;
  if (key.asymmetricKeyType === 'rsa') {
    const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
    const privateKey: CryptoKey = await subtle.importKey('pkcs8', pkcs8, alg, true, ['sign']);
    const publicKey: CryptoKey = await subtle.importKey('spki', spki, alg, true, ['verify']);
    return { keys: { privateKey, publicKey }, algorithm: alg, privateKeyPem: pem };
  }
  const curve = key.asymmetricKeyType === 'ec' ? CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''] : undefined;
  if (!curve)
    throw new Error(
      `unsupported key type ${key.asymmetricKeyType ?? 'unknown'}${key.asymmetricKeyDetails?.namedCurve ? ` (${key.asymmetricKeyDetails.namedCurve})` : ''}; use RSA or ECDSA P-256/P-384`,
    );
  const alg = { name: 'ECDSA', namedCurve: curve.webcrypto } as const;
  const privateKey: CryptoKey = await subtle.importKey('pkcs8', pkcs8, alg, true, ['sign']);
  const publicKey: CryptoKey = await subtle.importKey('spki', spki, alg, true, ['verify']);
  return { keys: { privateKey, publicKey }, algorithm: { name: 'ECDSA', hash: curve.hash }, privateKeyPem: pem };
}
