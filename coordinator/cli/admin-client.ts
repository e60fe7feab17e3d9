// How operator commands reach the coordinator: the admin credential from the local data dir, or
// --coordinator HOST:PORT with --credentials FILE for a remote one. Every call has a deadline and
// every failure becomes one sentence for the terminal.
import * as grpc from '@grpc/grpc-js';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { AdminServiceClient } from '../../shared/proto/generated/kk/v1/AdminService';
import { UserError } from '../../shared/errors';
import { COORDINATOR_TLS_NAME } from '../../shared/pki/tls-name';
import type { AdminCredentials } from '../serve/identity';
import { adminClientClass } from './admin-stub';

/**
 * The file `serve` writes the admin credential to (serve/identity.ts), named here again because
 * importing identity.ts would load the X.509 toolkit into every operator command
 * (test/unit/cli/admin-client.test.ts keeps the two equal).
 */
export const ADMIN_CREDENTIALS_FILE = 'admin-credentials.json';

export interface ConnectionOptions { dataDir: string; coordinator?: string; credentials?: string }

export function loadAdminCredentials(o: ConnectionOptions): AdminCredentials {
  const file = o.credentials ?? path.join(o.dataDir, ADMIN_CREDENTIALS_FILE);
  if (!existsSync(file)) {
    throw new UserError(o.credentials
      ? `credentials file ${file} does not exist`
      : `no admin credential at ${file}: run this on the coordinator's machine as root (or pass --data-dir), or use --coordinator HOST:PORT --credentials FILE`);
  }
  let creds: AdminCredentials;
  try {
    creds = JSON.parse(readFileSync(file, 'utf8')) as AdminCredentials;
  } catch (err) {
    throw new UserError(`cannot read the admin credential ${file}: ${(err as Error).message}`);
  }
  for (const k of ['caPem', 'certPem', 'keyPem', 'coordinator'] as const) {
    if (typeof creds[k] !== 'string' || !creds[k]) throw new UserError(`the admin credential ${file} has no "${k}"`);
  }
  if (o.coordinator) creds = { ...creds, coordinator: o.coordinator };
  return creds;
}

export type Admin = AdminServiceClient & { address: string };

export function adminClient(o: ConnectionOptions): Admin {
  const creds = loadAdminCredentials(o);
  const ssl = grpc.credentials.createSsl(Buffer.from(creds.caPem), Buffer.from(creds.keyPem), Buffer.from(creds.certPem));
  const Client = adminClientClass();
  const client = new Client(creds.coordinator, ssl, {
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
    'grpc.ssl_target_name_override': COORDINATOR_TLS_NAME,
  }) as Admin;
  client.address = creds.coordinator;
  return client;
}

type Callback<Res> = (err: grpc.ServiceError | null, res?: Res) => void;

/**
 * Calls one admin method and turns gRPC errors into messages a person can act on.
 * Usage: call<TokenInfo__Output>(client, (opts, cb) => client.CreateToken(req, opts, cb))
 */
export function call<Res>(client: Admin, invoke: (opts: grpc.CallOptions, cb: Callback<Res>) => unknown, timeoutMs = 15_000): Promise<Res> {
  return new Promise((resolve, reject) => {
    invoke({ deadline: Date.now() + timeoutMs }, (err, res) => {
      if (err) reject(describe(err, client.address));
      else if (res === undefined) reject(new UserError('empty answer from the coordinator'));
      else resolve(res);
    });
  });
}
function describe(err: grpc.ServiceError, address: string): UserError {
  switch (err.code) {
    case grpc.status.UNAVAILABLE:
      return new UserError(`cannot reach the coordinator at ${address} (${err.details}): is \`kk-coordinator serve\` running?`);
    case grpc.status.DEADLINE_EXCEEDED:
      return new UserError(`the coordinator at ${address} did not answer in time`);
    case grpc.status.PERMISSION_DENIED:
    case grpc.status.UNAUTHENTICATED:
      return new UserError(`refused by the coordinator: ${err.details}`);
    case grpc.status.NOT_FOUND:
    case grpc.status.INVALID_ARGUMENT:
      return new UserError(err.details);
    default:
      return new UserError(`coordinator error: ${err.details || err.message}`);
  }
}
