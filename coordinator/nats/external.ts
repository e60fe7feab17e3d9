// An operator-run nats-server (`kk-coordinator serve --nats URL`): kk does not start or reload it,
// but still owns the authorization, as JWT trust. The coordinator writes <dataDir>/nats/auth.conf
// (operator JWT, system account, `resolver: MEMORY` with the account JWTs preloaded; see auth.ts)
// and the operator's config has, at top level,
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
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { jwtAuthenticator, type ConnectionOptions } from 'nats';
import { COORDINATOR_INBOX_PREFIX } from '../../shared/subjects';
import { pushAccountJwt } from './account-update';
import { renderAuthConfig } from './auth';
import { NatsAuthority, type NatsNodeIdentity } from './authority';
import { writeFileAtomic } from './write-atomic';

export function natsDirOf(dataDir: string): string {
  return path.resolve(dataDir, 'nats');
}

/** kk's side of an external server: the trust file it includes, and the JWTs kk hands out. */
export class ExternalNatsAuth {
  readonly authority: NatsAuthority;
  readonly authFile: string;
  readonly credsFile: string;

  constructor(dataDir: string) {
    const dir = natsDirOf(dataDir);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.authority = NatsAuthority.open(dir);
    this.authFile = path.join(dir, 'auth.conf');
    this.credsFile = path.join(dir, 'coordinator.creds');
  }

  /** (Re)writes auth.conf and coordinator.creds; returns the path of auth.conf. */
  writeAuthConfig(): string {
    writeFileAtomic(this.authFile, renderAuthConfig(this.authority.trust()));
    writeFileAtomic(this.credsFile, this.authority.coordinatorCreds());
    return this.authFile;
  }

  userJwt(node: NatsNodeIdentity): string {
    return this.authority.userJwt(node);
  }

  /** Revokes the keys and rewrites auth.conf if any was new; returns the newly revoked keys. */
  revoke(keys: readonly string[]): string[] {
    const added = this.authority.revoke(keys);
    if (added.length > 0) this.writeAuthConfig();
    return added;
  }

  /** Pushes the current account JWT (with its revocations) to their running server. */
  pushAccount(servers: string[], caFile?: string, timeoutMs?: number): Promise<void> {
    const systemUser: ConnectionOptions = {
      servers,
      ...(caFile ? { tls: { caFile: path.resolve(caFile) } } : {}),
      authenticator: jwtAuthenticator(this.authority.systemUserJwt(), this.authority.systemUser.seed),
    };
    return pushAccountJwt(systemUser, this.authority.kkAccount.publicKey, this.authority.kkAccountJwt(), timeoutMs);
  }

  /** The coordinator's connection: its user JWT, and the CA that server's certificate chains to. */
  connectionOptions(servers: string[], caFile?: string): ConnectionOptions {
    return {
      servers,
      ...(caFile ? { tls: { caFile: path.resolve(caFile) } } : {}),
      authenticator: jwtAuthenticator(this.authority.coordinatorJwt(), this.authority.coordinator.seed),
      inboxPrefix: COORDINATOR_INBOX_PREFIX,
      name: 'kk-coordinator',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    };
  }
}

/** Writes <dataDir>/nats/auth.conf for the operator's server to include; returns its path. */
export function writeExternalAuthConfig(dataDir: string): string {
  return new ExternalNatsAuth(dataDir).writeAuthConfig();
}

export function externalCoordinatorConnectionOptions(dataDir: string, servers: string[], caFile?: string): ConnectionOptions {
  return new ExternalNatsAuth(dataDir).connectionOptions(servers, caFile);
}
