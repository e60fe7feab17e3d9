// The local admin socket: AdminService over gRPC on a Unix socket in the data dir, for operator
// commands run on the coordinator's machine (as docker.sock or containerd.sock serve theirs). The
// socket is mode 0600 and owned by the user running serve (root), inside the 0700 data dir: being
// able to open it is the credential, exactly as being able to read admin-credentials.json is.
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { UserError } from '../../shared/errors';
import type { Logger } from '../../shared/log';
import { shutdownGrpc } from './grpc-shutdown';

/** sun_path is 108 bytes on Linux, the terminating NUL included. */
const MAX_SOCKET_PATH = 107;

export interface AdminSocket {
  path: string;
  close(): Promise<void>;
}

/**
 * The service with gRPC's JSON subtype for messages (application/grpc+json), for the CLI's
 * lean socket client. A request is turned into protobuf and back through the service's own
 * (proto-loader) codecs, and so is a response before it becomes JSON: handlers see, and the CLI
 * gets, exactly the objects a protobuf peer would (defaults filled, 64-bit numbers as numbers,
 * enums as names). The AdminService contract has no bytes fields, which JSON could not carry
 * as Buffers (test/unit/server/admin-socket.test.ts checks both).
 */
export function jsonSubtype(service: grpc.ServiceDefinition): grpc.ServiceDefinition {
  const out: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const [name, m] of Object.entries(service as Record<string, grpc.MethodDefinition<object, object>>)) {
    out[name] = {
      ...m,
      requestDeserialize: (bytes: Buffer) => m.requestDeserialize(m.requestSerialize(JSON.parse(bytes.toString('utf8')) as object)),
      responseSerialize: (value: object) => Buffer.from(JSON.stringify(m.responseDeserialize(m.responseSerialize(value)))),
      requestSerialize: (value: object) => Buffer.from(JSON.stringify(value)),
      responseDeserialize: (bytes: Buffer) => JSON.parse(bytes.toString('utf8')) as object,
    };
  }
  return out;
}

/** True when something accepts connections on the socket (another coordinator on this data dir). */
function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(socketPath);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

/**
 * Clears a socket left by a coordinator that did not stop cleanly; refuses to take a live one.
 * `serve` calls it first thing, so a second coordinator on the same data dir stops before it
 * starts a nats-server or touches the stores.
 */
export async function clearStaleAdminSocket(socketPath: string): Promise<void> {
  let st;
  try {
    st = lstatSync(socketPath);
  } catch {
    return;
  }
  if (!st.isSocket()) throw new UserError(`${socketPath} exists and is not a socket: move it away (the coordinator keeps its admin socket there)`);
  if (await answers(socketPath)) throw new UserError(`another coordinator is serving this data dir (its admin socket ${socketPath} answers): stop it first`);
  unlinkSync(socketPath);
}

/**
 * Serves `service` with `handlers` on `socketPath`; null (with a warning) when the path is too long
 * for a Unix socket — operator commands then use the admin credential over mTLS instead.
 */
export async function listenAdminSocket(
  socketPath: string,
  service: grpc.ServiceDefinition,
  handlers: grpc.UntypedServiceImplementation,
  options: grpc.ServerOptions,
  log: Logger,
): Promise<AdminSocket | null> {
  const abs = path.resolve(socketPath);
  if (Buffer.byteLength(abs) > MAX_SOCKET_PATH) {
    log.warn(
      { socket: abs },
      `the admin socket path is longer than ${MAX_SOCKET_PATH} bytes: no local socket; operator commands use the admin credential over mTLS`,
    );
    return null;
  }
  await clearStaleAdminSocket(abs);
  const server = new grpc.Server(options);
  server.addService(jsonSubtype(service), handlers);
  await new Promise<void>((resolve, reject) => {
    server.bindAsync(`unix:${abs}`, grpc.ServerCredentials.createInsecure(), (err) => {
      if (err) reject(new UserError(`cannot listen on the admin socket ${abs}: ${err.message}`));
      else resolve();
    });
  });
  // The data dir is 0700 already; 0600 keeps the socket private if that directory is ever opened up.
  chmodSync(abs, 0o600);
  return {
    path: abs,
    close: () =>
      shutdownGrpc(server).finally(() => {
        try {
          unlinkSync(abs);
        } catch {
          /* already gone */
        }
      }),
  };
}
