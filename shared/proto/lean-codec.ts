// Per-method wire codecs made straight from the bundled descriptor with protobufjs, with no gRPC
// library attached: grpc-js clients (lean-service.ts) and the operator CLI's local-socket client
// (coordinator/cli/client/admin-socket.ts) share them. Each method's messages are built on its first call,
// from just the part of the descriptor they reach, and convert exactly as proto-loader converts
// them with LOADER_OPTIONS (shared/proto/index.ts), so the generated client types hold.
import protobuf from 'protobufjs';
import { CONVERSION, PACKAGE, contractTypes, descriptorFor, localName, type MethodJson } from './descriptor';

/** proto-loader's conversion (keepCase needs nothing here: the descriptor's names are already as written). */
const { keepCase: _keepCase, ...conversion } = CONVERSION;
export const TO_OBJECT: protobuf.IConversionOptions = conversion;

export interface MethodCodec {
  /** The HTTP/2 :path of the method, e.g. /kk.v1.AdminService/ListNodes. */
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  serializeRequest: (value: object) => Buffer;
  deserializeRequest: (bytes: Buffer) => object;
  serializeResponse: (value: object) => Buffer;
  deserializeResponse: (bytes: Buffer) => object;
}

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

/** Every method of kk.v1.<service>, by method name. */
export function serviceCodecs(service: string): Record<string, MethodCodec> {
  const methods = contractTypes[service]?.methods;
  if (!methods) throw new Error(`${PACKAGE}.${service} is not in the bundled descriptor`);
  const out: Record<string, MethodCodec> = {};
  for (const [name, m] of Object.entries(methods)) {
    const t = lazyTypes(m);
    out[name] = {
      path: `/${PACKAGE}.${service}/${name}`,
      requestStream: Boolean(m.requestStream),
      responseStream: Boolean(m.responseStream),
      serializeRequest: serializer(() => t().req),
      deserializeRequest: deserializer(() => t().req),
      serializeResponse: serializer(() => t().res),
      deserializeResponse: deserializer(() => t().res),
    };
  }
  return out;
}
