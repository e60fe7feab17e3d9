// Ed25519 signing for JWTs through Node's crypto (OpenSSL) instead of nkeys.js's pure-JS
// tweetnacl: the same signatures (Ed25519 is deterministic) at a small fraction of the cost,
// which matters when a fleet of a thousand enrols at once and each node gets a signed JWT.
import { sign } from 'node:crypto';
import type { KeyPair } from 'nkeys.js';
import { ed25519KeyFromSeed, rawNkeySeed } from '../../shared/nats/nkey-native';

export interface JwtSigner {
  getPublicKey(): string;
  sign(input: Uint8Array): Uint8Array;
}

/** The 32-byte Ed25519 seed inside an nkey seed ('S' + type, 2 prefix bytes, 32 bytes, CRC16). */
export function rawSeed(kp: KeyPair): Uint8Array {
  return rawNkeySeed(kp.getSeed()).raw;
}

/** A signer producing the same signatures as `kp.sign`, through OpenSSL. */
export function nativeSigner(kp: KeyPair): JwtSigner {
  const key = ed25519KeyFromSeed(kp.getSeed());
  const publicKey = kp.getPublicKey();
  return {
    getPublicKey: () => publicKey,
    sign: (input) => new Uint8Array(sign(null, input, key)),
  };
}
