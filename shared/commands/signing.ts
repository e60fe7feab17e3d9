// Ed25519 signatures over encoded commands: the coordinator signs with its command-signing key
// (<dataDir>/pki/command-signing.key), every agent verifies with the public key it received at
// enrolment. The signed message is a fixed context string followed by the command bytes, so a
// signature made for a command can never be passed off as a signature over anything else.
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { UserError } from '../errors';

const CONTEXT = Buffer.from('kk.v1.Command\0', 'latin1');

const privateKeys = new Map<string, KeyObject>();
const publicKeys = new Map<string, KeyObject>();

function privateKey(pem: string): KeyObject {
  let k = privateKeys.get(pem);
  if (!k) {
    k = createPrivateKey(pem);
    if (k.asymmetricKeyType !== 'ed25519') throw new UserError(`the command-signing key must be Ed25519, not ${k.asymmetricKeyType}`);
    privateKeys.set(pem, k);
  }
  return k;
}

function publicKey(pem: string): KeyObject {
  let k = publicKeys.get(pem);
  if (!k) {
    k = createPublicKey(pem);
    if (k.asymmetricKeyType !== 'ed25519') throw new UserError(`the command-signing public key must be Ed25519, not ${k.asymmetricKeyType}`);
    publicKeys.set(pem, k);
  }
  return k;
}

/** The coordinator's signature over an encoded Command. */
export function signCommand(commandBytes: Uint8Array, privateKeyPem: string): Uint8Array {
  return sign(null, Buffer.concat([CONTEXT, commandBytes]), privateKey(privateKeyPem));
}

/** True only for a valid Ed25519 signature by the holder of the key matching publicKeyPem. */
export function verifyCommand(commandBytes: Uint8Array, signature: Uint8Array, publicKeyPem: string): boolean {
  if (signature.length !== 64) return false;
  try {
    return verify(null, Buffer.concat([CONTEXT, commandBytes]), publicKey(publicKeyPem), signature);
  } catch {
    return false;
  }
}
