// The operator CLI's client for the local admin socket: gRPC (HTTP/2, length-prefixed messages,
// status in trailers) over the Unix socket `serve` keeps in its data dir, written on Node's own
// http2 module. An operator command is a short-lived process and most of its life used to go into
// loading @grpc/grpc-js (its resolvers, load balancers, TLS, zlib) and protobufjs for one call to
// a process on the same machine. So messages here are gRPC's JSON subtype (application/grpc+json):
// the server hands over exactly the objects a protobuf client would decode
// (coordinator/server/admin-socket.ts), and this side needs only JSON.parse. No TLS: the socket is
// mode 0600 in a 0700 directory, so reaching it already takes what reading the admin credential
// takes. Remote coordinators still go through grpc-js with protobuf and mTLS (admin-grpc.ts).
import { EventEmitter } from 'node:events';
import http2 from 'node:http2';
import net from 'node:net';
import { GrpcStatus } from '../../../shared/proto/grpc-status';
import { AdminCallError, type Admin, type AdminStream, type AdminStreamMethods, type AdminUnaryMethods } from './admin-api';

/** The largest message accepted from the coordinator (the remote client's limit too). */
export const MAX_RECEIVE_BYTES = 64 * 1024 * 1024;

/** The :path of an AdminService method. */
const methodPath = (method: string) => `/kk.v1.AdminService/${method}`;

function frame(message: Buffer): Buffer {
  const head = Buffer.allocUnsafe(5);
  head[0] = 0;
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

/** gRPC percent-encodes grpc-message (PROTOCOL-HTTP2.md); a malformed escape is kept as sent. */
function decodeGrpcMessage(v: string | string[] | undefined): string {
  const s = Array.isArray(v) ? v.join(', ') : (v ?? '');
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function connectError(err: NodeJS.ErrnoException, socketPath: string): AdminCallError {
  if (err.code === 'EACCES' || err.code === 'EPERM') {
    return new AdminCallError(
      GrpcStatus.PERMISSION_DENIED,
      `no permission to use ${socketPath}: operator commands run as root (the admin socket is mode 0600)`,
    );
  }
  return new AdminCallError(GrpcStatus.UNAVAILABLE, err.code ? `${err.code} on ${socketPath}` : err.message);
}

/** One call on the session: collects messages from DATA frames and the status from the trailers. */
class Call extends EventEmitter implements AdminStream<object> {
  private buffered: Buffer = Buffer.alloc(0);
  private status: number | undefined;
  private statusMessage = '';
  private finished = false;
  private readonly req: http2.ClientHttp2Stream;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    session: http2.ClientHttp2Session,
    method: string,
    request: object,
    connectionError: (err?: NodeJS.ErrnoException) => AdminCallError | undefined,
    timeoutMs?: number,
  ) {
    super();
    const headers: http2.OutgoingHttpHeaders = { ':method': 'POST', ':path': methodPath(method), 'content-type': 'application/grpc+json', te: 'trailers' };
    if (timeoutMs !== undefined) {
      headers['grpc-timeout'] = `${Math.max(1, Math.ceil(timeoutMs))}m`;
      this.timer = setTimeout(() => this.fail(new AdminCallError(GrpcStatus.DEADLINE_EXCEEDED, 'deadline exceeded')), timeoutMs);
    }
    const body = frame(Buffer.from(JSON.stringify(request)));
    this.req = session.request(headers);
    this.req.on('response', (h) => {
      const code = h[':status'];
      if (code !== 200) this.fail(new AdminCallError(GrpcStatus.UNKNOWN, `the admin socket answered HTTP ${String(code)}, not gRPC`));
      else if (h['grpc-status'] !== undefined) this.takeStatus(h); // a trailers-only response
    });
    this.req.on('data', (chunk: Buffer) => this.onData(chunk));
    this.req.on('trailers', (h) => this.takeStatus(h));
    this.req.on('error', (err: NodeJS.ErrnoException) => this.fail(connectionError(err) ?? new AdminCallError(GrpcStatus.UNAVAILABLE, err.message)));
    this.req.on('close', () => {
      if (this.status === undefined)
        this.fail(connectionError() ?? new AdminCallError(GrpcStatus.UNAVAILABLE, 'the coordinator closed the call without a status'));
      else if (this.status === GrpcStatus.OK) this.finish(null);
      else this.fail(new AdminCallError(this.status, this.statusMessage));
    });
    this.req.end(body);
  }

  cancel(): void {
    this.fail(new AdminCallError(GrpcStatus.CANCELLED, 'cancelled on the client'));
  }

  private takeStatus(h: http2.IncomingHttpHeaders): void {
    const n = Number(h['grpc-status']);
    this.status = Number.isInteger(n) && n >= 0 && n <= 16 ? n : GrpcStatus.UNKNOWN;
    this.statusMessage = decodeGrpcMessage(h['grpc-message']);
  }

  private onData(chunk: Buffer): void {
    if (this.finished) return;
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    while (this.buffered.length >= 5) {
      const compressed = this.buffered[0] !== 0;
      const length = this.buffered.readUInt32BE(1);
      if (compressed) return this.fail(new AdminCallError(GrpcStatus.INTERNAL, 'the coordinator sent a compressed message, which was not asked for'));
      if (length > MAX_RECEIVE_BYTES)
        return this.fail(new AdminCallError(GrpcStatus.RESOURCE_EXHAUSTED, `a ${length}-byte message is over the ${MAX_RECEIVE_BYTES}-byte limit`));
      if (this.buffered.length < 5 + length) return;
      const message = this.buffered.subarray(5, 5 + length);
      this.buffered = this.buffered.subarray(5 + length);
      let decoded: object;
      try {
        decoded = JSON.parse(message.toString('utf8')) as object;
      } catch (err) {
        return this.fail(new AdminCallError(GrpcStatus.INTERNAL, `cannot decode the coordinator's answer: ${(err as Error).message}`));
      }
      this.emit('data', decoded);
    }
  }

  private fail(err: AdminCallError): void {
    if (this.finished) return;
    if (!this.req.closed) this.req.close(http2.constants.NGHTTP2_CANCEL);
    this.finish(err);
  }

  private finish(err: AdminCallError | null): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    if (err) this.emit('error', err);
    else this.emit('end');
  }
}

