// gRPC client classes made straight from the bundled descriptor (lean-codec.ts): @grpc/proto-loader
// would load descriptor.proto and build reflection descriptors for every message of the contract;
// a client calls a few methods. Used by the operator CLI for remote coordinators (AdminService)
// and by the agent (AgentService).
import * as grpc from '@grpc/grpc-js';
import { serviceCodecs } from './lean-codec';

/** The grpc-js service definition of kk.v1.<service> (client side: no reflection types). */
export function leanServiceDefinition(service: string): grpc.ServiceDefinition {
  const def: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const [name, c] of Object.entries(serviceCodecs(service))) {
    def[name] = {
      path: c.path,
      requestStream: c.requestStream,
      responseStream: c.responseStream,
      requestSerialize: c.serializeRequest,
      requestDeserialize: c.deserializeRequest,
      responseSerialize: c.serializeResponse,
      responseDeserialize: c.deserializeResponse,
      // proto-loader's name for the lower-case alias (lodash.camelCase of "CreateToken").
      originalName: name.charAt(0).toLowerCase() + name.slice(1),
    };
  }
  return def;
}

const classes = new Map<string, grpc.ServiceClientConstructor>();

/** A client constructor for kk.v1.<service>; cast it to the generated client type. */
export function leanClientClass(service: string): grpc.ServiceClientConstructor {
  let c = classes.get(service);
  if (!c) {
    c = grpc.makeClientConstructor(leanServiceDefinition(service), service);
    classes.set(service, c);
  }
  return c;
}
