// The KK account's revocation list, kept in <dataDir>/nats/revocations.json. User JWTs never
// expire (a node holds its JWT for as long as it is enrolled), so cutting a node off means naming
// its nkey here: the account JWT carries the list and nats-server refuses, and disconnects, every
// user JWT for a listed key issued at or before the listed second. Entries are never dropped: the
// removed machine may keep its old JWT forever.
import { existsSync, readFileSync } from 'node:fs';
import { UserError, errorMessage } from '../../shared/errors';
import { isUserNkeyPublic } from './nkey-format';
import { writeFileAtomic } from './write-atomic';

interface RevocationFile {
  version: 1;
  /** nkey user public key → unix seconds of the revocation. */
  revoked: Record<string, number>;
}

export class RevocationList {
  private readonly revoked = new Map<string, number>();

  private constructor(private readonly file: string) {}

  static load(file: string): RevocationList {
    const list = new RevocationList(file);
    if (!existsSync(file)) return list;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new UserError(`${file}: not valid JSON (${errorMessage(err)}); it lists the NATS keys of removed nodes, restore it from a backup`);
    }
    const v = parsed as Partial<RevocationFile> | null;
    if (!v || v.version !== 1 || typeof v.revoked !== 'object' || v.revoked === null || Array.isArray(v.revoked)) {
      throw new UserError(`${file}: expected {"version": 1, "revoked": {"<nkey>": <unix seconds>, …}}`);
    }
    for (const [key, at] of Object.entries(v.revoked)) {
      if (!isUserNkeyPublic(key)) throw new UserError(`${file}: ${JSON.stringify(key.slice(0, 80))} is not an nkey user public key`);
      if (!Number.isSafeInteger(at) || at < 0) throw new UserError(`${file}: revoked.${key} must be unix seconds, got ${JSON.stringify(at)}`);
      list.revoked.set(key, at);
    }
    return list;
  }

  has(key: string): boolean {
    return this.revoked.has(key);
  }

  get size(): number {
    return this.revoked.size;
  }

  /** The list as the account JWT's `revocations` claim. */
  toClaim(): Record<string, number> {
    return Object.fromEntries(this.revoked);
  }

  /** Adds the keys not listed yet (as of `nowSec`), saves the file; returns the keys added. */
  add(keys: readonly string[], nowSec = Math.floor(Date.now() / 1000)): string[] {
    const added: string[] = [];
    for (const key of keys) {
      if (!isUserNkeyPublic(key)) throw new UserError(`cannot revoke ${JSON.stringify(String(key).slice(0, 80))}: not an nkey user public key`);
      if (this.revoked.has(key)) continue;
      this.revoked.set(key, nowSec);
      added.push(key);
    }
    if (added.length > 0) {
      const body: RevocationFile = { version: 1, revoked: this.toClaim() };
      writeFileAtomic(this.file, `${JSON.stringify(body, null, 1)}\n`);
    }
    return added;
  }
}
