// Who is calling: the gRPC port accepts connections without a client certificate (only Enroll
// may be called that way) and with one; grpc-js exposes the peer certificate only when its chain
// verified against our CA, and we then bind it to a node or the admin by exact fingerprint, so a
// removed node's still-unexpired certificate is refused too.
import * as grpc from '@grpc/grpc-js';
import { normaliseFingerprint } from '../../shared/pki/x509';

type AuthContext = ReturnType<grpc.ServerUnaryCall<unknown, unknown>['getAuthContext']>;
interface HasAuthContext {
  getAuthContext(): AuthContext;
}

export function peerFingerprint(call: HasAuthContext): string | null {
  const cert = call.getAuthContext().sslPeerCertificate;
  return cert?.fingerprint256 ? normaliseFingerprint(cert.fingerprint256) : null;
}

export class CallRefused extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
  }
}

export function toServiceError(err: unknown): Partial<grpc.StatusObject> {
  if (err instanceof CallRefused) return { code: err.code, details: err.message };
  return { code: grpc.status.INTERNAL, details: err instanceof Error ? err.message : String(err) };
}

/**
 * grpc-js calls a handler and ignores what it returns, so an async handler's promise would be
 * dropped unseen. Handlers passed here answer every outcome themselves (the callback, or an error
 * on the stream) inside their own try/catch, so nothing is left to await.
 */
export function answersItself<A extends unknown[]>(handler: (...args: A) => Promise<void>): (...args: A) => void {
  return (...args) => {
    void handler(...args);
  };
}

/**
 * grpc-js only offers "require a client certificate" or "don't ask for one". kk needs a third
 * mode on one port — ask, verify when given, allow none (for Enroll) — so the TLS server options
 * get rejectUnauthorized: false; authorisation then happens per call in peerFingerprint().
 */
export function optionalClientCertCredentials(caPem: string, certPem: string, keyPem: string): grpc.ServerCredentials {
  const creds = grpc.ServerCredentials.createSsl(Buffer.from(caPem), [{ cert_chain: Buffer.from(certPem), private_key: Buffer.from(keyPem) }], true);
  const internal = creds as unknown as { _getConstructorOptions(): Record<string, unknown> };
  const original = internal._getConstructorOptions.bind(creds);
  internal._getConstructorOptions = () => ({ ...original(), requestCert: true, rejectUnauthorized: false });
  return creds;
}
