// The coordinator's own NATS identity: an nkey user seed kept in <dataDir>/nats/coordinator.nk
// (mode 0600). Created on first use, reused afterwards so auth.conf stays valid across restarts.
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, linkSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createUser, fromSeed, type KeyPair } from 'nkeys.js';
import { UserError, errorMessage } from '../../shared/errors';

export interface CoordinatorNkey {
  seed: Uint8Array;
  publicKey: string;
}

function parseSeed(text: string, file: string): CoordinatorNkey {
  const seedText = text.trim();
  let kp: KeyPair;
  try {
    if (!seedText.startsWith('SU')) throw new Error('not a user seed');
    kp = fromSeed(new TextEncoder().encode(seedText));
  } catch (err) {
    throw new UserError(`${file}: not a valid nkey user seed (${errorMessage(err)}); move it away to generate a new coordinator key`);
  }
  return { seed: new TextEncoder().encode(seedText), publicKey: kp.getPublicKey() };
}

/** Reads the seed at `file`, creating it (0600, atomically) if it does not exist. */
export function loadOrCreateCoordinatorNkey(file: string): CoordinatorNkey {
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new UserError(`cannot read ${file}: ${errorMessage(err)}`);
  }
  if (text !== undefined) {
    // A seed readable by others is a credential leak waiting to happen; tighten it rather than fail.
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return parseSeed(text, file);
  }
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const kp = createUser();
  const seed = new TextDecoder().decode(kp.getSeed());
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
  return parseSeed(readFileSync(file, 'utf8'), file);
}
