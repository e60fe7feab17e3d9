// gRPC client classes made straight from the bundled descriptor with protobufjs.
// @grpc/proto-loader would load descriptor.proto and build reflection descriptors for every
// message of the contract; a client calls a few methods. So each method's messages are built on
// its first call, from just the part of the descriptor they reach. Messages convert exactly as
// proto-loader converts them with LOADER_OPTIONS (shared/proto/index.ts), so the generated
// client types hold. Used by the operator CLI (AdminService) and the agent (AgentService).
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { CONVERSION, PACKAGE, contractTypes, descriptorFor, localName, type MethodJson } from './descriptor';

/** proto-loader's conversion (keepCase needs nothing here: the descriptor's names are already as written). */
const { keepCase: _keepCase, ...conversion } = CONVERSION;
export const TO_OBJECT: protobuf.IConversionOptions = conversion;

function lazyTypes(method: MethodJson): () => { req: protobuf.Type; res: protobuf.Type } {
  let made: { req: protobuf.Type; res: protobuf.Type } | undefined;
  return () => {
    if (!made) {
      const root = protobuf.Root.fromJSON(descriptorFor([method.requestType, method.responseType]));
      made = { req: root.lookupType(`${PACKAGE}.${localName(method.requestType)}`), res: root.lookupType(`${PACKAGE}.${localName(method.responseType)}`) };
    }
    return made;
  };
}

function serializer(type: () => protobuf.Type): (value: object) => Buffer {
  return (value) => {
    const t = type();
    if (Array.isArray(value)) throw new Error(`Failed to serialize message: expected object with ${t.name} structure, got array instead`);
    return Buffer.from(t.encode(t.fromObject(value)).finish());
  };
}

function deserializer(type: () => protobuf.Type): (bytes: Buffer) => object {
  return (bytes) => {
    const t = type();
    return t.toObject(t.decode(bytes), TO_OBJECT);
  };
}

/** The grpc-js service definition of kk.v1.<service> (client side: no reflection types). */
export function leanServiceDefinition(service: string): grpc.ServiceDefinition {
  const methods = contractTypes[service]?.methods;
  if (!methods) throw new Error(`${PACKAGE}.${service} is not in the bundled descriptor`);
  const def: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const [name, m] of Object.entries(methods)) {
    const t = lazyTypes(m);
    def[name] = {
      path: `/${PACKAGE}.${service}/${name}`,
      requestStream: Boolean(m.requestStream),
      responseStream: Boolean(m.responseStream),
      requestSerialize: serializer(() => t().req),
      requestDeserialize: deserializer(() => t().req),
      responseSerialize: serializer(() => t().res),
      responseDeserialize: deserializer(() => t().res),
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
