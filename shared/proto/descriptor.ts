// The bundled contract descriptor, and the cut-down copies that lean clients and codecs build from.
// Nothing here loads @grpc/proto-loader or @grpc/grpc-js: the agent and the CLI import only this.
import type { INamespace } from 'protobufjs';
import descriptorJson from './generated/descriptor.json' with { type: 'json' };

// JSON imports are typed structurally; the descriptor is protobufjs's own toJSON() output.
export const descriptor = descriptorJson as unknown as INamespace;

export const PACKAGE = 'kk.v1';

/**
 * How messages become JS objects on both sides: proto-loader's options for the server, and the
 * same conversion for the lean clients (shared/proto/lean-service.ts). The generated types were
 * made with these (scripts/gen-proto.mjs): keep them in step.
 */
export const CONVERSION = { keepCase: true, longs: Number, enums: String, defaults: true, arrays: true, oneofs: true } as const;

export interface FieldJson {
  type: string;
  keyType?: string;
}
export interface MethodJson {
  requestType: string;
  responseType: string;
  requestStream?: boolean;
  responseStream?: boolean;
}
export interface TypeJson {
  fields?: Record<string, FieldJson>;
  methods?: Record<string, MethodJson>;
}

// The contract is one flat package (scripts/gen-proto.mjs): every message is kk.v1.<Name>.
export const contractTypes = (descriptorJson as unknown as { nested: { kk: { nested: { v1: { nested: Record<string, TypeJson> } } } } }).nested.kk.nested.v1
  .nested;

export const localName = (ref: string): string => ref.slice(ref.lastIndexOf('.') + 1);

/**
 * The descriptor cut down to `roots` and every message their fields reach: protobufjs then builds
 * a handful of types instead of the whole contract (less start-up, less resident memory).
 */
export function descriptorFor(roots: string[]): INamespace {
  const picked: Record<string, TypeJson> = {};
  const todo = roots.map(localName);
  for (let name = todo.pop(); name !== undefined; name = todo.pop()) {
    const t = contractTypes[name];
    if (!t || picked[name]) continue; // scalars, or already taken
    picked[name] = t;
    for (const f of Object.values(t.fields ?? {})) todo.push(localName(f.type));
  }
  return { nested: { kk: { nested: { v1: { nested: picked } } } } } as unknown as INamespace;
}
