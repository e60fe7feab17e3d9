// An operator-run nats-server (`kk-coordinator serve --nats URL`): kk does not start or reload it,
// but still owns the authorization, as JWT trust (trust.ts). The coordinator writes
// <dataDir>/nats/auth.conf (operator JWT, system account, `resolver: MEMORY` with the account JWTs
// preloaded; see auth.ts) and the operator's config has, at top level,
//   include "<path of auth.conf RELATIVE to the directory of their config file>"
// (nats-server 2.9 joins every include path onto that directory, even an absolute one, so
// "/var/lib/kk/nats/auth.conf" from /etc/nats/nats.conf must be written
// "../../var/lib/kk/nats/auth.conf"). That puts their server in operator mode: it must not also
// define `accounts`, `authorization` or `no_auth_user`, and it must run JetStream (the KK account
// has it enabled).
//
// Enrolling a node changes nothing on their server: the node brings a user JWT signed by the KK
// account key. Removing or replacing a node puts its key in the account's revocations: kk
// rewrites auth.conf (for their next start) and pushes the re-signed account JWT to the running
// server through the system account (account-update.ts), so no reload is needed. If that push
// fails, kk logs it and the operator must reload (`nats-server --signal reload`) — which on 2.9
// also makes every client reconnect once; until then the removed node keeps its connection.
import type { ConnectionOptions } from 'nats';
import { errorMessage } from '../../shared/errors';
import type { Logger } from '../../shared/log';
import type { NatsNodeIdentity } from './authority';
import type { NatsService } from './nats-service';
import { NatsTrust } from './trust';

export interface ExternalNatsOptions {
  dataDir: string;
  url: string;
  /** The CA their server's certificate chains to. */
  caFile?: string;
  log: Logger;
}

export class ExternalNats implements NatsService {
  readonly urls: readonly string[];
  readonly trust: NatsTrust;

  constructor(private readonly o: ExternalNatsOptions) {
    this.urls = [o.url];
    this.trust = new NatsTrust(o.dataDir, o.log);
  }

  start(): Promise<void> {
    const authConfig = this.trust.writeFiles();
    this.o.log.warn(
      { nats: this.o.url, authConfig },
      'using an external nats-server: include the generated auth.conf in its config (by a path relative to that config; it puts the server in operator mode) and reload it once; after that kk pushes revocations to it itself',
    );
    return Promise.resolve();
  }

  coordinatorConnectionOptions(): ConnectionOptions {
    return this.trust.coordinatorConnectionOptions({ servers: [...this.urls], caFile: this.o.caFile });
  }

  userJwt(node: NatsNodeIdentity): string {
    return this.trust.userJwt(node);
  }

  /** A failed push is logged, not thrown: the keys are revoked in auth.conf, and the operator's reload finishes the job. */
  revoke(keys: readonly string[]): Promise<void> {
    const deliver = async (): Promise<void> => {
      await this.trust.pushAccount([...this.urls], this.o.caFile);
      this.o.log.info({ revoked: keys }, 'external nats-server took the revocation');
    };
    return this.trust.revokeAndDeliver(keys, deliver).catch((err: unknown) => {
      this.o.log.error(
        { authConfig: this.trust.authFile, revoked: keys, err: errorMessage(err) },
        'NATS keys revoked in auth.conf but the external nats-server did not take the update: reload it now (nats-server --signal reload), or removed nodes stay connected',
      );
    });
  }

  /** Nothing of theirs to stop. */
  stop(): Promise<void> {
    return Promise.resolve();
  }
}
