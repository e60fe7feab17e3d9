// Ed25519 signing for JWTs through Node's crypto (OpenSSL) instead of nkeys.js's pure-JS
// tweetnacl: the same signatures (Ed25519 is deterministic) at a small fraction of the cost,
// which matters when a fleet of a thousand enrols at once and each node gets a signed JWT.
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import type { KeyPair } from 'nkeys.js';

export interface JwtSigner {
  getPublicKey(): string;
  sign(input: Uint8Array): Uint8Array;
}

// DER of a PKCS#8 Ed25519 private key up to the 32 raw seed bytes (RFC 8410).
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32Decode(text: string): Uint8Array {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of text) {
    const v = BASE32.indexOf(ch);
    if (v < 0) throw new Error('not base32');
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Uint8Array.from(out);
}

/** The 32-byte Ed25519 seed inside an nkey seed ('S' + type, 2 prefix bytes, 32 bytes, CRC16). */
export function rawSeed(kp: KeyPair): Uint8Array {
  const decoded = base32Decode(new TextDecoder().decode(kp.getSeed()));
  if (decoded.length !== 36) throw new Error('unexpected nkey seed length');
  return decoded.subarray(2, 34);
}

/** A signer producing the same signatures as `kp.sign`, through OpenSSL. */
export function nativeSigner(kp: KeyPair): JwtSigner {
  const key: KeyObject = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, rawSeed(kp)]), format: 'der', type: 'pkcs8' });
  const publicKey = kp.getPublicKey();
  return {
    getPublicKey: () => publicKey,
    sign: (input) => new Uint8Array(sign(null, input, key)),
  };
}
