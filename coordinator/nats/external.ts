// An operator-run nats-server (`kk-coordinator serve --nats URL`): kk does not start or reload it,
// but still owns the authorization. On every node change the coordinator calls
// writeExternalAuthConfig(); the operator's config has, at top level,
//   include "<path of auth.conf RELATIVE to the directory of their config file>"
// (nats-server 2.9 joins every include path onto that directory, even an absolute one, so
// "/var/lib/kk/nats/auth.conf" from /etc/nats/nats.conf must be written
// "../../var/lib/kk/nats/auth.conf"). auth.conf defines the KK account with JetStream enabled,
// so their server must run JetStream. The operator then reloads (`nats-server --signal reload`).
// Until that reload an enrolled node cannot connect and a removed node keeps its connection; kk
// cannot check this, so it must tell the operator.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { nkeyAuthenticator, type ConnectionOptions } from 'nats';
import { COORDINATOR_INBOX_PREFIX } from '../../shared/subjects';
import { renderAuthConfig, type NatsNodeIdentity } from './auth';
import { loadOrCreateCoordinatorNkey } from './coordinator-key';
import { writeFileAtomic } from './write-atomic';

export function natsDirOf(dataDir: string): string {
  return path.resolve(dataDir, 'nats');
}

/** Writes <dataDir>/nats/auth.conf for the operator's server to include; returns its path. */
export function writeExternalAuthConfig(dataDir: string, nodes: readonly NatsNodeIdentity[]): string {
  const dir = natsDirOf(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const nkey = loadOrCreateCoordinatorNkey(path.join(dir, 'coordinator.nk'));
  const file = path.join(dir, 'auth.conf');
  writeFileAtomic(file, renderAuthConfig(nkey.publicKey, nodes));
  return file;
}

/** The coordinator's connection to an external server: its nkey, and the CA that server's certificate chains to. */
export function externalCoordinatorConnectionOptions(dataDir: string, servers: string[], caFile?: string): ConnectionOptions {
  const nkey = loadOrCreateCoordinatorNkey(path.join(natsDirOf(dataDir), 'coordinator.nk'));
  return {
    servers,
    ...(caFile ? { tls: { caFile: path.resolve(caFile) } } : {}),
    authenticator: nkeyAuthenticator(nkey.seed),
    inboxPrefix: COORDINATOR_INBOX_PREFIX,
    name: 'kk-coordinator',
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
  };
}
