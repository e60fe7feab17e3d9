// How operator commands reach the coordinator. On the coordinator's machine: its local admin socket
// (<data-dir>/admin.sock). Elsewhere: --coordinator HOST:PORT with --credentials FILE (mTLS gRPC).
// A data dir with the credential but no socket (a coordinator that is not running, or one whose
// socket path was too long to bind) also goes through mTLS. Every call has a deadline and every
// failure becomes one sentence for the terminal.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../../shared/errors';
import { GrpcStatus } from '../../../shared/proto/grpc-status';
import { ADMIN_CREDENTIALS_FILE, ADMIN_SOCKET_FILE, type AdminCredentials } from '../../state/admin-access';
import type { Admin, AdminCallError, AdminUnaryMethods } from './admin-api';
import { socketAdmin } from './admin-socket';

export type { Admin };

export interface ConnectionOptions {
  dataDir: string;
  coordinator?: string;
  credentials?: string;
}

export function loadAdminCredentials(o: ConnectionOptions): AdminCredentials {
  const file = o.credentials ?? path.join(o.dataDir, ADMIN_CREDENTIALS_FILE);
  if (!existsSync(file)) {
    throw new UserError(
      o.credentials
        ? `credentials file ${file} does not exist`
        : `no admin credential at ${file}: run this on the coordinator's machine as root (or pass --data-dir), or use --coordinator HOST:PORT --credentials FILE`,
    );
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

/** The connection a command uses: the local socket when there is one and nothing else was asked for. */
export async function adminClient(o: ConnectionOptions): Promise<Admin> {
  const socket = path.join(o.dataDir, ADMIN_SOCKET_FILE);
  if (!o.coordinator && !o.credentials && existsSync(socket)) return socketAdmin(socket);
  const creds = loadAdminCredentials(o);
  const { grpcAdmin } = await import('./admin-grpc');
  return grpcAdmin(creds);
}

/** Calls one unary admin method; failures become a UserError a person can act on. */
export async function call<K extends keyof AdminUnaryMethods>(
  client: Admin,
  method: K,
  request: AdminUnaryMethods[K][0],
  timeoutMs = 15_000,
): Promise<AdminUnaryMethods[K][1]> {
  try {
    return await client.unary(method, request, timeoutMs);
  } catch (err) {
    throw describe(err as AdminCallError, client.address);
  }
}

/** One sentence for a failed call. */
export function describe(err: AdminCallError, address: string): UserError {
  switch (err.code) {
    case GrpcStatus.UNAVAILABLE:
      return new UserError(`cannot reach the coordinator at ${address} (${err.details}): is \`kk-coordinator serve\` running?`);
    case GrpcStatus.DEADLINE_EXCEEDED:
      return new UserError(`the coordinator at ${address} did not answer in time`);
    case GrpcStatus.PERMISSION_DENIED:
    case GrpcStatus.UNAUTHENTICATED:
      return new UserError(`refused by the coordinator: ${err.details}`);
    case GrpcStatus.NOT_FOUND:
    case GrpcStatus.INVALID_ARGUMENT:
      return new UserError(err.details);
    default:
      return new UserError(`coordinator error: ${err.details || err.message}`);
  }
}
