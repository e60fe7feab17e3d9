// The AdminService client class, made straight from the bundled descriptor with protobufjs.
// @grpc/proto-loader would load descriptor.proto and build reflection descriptors for every
// message, and protobufjs alone would still build all 67 messages of the contract; an operator
// command calls one or two methods. So each method's messages are built on its first call, from
// just the part of the descriptor they reach. Messages convert exactly as proto-loader converts
// them with LOADER_OPTIONS (shared/proto/index.ts), so the generated AdminService types hold.
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import descriptorJson from '../../shared/proto/generated/descriptor.json' with { type: 'json' };
import type { AdminServiceClient } from '../../shared/proto/generated/kk/v1/AdminService';

const PACKAGE = 'kk.v1';
const SERVICE = `${PACKAGE}.AdminService`;

/** proto-loader's conversion with LOADER_OPTIONS (keepCase is already in the descriptor's names). */
export const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: String, defaults: true, arrays: true, oneofs: true };

interface FieldJson { type: string; keyType?: string }
interface TypeJson { fields?: Record<string, FieldJson>; methods?: Record<string, MethodJson> }
interface MethodJson { requestType: string; responseType: string; requestStream?: boolean; responseStream?: boolean }

// The contract is one flat package (scripts/gen-proto.mjs): every message is kk.v1.<Name>.
const types = (descriptorJson as unknown as { nested: { kk: { nested: { v1: { nested: Record<string, TypeJson> } } } } }).nested.kk.nested.v1.nested;

const localName = (ref: string) => ref.slice(ref.lastIndexOf('.') + 1);

/** The descriptor cut down to `roots` and every message their fields reach. */
export function descriptorFor(roots: string[]): protobuf.INamespace {
  const picked: Record<string, TypeJson> = {};
  const todo = roots.map(localName);
  for (let name = todo.pop(); name !== undefined; name = todo.pop()) {
    const t = types[name];
    if (!t || picked[name]) continue; // scalars, or already taken
    picked[name] = t;
    for (const f of Object.values(t.fields ?? {})) todo.push(localName(f.type));
  }
  return { nested: { kk: { nested: { v1: { nested: picked } } } } } as unknown as protobuf.INamespace;
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

/** The grpc-js service definition of kk.v1.AdminService (client side: no reflection types). */
export function adminServiceDefinition(): grpc.ServiceDefinition {
  const methods = types.AdminService?.methods;
  if (!methods) throw new Error(`${SERVICE} is not in the bundled descriptor`);
  const def: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const [name, m] of Object.entries(methods)) {
    const t = lazyTypes(m);
    def[name] = {
      path: `/${SERVICE}/${name}`,
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

type AdminClientClass = new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions) => AdminServiceClient;

let ctor: AdminClientClass | undefined;

export function adminClientClass(): AdminClientClass {
  ctor ??= grpc.makeClientConstructor(adminServiceDefinition(), 'AdminService') as unknown as AdminClientClass;
  return ctor;
}