/** An Admin over the coordinator's local socket; the connection opens with the first call. */
export function socketAdmin(socketPath: string): Admin {
  let session: http2.ClientHttp2Session | undefined;
  let sessionError: AdminCallError | undefined;
  const open = () => {
    if (!session) {
      const s = http2.connect('http://localhost', { createConnection: () => net.connect(socketPath) });
      s.on('error', (err: NodeJS.ErrnoException) => {
        sessionError = connectError(err, socketPath);
      });
      session = s;
    }
    return session;
  };
  // A failed connect reaches the call first, as "stream cancelled" caused by the socket's error.
  const explain = (err?: NodeJS.ErrnoException): AdminCallError | undefined => {
    if (sessionError) return sessionError;
    const cause = (err as { cause?: NodeJS.ErrnoException } | undefined)?.cause;
    return cause?.code ? connectError(cause, socketPath) : undefined;
  };
  return {
    address: `unix:${socketPath}`,
    unary<K extends keyof AdminUnaryMethods>(method: K, request: AdminUnaryMethods[K][0], timeoutMs: number) {
      return new Promise<AdminUnaryMethods[K][1]>((resolve, reject) => {
        let answer: object | undefined;
        new Call(open(), method, request, explain, timeoutMs)
          .on('data', (m: object) => {
            answer = m;
          })
          .on('error', reject)
          .on('end', () => {
            if (answer) resolve(answer as AdminUnaryMethods[K][1]);
            else reject(new AdminCallError(GrpcStatus.INTERNAL, 'the coordinator ended the call without an answer'));
          });
      });
    },
    stream<K extends keyof AdminStreamMethods>(method: K, request: AdminStreamMethods[K][0]) {
      return new Call(open(), method, request, explain) as unknown as AdminStream<AdminStreamMethods[K][1]>;
    },
    close() {
      session?.close();
    },
  };
}
