// kk's own nats-server: NatsTrust (trust.ts) for what the server trusts, NatsProcess (process.ts)
// for the child that runs it. Enrolling a node touches nothing here: the node gets a user JWT
// (userJwt) that the server verifies on its own. Removing one (revoke) re-signs the account JWT,
// rewrites auth.conf and pushes the JWT to the running server — never a config reload (see
// account-update.ts for why). An operator-run server (`--nats URL`) is external.ts.
import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { ConnectionOptions } from 'nats';
import type { Logger } from '../../shared/log';
import { pushAccountJwt } from './account-update';
import type { NatsAuthority, NatsNodeIdentity } from './authority';
import type { NatsService } from './nats-service';
import { NatsProcess, clientAddress, type NatsProcessEvents, type NatsProcessOptions } from './process';
import { NatsTrust, type NatsEndpoint } from './trust';

export { clientAddress };

export interface NatsSupervisorOptions {
  /** The coordinator's data dir; everything NATS keeps lives in <dataDir>/nats. */
  dataDir: string;
  /** Address nats-server listens on for clients (agents and the coordinator). */
  host: string;
  port: number;
  /** Where agents reach it; default tls://<the listen address, a wildcard as loopback>. */
  advertiseUrls?: string[];
  /** Server certificate for the client port, and the CA that signed it (for our own connection). */
  tls: { certFile: string; keyFile: string; caFile: string };
  log: Logger;
  binary?: NatsProcessOptions['binary'];
  readyTimeoutMs?: NatsProcessOptions['readyTimeoutMs'];
  stopGraceMs?: NatsProcessOptions['stopGraceMs'];
  restartBackoff?: NatsProcessOptions['restartBackoff'];
}

export type NatsSupervisorEvents = NatsProcessEvents;

/** How the coordinator logs each revocation it pushed to the server. */
export const ACCOUNT_UPDATE_LOG_MESSAGE = 'nats-server took the re-signed account JWT';

export class NatsSupervisor extends EventEmitter<NatsSupervisorEvents> implements NatsService {
  readonly urls: readonly string[];
  private readonly log: Logger;
  private readonly local: NatsEndpoint;
  private trustCache: NatsTrust | undefined;
  private readonly process: NatsProcess;
  private accountUpdateCount = 0;

  constructor(private readonly opts: NatsSupervisorOptions) {
    super();
    this.log = opts.log;
    this.local = { servers: [clientAddress(opts.host, opts.port)], caFile: opts.tls.caFile };
    this.urls = opts.advertiseUrls ?? [`tls://${clientAddress(opts.host, opts.port)}`];
    this.process = new NatsProcess({
      natsDir: path.resolve(opts.dataDir, 'nats'),
      host: opts.host,
      port: opts.port,
      tls: { certFile: opts.tls.certFile, keyFile: opts.tls.keyFile },
      authInclude: 'auth.conf',
      readyProbe: () => this.coordinatorConnectionOptions(),
      log: opts.log,
      binary: opts.binary,
      readyTimeoutMs: opts.readyTimeoutMs,
      stopGraceMs: opts.stopGraceMs,
      restartBackoff: opts.restartBackoff,
    });
    this.process.on('restarted', (info) => this.emit('restarted', info));
    this.process.on('exited', (info) => this.emit('exited', info));
  }

  /** The keys, JWTs and revocations (loaded from <dataDir>/nats on first use). */
  get trust(): NatsTrust {
    this.trustCache ??= new NatsTrust(this.opts.dataDir, this.log);
    return this.trustCache;
  }

  get authority(): NatsAuthority {
    return this.trust.authority;
  }

  /** The running nats-server's pid, if one is running. */
  get pid(): number | undefined {
    return this.process.pid;
  }

  /** The coordinator's nkey public key (the subject of its user JWT). */
  get coordinatorPublicKey(): string {
    return this.trust.coordinatorPublicKey;
  }

  get authConfigPath(): string {
    return this.trust.authFile;
  }

  /** How many account JWT updates this supervisor pushed (one per batch of revocations). */
  get accountUpdates(): number {
    return this.accountUpdateCount;
  }

  userJwt(node: NatsNodeIdentity): string {
    return this.trust.userJwt(node);
  }

  /** Writes the trust files and nats.conf, starts nats-server and resolves once it accepts our authenticated connection. */
  start(): Promise<void> {
    if (this.process.state !== 'stopped') return Promise.reject(new Error(`NatsSupervisor.start() called while ${this.process.state}`));
    try {
      this.trust.writeFiles();
    } catch (err) {
      return Promise.reject(err);
    }
    return this.process.start();
  }

  /**
   * Cuts these nkeys off: records them as revoked (on disk at once), re-signs the KK account JWT,
   * rewrites auth.conf and pushes the JWT to the running server; resolves once the server says it
   * applied it. The server then closes those keys' live connections ("User Authentication
   * Revoked") and refuses their JWTs from then on; nobody else is disconnected. Calls made while
   * an update is in flight share the next one (NatsTrust.revokeAndDeliver).
   */
  revoke(keys: readonly string[]): Promise<void> {
    return this.trust.revokeAndDeliver(keys, () => this.pushToChild());
  }

  coordinatorConnectionOptions(): ConnectionOptions {
    return this.trust.coordinatorConnectionOptions(this.local);
  }

  /** SIGTERM, then SIGKILL after the grace period; an account update in flight finishes first. */
  stop(): Promise<void> {
    return this.process.stop(() => this.trust.settled());
  }

  private async pushToChild(): Promise<void> {
    // auth.conf already carries the revocations to any server started later (NatsTrust.revoke).
    const state = this.process.state;
    if (state === 'stopped' || state === 'stopping') return;
    // A server being (re)started may have read auth.conf before the write: push once it is up.
    if (state !== 'running') await this.process.whenRunning();
    const authority = this.trust.authority;
    try {
      await pushAccountJwt(
        this.trust.systemConnectionOptions(this.local),
        authority.kkAccount.publicKey,
        authority.kkAccountJwt(),
        this.process.readyTimeoutMs,
      );
    } catch (err) {
      // A server that died meanwhile comes back reading the new auth.conf.
      const now = this.process.state;
      if (now === 'restarting' || now === 'starting') return this.process.whenRunning();
      throw err;
    }
    this.accountUpdateCount += 1;
    this.log.info({ revoked: authority.revokedCount, updates: this.accountUpdateCount }, ACCOUNT_UPDATE_LOG_MESSAGE);
  }
}
