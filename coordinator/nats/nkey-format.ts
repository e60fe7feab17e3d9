// What a NATS user public key looks like: 'U' + 55 base32 characters with a valid CRC.
import { fromPublic } from 'nkeys.js';
import { UserError } from '../../shared/errors';

const USER_NKEY_RE = /^U[A-Z2-7]{55}$/;

/** True for a well-formed nkey *user* public key with a valid checksum. */
export function isUserNkeyPublic(key: string): boolean {
  if (typeof key !== 'string' || !USER_NKEY_RE.test(key)) return false;
  try {
    fromPublic(key);
    return true;
  } catch {
    return false;
  }
}

export function assertUserNkeyPublic(key: string, owner: string): void {
  if (!isUserNkeyPublic(key)) {
    throw new UserError(`${owner}: ${JSON.stringify(String(key).slice(0, 80))} is not an nkey user public key (56 characters starting with 'U')`);
  }
}
