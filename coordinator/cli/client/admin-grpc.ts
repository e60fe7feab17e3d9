// The operator CLI's client for a coordinator across the network: gRPC with mutual TLS, the admin
// certificate from admin-credentials.json. Loaded only for --coordinator/--credentials (or when
// the local socket is missing): grpc-js and TLS are most of a short command's start-up.
import * as grpc from '@grpc/grpc-js';
import { serviceCodecs, type MethodCodec } from '../../../shared/proto/lean-codec';
import { COORDINATOR_TLS_NAME } from '../../../shared/pki/tls-name';
import type { AdminCredentials } from '../../state/admin-access';
import { AdminCallError, type Admin, type AdminStream, type AdminStreamMethods, type AdminUnaryMethods } from './admin-api';
import { MAX_RECEIVE_BYTES } from './admin-socket';

const callError = (err: grpc.ServiceError) => new AdminCallError(err.code, err.details || err.message);

/** grpc-js's stream, with its ServiceErrors turned into the AdminCallError every Admin reports. */
class GrpcStream<T> implements AdminStream<T> {
  constructor(private readonly call: grpc.ClientReadableStream<unknown>) {}
  on(event: 'data', listener: (message: T) => void): this;
  on(event: 'error', listener: (err: AdminCallError) => void): this;
  on(event: 'end', listener: () => void): this;
  on(event: 'data' | 'error' | 'end', listener: ((message: T) => void) | ((err: AdminCallError) => void) | (() => void)): this {
    if (event === 'error') this.call.on('error', (err: grpc.ServiceError) => (listener as (e: AdminCallError) => void)(callError(err)));
    else this.call.on(event, listener as (m: unknown) => void);
    return this;
  }
  cancel(): void {
    this.call.cancel();
  }
}

export function grpcAdmin(creds: AdminCredentials): Admin {
  const codecs = serviceCodecs('AdminService');
  const codec = (method: string): MethodCodec => {
    const c = codecs[method];
    if (!c) throw new Error(`AdminService has no method ${method}`);
    return c;
  };
  const ssl = grpc.credentials.createSsl(Buffer.from(creds.caPem), Buffer.from(creds.keyPem), Buffer.from(creds.certPem));
  const client = new grpc.Client(creds.coordinator, ssl, {
    'grpc.max_receive_message_length': MAX_RECEIVE_BYTES,
    'grpc.ssl_target_name_override': COORDINATOR_TLS_NAME,
  });
  return {
    address: creds.coordinator,
    unary<K extends keyof AdminUnaryMethods>(method: K, request: AdminUnaryMethods[K][0], timeoutMs: number) {
      const c = codec(method);
      return new Promise<AdminUnaryMethods[K][1]>((resolve, reject) => {
        client.makeUnaryRequest(c.path, c.serializeRequest, c.deserializeResponse, request, { deadline: Date.now() + timeoutMs }, (err, res) => {
          if (err) reject(callError(err));
          else if (res === undefined) reject(new AdminCallError(grpc.status.INTERNAL, 'the coordinator ended the call without an answer'));
          else resolve(res as AdminUnaryMethods[K][1]);
        });
      });
    },
    stream<K extends keyof AdminStreamMethods>(method: K, request: AdminStreamMethods[K][0]) {
      const c = codec(method);
      return new GrpcStream<AdminStreamMethods[K][1]>(client.makeServerStreamRequest(c.path, c.serializeRequest, c.deserializeResponse, request, {}));
    },
    close() {
      client.close();
    },
  };
}
