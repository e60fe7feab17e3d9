// nkey seeds the coordinator keeps under <dataDir>/nats/ (each mode 0600): its own NATS user
// (coordinator.nk) and, for decentralized auth, the operator and the two accounts that sign the
// JWTs (see authority.ts). Created on first use and reused afterwards, so JWTs issued before a
// restart stay valid after it.
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, linkSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createAccount, createOperator, createUser, fromSeed, type KeyPair } from 'nkeys.js';
import { UserError, errorMessage } from '../../shared/errors';

export type NkeyKind = 'user' | 'account' | 'operator';

const KINDS: Record<NkeyKind, { seedPrefix: string; create: () => KeyPair }> = {
  user: { seedPrefix: 'SU', create: createUser },
  account: { seedPrefix: 'SA', create: createAccount },
  operator: { seedPrefix: 'SO', create: createOperator },
};

export interface StoredNkey {
  seed: Uint8Array;
  publicKey: string;
  keyPair: KeyPair;
}

/** The coordinator's own NATS user key. */
export type CoordinatorNkey = StoredNkey;

function parseSeed(text: string, file: string, kind: NkeyKind): StoredNkey {
  const seedText = text.trim();
  let kp: KeyPair;
  try {
    if (!seedText.startsWith(KINDS[kind].seedPrefix)) throw new Error(`not an ${kind} seed`);
    kp = fromSeed(new TextEncoder().encode(seedText));
  } catch (err) {
    throw new UserError(`${file}: not a valid nkey ${kind} seed (${errorMessage(err)}); move it away to generate a new key`);
  }
  return { seed: new TextEncoder().encode(seedText), publicKey: kp.getPublicKey(), keyPair: kp };
}

/** Reads the seed at `file`, creating it (0600, atomically) if it does not exist. */
export function loadOrCreateNkey(file: string, kind: NkeyKind): StoredNkey {
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new UserError(`cannot read ${file}: ${errorMessage(err)}`);
  }
  if (text !== undefined) {
    // A seed readable by others is a credential leak waiting to happen; tighten it rather than fail.
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return parseSeed(text, file, kind);
  }
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const seed = new TextDecoder().decode(KINDS[kind].create().getSeed());
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${seed}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  // link() refuses to replace an existing file, so two coordinators starting at once agree on one key.
  try {
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new UserError(`cannot write ${file}: ${errorMessage(err)}`);
  } finally {
    unlinkSync(tmp);
  }
  return parseSeed(readFileSync(file, 'utf8'), file, kind);
}

export function loadOrCreateCoordinatorNkey(file: string): CoordinatorNkey {
  return loadOrCreateNkey(file, 'user');
}
