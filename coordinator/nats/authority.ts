// The coordinator as a NATS JWT issuer (nats-server "operator mode"). It owns, under <dataDir>/nats/:
//   operator.nk         the operator key: signs the two account JWTs (the operator JWT signs itself)
//   system-account.nk   the system account (nats-server's own; kk issues no users in it)
//   kk-account.nk       the KK account, JetStream enabled: signs every user JWT
//   coordinator.nk      the coordinator's own user key (full rights in KK)
//   system-user.nk      the coordinator's user in the system account: pushes account JWT updates
//   revocations.json    nkeys of removed or replaced nodes (revocations.ts)
//   operator.jwt, system-account.jwt
//                       signed once and kept: nats-server cannot reload a changed operator, so
//                       these must stay byte-identical across coordinator restarts
//
// A node's user JWT names the nkey public key the node generated (the seed never leaves the node)
// and carries exactly nodePermissions(node). nats-server checks the JWT against the KK account key
// in its preloaded account JWT and the connection's nonce signature against the JWT's subject, so
// adding a node needs no change on the server at all. Removing one re-signs the account JWT with
// the node's key in `revocations` and hands it to the server (account-update.ts).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../shared/errors';
import { assertNodeName, nodePermissions } from '../../shared/subjects';
import { loadOrCreateNkey, type StoredNkey } from './coordinator-key';
import { accountClaim, decodeJwt, encodeJwt, nodeUserClaim, operatorClaim, unrestrictedUserClaim, type AnyClaim, type JwtClaims } from './jwt';
import { assertUserNkeyPublic } from './nkey-format';
import { RevocationList } from './revocations';
import { nativeSigner, type JwtSigner } from './signer';
import { writeFileAtomic } from './write-atomic';

export const KK_ACCOUNT = 'KK';
export const SYSTEM_ACCOUNT = 'SYS';
export const OPERATOR_NAME = 'kk';

export interface NatsNodeIdentity {
  /** The node name (validated as in shared/subjects). */
  name: string;
  /** The node's nkey public key (user key, 'U…', 56 characters). */
  nkeyPublic: string;
}

/** What nats-server needs to trust the coordinator's JWTs (rendered by auth.ts). */
export interface TrustConfig {
  operatorJwt: string;
  systemAccount: { publicKey: string; jwt: string };
  kkAccount: { publicKey: string; jwt: string };
}

export class NatsAuthority {
  readonly operator: StoredNkey;
  readonly systemAccount: StoredNkey;
  readonly kkAccount: StoredNkey;
  readonly coordinator: StoredNkey;
  readonly systemUser: StoredNkey;
  private readonly revocations: RevocationList;
  private readonly operatorSigner: JwtSigner;
  private readonly accountSigner: JwtSigner;
  private readonly systemSigner: JwtSigner;
  private coordinatorJwtCache: string | undefined;
  private readonly operatorJwt: string;
  private readonly systemAccountJwt: string;

  private constructor(natsDir: string) {
    const f = (n: string) => path.join(natsDir, n);
    this.operator = loadOrCreateNkey(f('operator.nk'), 'operator');
    this.systemAccount = loadOrCreateNkey(f('system-account.nk'), 'account');
    this.kkAccount = loadOrCreateNkey(f('kk-account.nk'), 'account');
    this.coordinator = loadOrCreateNkey(f('coordinator.nk'), 'user');
    this.systemUser = loadOrCreateNkey(f('system-user.nk'), 'user');
    this.revocations = RevocationList.load(f('revocations.json'));
    this.operatorSigner = nativeSigner(this.operator.keyPair);
    this.accountSigner = nativeSigner(this.kkAccount.keyPair);
    this.systemSigner = nativeSigner(this.systemAccount.keyPair);
    const op = this.operator.publicKey;
    const sys = this.systemAccount.publicKey;
    this.operatorJwt = keptJwt(
      f('operator.jwt'),
      (c) => c.iss === op && c.sub === op && c.nats.type === 'operator' && c.nats.system_account === sys,
      () => encodeJwt(this.operatorSigner, op, OPERATOR_NAME, operatorClaim(sys)),
    );
    this.systemAccountJwt = keptJwt(
      f('system-account.jwt'),
      (c) => c.iss === op && c.sub === sys && c.nats.type === 'account',
      () => encodeJwt(this.operatorSigner, sys, SYSTEM_ACCOUNT, accountClaim({ jetstream: false })),
    );
  }

