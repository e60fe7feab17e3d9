// What NATS trusts, the same whoever runs nats-server (docs/design.md, "NATS"): the coordinator's
// operator, system and KK account keys (authority.ts), the user JWTs it signs for nodes, and the
// revocations that cut nodes off. Enrolling a node changes nothing on the server; revoking a key
// re-signs the KK account JWT, rewrites auth.conf (for the server's next start) and delivers the
// JWT to the running server — how it gets there is the caller's `deliver` (supervisor.ts pushes to
// its own child once it runs; external.ts to the operator's server).
//
// Files under <dataDir>/nats/ (directory mode 0700):
//   auth.conf          operator, system account, resolver with the account JWTs (auth.ts)
//   *.nk               operator, account and coordinator seeds, mode 0600 (authority.ts)
//   coordinator.creds  the coordinator's JWT + seed in the .creds format, mode 0600
//   revocations.json   nkeys of removed/replaced nodes
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { jwtAuthenticator, type ConnectionOptions } from 'nats';
import type { Logger } from '../../shared/log';
import { COORDINATOR_INBOX_PREFIX } from '../../shared/subjects';
import { pushAccountJwt } from './account-update';
import { renderAuthConfig } from './auth';
import { NatsAuthority, type NatsNodeIdentity } from './authority';
import { writeFileAtomic } from './write-atomic';

export function natsDirOf(dataDir: string): string {
  return path.resolve(dataDir, 'nats');
}

/** Where a server is and the CA its certificate chains to (absent: the system's CAs). */
export interface NatsEndpoint {
  servers: string[];
  caFile?: string;
}

export class NatsTrust {
  readonly natsDir: string;
  readonly authFile: string;
  readonly credsFile: string;
  readonly authority: NatsAuthority;
  private deliveryChain: Promise<void> = Promise.resolve();
  /** The delivery that calls to revokeAndDeliver() join until it starts. */
  private queuedDelivery: Promise<void> | undefined;
  /** The latest delivery scheduled: what a revocation of already-revoked keys waits for. */
  private lastDelivery: Promise<void> = Promise.resolve();
  /** The server may lack revocations on disk (the last delivery failed): the next call delivers again. */
  private deliveryOwed = false;

  constructor(
    dataDir: string,
    private readonly log?: Logger,
  ) {
    this.natsDir = natsDirOf(dataDir);
    mkdirSync(this.natsDir, { recursive: true, mode: 0o700 });
    this.authority = NatsAuthority.open(this.natsDir);
    this.authFile = path.join(this.natsDir, 'auth.conf');
    this.credsFile = path.join(this.natsDir, 'coordinator.creds');
  }

  /** The coordinator's nkey public key (the subject of its user JWT). */
  get coordinatorPublicKey(): string {
    return this.authority.coordinator.publicKey;
  }

  /**
   * (Re)writes auth.conf and coordinator.creds; returns the path of auth.conf. Rewritten on every
   * start: this also converts a data dir from the earlier per-node nkey users (an auth.conf listing
   * users) to JWT trust; see docs/design.md on migration.
   */
  writeFiles(): string {
    writeFileAtomic(this.authFile, renderAuthConfig(this.authority.trust()));
    writeFileAtomic(this.credsFile, this.authority.coordinatorCreds());
    return this.authFile;
  }

  /** A user JWT for this node (see NatsAuthority.userJwt); the server needs no change to accept it. */
  userJwt(node: NatsNodeIdentity): string {
    return this.authority.userJwt(node);
  }

  /** Records the keys as revoked (on disk at once) and rewrites auth.conf if any was new; returns the newly revoked keys. */
  revoke(keys: readonly string[]): string[] {
    const added = this.authority.revoke(keys);
    if (added.length > 0) writeFileAtomic(this.authFile, renderAuthConfig(this.authority.trust()));
    return added;
  }

  /**
   * Cuts these nkeys off: revoke(), then `deliver` gets the re-signed account JWT to the running
   * server; resolves once it did. Calls made while a delivery is in flight share the next one;
   * keys already revoked cost nothing beyond waiting for the latest delivery — unless the last
   * one failed, in which case this call delivers again.
   */
  revokeAndDeliver(keys: readonly string[], deliver: () => Promise<void>): Promise<void> {
    let added: string[];
    try {
      added = this.revoke(keys);
    } catch (err) {
      return Promise.reject(err);
    }
    if (added.length === 0 && !this.deliveryOwed) return this.lastDelivery;
    if (added.length > 0) this.log?.info({ keys: added }, 'revoking NATS keys');
    if (!this.queuedDelivery) {
      const next = this.deliveryChain.then(() => {
        // From here on, new calls queue for the delivery after this one.
        this.queuedDelivery = undefined;
        return deliver().then(
          () => {
            this.deliveryOwed = false;
          },
          (err: unknown) => {
            this.deliveryOwed = true;
            throw err;
          },
        );
      });
      this.queuedDelivery = next;
      this.lastDelivery = next;
      // Keep the chain alive after a failure; the callers still see this delivery's error.
      this.deliveryChain = next.catch(() => undefined);
    }
    return this.queuedDelivery;
  }

  /** Resolves once no delivery is in flight or queued. */
  settled(): Promise<void> {
    return this.deliveryChain;
  }

  /** Pushes the current account JWT (with its revocations) to a running server, as the system account's user. */
  pushAccount(servers: string[], caFile?: string, timeoutMs?: number): Promise<void> {
    return pushAccountJwt(this.systemConnectionOptions({ servers, caFile }), this.authority.kkAccount.publicKey, this.authority.kkAccountJwt(), timeoutMs);
  }

  /** The coordinator's own connection (full rights, JetStream): its user JWT, and the server's CA. */
  coordinatorConnectionOptions(at: NatsEndpoint): ConnectionOptions {
    return {
      servers: at.servers,
      ...tlsOf(at),
      authenticator: jwtAuthenticator(this.authority.coordinatorJwt(), this.authority.coordinator.seed),
      inboxPrefix: COORDINATOR_INBOX_PREFIX,
      name: 'kk-coordinator',
      // The server comes back after a crash or a restart; keep trying instead of giving up.
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    };
  }

  /** The coordinator's system-account user: only for pushing account JWTs. */
  systemConnectionOptions(at: NatsEndpoint): ConnectionOptions {
    return {
      servers: at.servers,
      ...tlsOf(at),
      authenticator: jwtAuthenticator(this.authority.systemUserJwt(), this.authority.systemUser.seed),
    };
  }
}

const tlsOf = (at: NatsEndpoint): Pick<ConnectionOptions, 'tls'> => (at.caFile ? { tls: { caFile: path.resolve(at.caFile) } } : {});
