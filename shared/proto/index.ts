// One place that turns the generated descriptor into gRPC service definitions and message codecs.
// The descriptor is JSON bundled into the build, so neither side reads .proto files at run time.
import * as protoLoader from '@grpc/proto-loader';
import * as grpc from '@grpc/grpc-js';
import { CONVERSION, descriptor } from './descriptor';
import type { ProtoGrpcType as AgentGrpc } from './generated/agent';
import type { ProtoGrpcType as AdminGrpc } from './generated/admin';

/** The options the generated types were made with (scripts/gen-proto.mjs): keep them in step. */
export const LOADER_OPTIONS: protoLoader.Options = { ...CONVERSION };

export { descriptor } from './descriptor';

let cached: (AgentGrpc & AdminGrpc) | undefined;

export function loadGrpc(): AgentGrpc & AdminGrpc {
  if (!cached) {
    const pkg = protoLoader.fromJSON(descriptor, LOADER_OPTIONS);
    cached = grpc.loadPackageDefinition(pkg) as unknown as AgentGrpc & AdminGrpc;
  }
  return cached;
}

export type { AgentGrpc, AdminGrpc };
export type { FactSet__Output as WireFactSet, FactSet as WireFactSetInput } from './generated/kk/v1/FactSet';