  /** Loads the keys in `natsDir` (<dataDir>/nats), creating those that do not exist yet. */
  static open(natsDir: string): NatsAuthority {
    return new NatsAuthority(natsDir);
  }

  /**
   * A user JWT for a node: subject its own nkey, permissions nodePermissions(name). Refuses keys
   * that are revoked or are the coordinator's, so a removed node's key cannot come back.
   */
  userJwt(node: NatsNodeIdentity): string {
    assertNodeName(node.name);
    assertUserNkeyPublic(node.nkeyPublic, `node ${node.name}`);
    if (node.nkeyPublic === this.coordinator.publicKey || node.nkeyPublic === this.systemUser.publicKey) {
      throw new UserError(`node ${node.name} has the same NATS nkey as the coordinator; every node needs its own key`);
    }
    if (this.revocations.has(node.nkeyPublic)) {
      throw new UserError(`node ${node.name}: this NATS nkey belonged to a removed or replaced node and is revoked; enrol with a new key`);
    }
    return encodeJwt(this.accountSigner, node.nkeyPublic, node.name, nodeUserClaim(nodePermissions(node.name)));
  }

  /** The coordinator's own user JWT (no permission limits; it owns JetStream). */
  coordinatorJwt(): string {
    this.coordinatorJwtCache ??= encodeJwt(this.accountSigner, this.coordinator.publicKey, 'kk-coordinator', unrestrictedUserClaim());
    return this.coordinatorJwtCache;
  }

  /** The coordinator's user in the system account (only for account JWT updates). */
  systemUserJwt(): string {
    return encodeJwt(this.systemSigner, this.systemUser.publicKey, 'kk-coordinator-system', unrestrictedUserClaim());
  }

  /** The current KK account JWT (with the revocations), as trust() has it. */
  kkAccountJwt(): string {
    return encodeJwt(this.operatorSigner, this.kkAccount.publicKey, KK_ACCOUNT, accountClaim({ jetstream: true, revocations: this.revocations.toClaim() }));
  }

  /** The coordinator's credentials in the NATS .creds format (for `nats --creds` and tests). */
  coordinatorCreds(): string {
    return credsFile(this.coordinatorJwt(), this.coordinator.seed);
  }

  isRevoked(nkeyPublic: string): boolean {
    return this.revocations.has(nkeyPublic);
  }

  get revokedCount(): number {
    return this.revocations.size;
  }

  /**
   * Records these keys as revoked (saved at once); returns the ones that were not revoked yet.
   * The server enforces them only once it has the re-signed account JWT (trust()).
   */
  revoke(keys: readonly string[]): string[] {
    if (keys.includes(this.coordinator.publicKey) || keys.includes(this.systemUser.publicKey))
      throw new UserError("refusing to revoke the coordinator's own NATS key");
    return this.revocations.add(keys);
  }

  /** The operator JWT and both account JWTs, the KK one carrying the current revocations. */
  trust(): TrustConfig {
    return {
      operatorJwt: this.operatorJwt,
      systemAccount: { publicKey: this.systemAccount.publicKey, jwt: this.systemAccountJwt },
      kkAccount: { publicKey: this.kkAccount.publicKey, jwt: this.kkAccountJwt() },
    };
  }
}

/** The JWT in `file` if it verifies and still fits the keys, else a fresh one saved there. */
function keptJwt(file: string, fits: (c: JwtClaims<AnyClaim> & { nats: { system_account?: string } }) => boolean, sign: () => string): string {
  if (existsSync(file)) {
    try {
      const jwt = readFileSync(file, 'utf8').trim();
      if (fits(decodeJwt(jwt))) return jwt;
    } catch {
      // Unreadable or stale (keys replaced): sign anew below.
    }
  }
  const jwt = sign();
  writeFileAtomic(file, `${jwt}\n`);
  return jwt;
}

/** The .creds layout the NATS tools and clients read: the JWT, then the seed. */
export function credsFile(jwt: string, seed: Uint8Array): string {
  return (
    `-----BEGIN NATS USER JWT-----\n${jwt}\n------END NATS USER JWT------\n\n` +
    '************************* IMPORTANT *************************\n' +
    'NKEY Seed printed below can be used to sign and prove identity.\n' +
    'NKEYs are sensitive and should be treated as secrets.\n\n' +
    `-----BEGIN USER NKEY SEED-----\n${new TextDecoder().decode(seed)}\n------END USER NKEY SEED------\n\n` +
    '*************************************************************\n'
  );
}
