// NATS user nkeys through Node's crypto (OpenSSL) rather than nkeys.js's pure-JS tweetnacl. The
// encodings are nkeys.js's own (its Codec); only the Ed25519 arithmetic moves. tweetnacl needs
// ~5–10 ms of CPU per key derivation or signature, paid at every enrolment and every NATS
// (re)connect — on a node that is noise, on a machine running a thousand simulated nodes, or a
// small ARM board, it is most of the work. Ed25519 is deterministic: the signatures are identical.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { Prefix } from 'nkeys.js';
import { Codec } from 'nkeys.js/lib/codec';
import type { Authenticator } from 'nats';

// DER framing of Ed25519 keys around their 32 raw bytes (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX_LENGTH = 12;

export interface UserNkey {
  /** The nkey seed ('SU…'), as nkeys.js encodes it. */
  seed: string;
  /** The public key ('U…', 56 characters). */
  publicKey: string;
}

function publicKeyOf(key: KeyObject): string {
  const raw = createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX_LENGTH);
  return new TextDecoder().decode(Codec.encode(Prefix.User, raw));
}

/** A fresh user nkey pair. */
export function createUserNkey(): UserNkey {
  const { privateKey } = generateKeyPairSync('ed25519');
  const raw = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_PREFIX.length);
  return { seed: new TextDecoder().decode(Codec.encodeSeed(Prefix.User, raw)), publicKey: publicKeyOf(privateKey) };
}

/** The 32 raw Ed25519 seed bytes inside an nkey seed of any kind ('SU…', 'SA…', 'SO…'), and its kind. */
export function rawNkeySeed(seed: string | Uint8Array): { prefix: Prefix; raw: Uint8Array } {
  const decoded = Codec.decodeSeed(typeof seed === 'string' ? new TextEncoder().encode(seed) : seed);
  return { prefix: decoded.prefix, raw: decoded.buf };
}

/** The OpenSSL signing key for an nkey seed of any kind. */
export function ed25519KeyFromSeed(seed: string | Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, rawNkeySeed(seed).raw]), format: 'der', type: 'pkcs8' });
}

/** The signing key and public key of a user seed ('SU…'); throws on anything else. */
export function userNkeyFromSeed(seed: string): { key: KeyObject; publicKey: string } {
  if (rawNkeySeed(seed).prefix !== Prefix.User) throw new Error('not an nkey user seed');
  const key = ed25519KeyFromSeed(seed);
  return { key, publicKey: publicKeyOf(key) };
}

/**
 * What nats.js's nkeyAuthenticator / jwtAuthenticator send — {nkey, sig} or {jwt, nkey, sig},
 * sig = base64 of the Ed25519 signature over the server's nonce — with the key derived once.
 * `jwt` is asked at every (re)connect so that a JWT fetched later applies to the next attempt.
 */
export function nativeNkeyAuthenticator(seed: string, jwt: () => string | undefined = () => undefined): Authenticator {
  const { key, publicKey } = userNkeyFromSeed(seed);
  return (nonce?: string) => {
    const sig = nonce ? sign(null, Buffer.from(nonce, 'utf8'), key).toString('base64') : '';
    const token = jwt();
    return token ? { jwt: token, nkey: publicKey, sig } : { nkey: publicKey, sig };
  };
}
