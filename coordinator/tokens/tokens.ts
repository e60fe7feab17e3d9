// Bootstrap tokens in kubeadm's form `[a-z0-9]{6}.[a-z0-9]{16}`: the id is public (listing,
// revoking), the secret is stored only as a sha256 — a stolen state file enrols nobody.
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { JsonStore } from '../state/json-store';

export interface TokenRecord {
  id: string;
  secretSha256: string;
  createdAtMs: number;
  expiresAtMs: number; // 0: never
  usesAllowed: number; // 0: unlimited
  usesCount: number;
  revoked: boolean;
  description: string;
}

export type TokenStatus = 'valid' | 'expired' | 'used-up' | 'revoked';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const TOKEN_RE = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;

function randomString(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export class TokenRefused extends Error {}

export class TokenStore {
  private readonly store: JsonStore<{ tokens: TokenRecord[] }>;

  constructor(
    stateDir: string,
    private readonly now: () => number = Date.now,
  ) {
    this.store = new JsonStore(
      path.join(stateDir, 'tokens.json'),
      () => ({ tokens: [] }),
      (raw) => {
        const v = raw as { tokens?: unknown };
        if (!v || !Array.isArray(v.tokens)) throw new Error('tokens.json: expected {"tokens": [...]}');
        return { tokens: v.tokens as TokenRecord[] };
      },
    );
  }

  create(opts: { ttlMs: number; uses: number; description?: string }): { record: TokenRecord; token: string } {
    const id = randomString(6);
    const secret = randomString(16);
    const now = this.now();
    const record: TokenRecord = {
      id,
      secretSha256: sha256(secret),
      createdAtMs: now,
      expiresAtMs: opts.ttlMs > 0 ? now + opts.ttlMs : 0,
      usesAllowed: opts.uses,
      usesCount: 0,
      revoked: false,
      description: opts.description ?? '',
    };
    this.store.update((s) => {
      s.tokens.push(record);
    });
    return { record, token: `${id}.${secret}` };
  }

  /** Resolves once every change is on disk. */
  flushed(): Promise<void> {
    return this.store.flushed();
  }

  flushSync(): void {
    this.store.flushSync();
  }

  list(): TokenRecord[] {
    return [...this.store.get().tokens];
  }

  status(t: TokenRecord): TokenStatus {
    if (t.revoked) return 'revoked';
    if (t.expiresAtMs !== 0 && this.now() >= t.expiresAtMs) return 'expired';
    if (t.usesAllowed !== 0 && t.usesCount >= t.usesAllowed) return 'used-up';
    return 'valid';
  }

  revoke(id: string): TokenRecord | undefined {
    const t = this.store.get().tokens.find((x) => x.id === id);
    if (t)
      this.store.update(() => {
        t.revoked = true;
      });
    return t;
  }

  /**
   * Checks a presented token and, when `consume`, counts one use. The reason in the refusal is
   * for the coordinator's log and the node's error; it never says whether the id exists with
   * another secret.
   */
  redeem(presented: string, consume = true): TokenRecord {
    const m = TOKEN_RE.exec(presented);
    if (!m) throw new TokenRefused('malformed token: expected [a-z0-9]{6}.[a-z0-9]{16}');
    const t = this.store.get().tokens.find((x) => x.id === m[1]);
    const given = Buffer.from(sha256(m[2] ?? ''));
    if (!t || !timingSafeEqual(given, Buffer.from(t.secretSha256))) throw new TokenRefused('unknown token');
    const status = this.status(t);
    if (status !== 'valid') throw new TokenRefused(`token ${t.id} is ${status}`);
    if (consume)
      this.store.update(() => {
        t.usesCount += 1;
      });
    return t;
  }
}

/** `<ca-hash>::<id>.<secret>` → its parts; the CA hash lets a node verify the coordinator first. */
export function splitJoinToken(full: string): { caHash: string; token: string } {
  const i = full.indexOf('::');
  if (i < 0) throw new TokenRefused('the token must have the form <ca-hash>::<id>.<secret>');
  return { caHash: full.slice(0, i), token: full.slice(i + 2) };
}
