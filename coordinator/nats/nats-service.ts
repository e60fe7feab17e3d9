// What `serve` needs from NATS, whoever runs the server: where agents connect, the coordinator's
// own connection, a user JWT per node, and revocations. Two implementations share one NatsTrust
// (trust.ts): NatsSupervisor runs nats-server as a child (process.ts); ExternalNats uses an
// operator-run server (`serve --nats URL`). openNats is the one place that chooses.
import path from 'node:path';
import type { ConnectionOptions } from 'nats';
import type { Logger } from '../../shared/log';
import type { NatsNodeIdentity } from './authority';
import { ExternalNats } from './external';
import { NatsSupervisor } from './supervisor';

export interface NatsService {
  /** Where agents connect (told to them at enrolment and in /v1/info). */
  readonly urls: readonly string[];
  /** Makes the server ready to take the coordinator's connection (starts it, or writes the trust it includes). */
  start(): Promise<void>;
  /** The coordinator's own connection: full rights, JetStream; keeps reconnecting. */
  coordinatorConnectionOptions(): ConnectionOptions;
  /** A user JWT for this node; the server needs no change to accept it. */
  userJwt(node: NatsNodeIdentity): string;
  /** Cuts these nkeys off; resolves once the server enforces it (or, for an operator's server, once kk tried). */
  revoke(keys: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

export interface OpenNatsOptions {
  dataDir: string;
  /** An operator-run server's URL (`serve --nats URL`); absent: kk supervises its own. */
  externalUrl?: string;
  /** The supervised server's listen address and port, and the address agents reach it at. */
  listenAddress: string;
  port: number;
  advertiseUrl: string;
  /** <dataDir>/pki: the serving certificate the supervised server uses, and the CA every connection checks. */
  pkiDir: string;
  log: Logger;
}

export function openNats(o: OpenNatsOptions): NatsService {
  const caFile = path.join(o.pkiDir, 'ca.crt');
  if (o.externalUrl) return new ExternalNats({ dataDir: o.dataDir, url: o.externalUrl, caFile, log: o.log });
  return new NatsSupervisor({
    dataDir: o.dataDir,
    host: o.listenAddress,
    port: o.port,
    advertiseUrls: [o.advertiseUrl],
    tls: { certFile: path.join(o.pkiDir, 'server.crt'), keyFile: path.join(o.pkiDir, 'server.key'), caFile },
    log: o.log.child({ component: 'nats' }),
  });
}
