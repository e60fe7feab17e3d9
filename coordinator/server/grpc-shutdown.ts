// Stops a gRPC server: calls in flight get `graceMs` to finish (agents' Session streams never do,
// so the grace is bounded), then everything still open is cut.
import type * as grpc from '@grpc/grpc-js';

export function shutdownGrpc(server: grpc.Server, graceMs = 3000): Promise<void> {
  return new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(t);
      resolve();
    });
  });
}
