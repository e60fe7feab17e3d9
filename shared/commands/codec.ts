// Encoding of the NATS command payloads (proto/kk/v1/command.proto) with protobufjs, from the
// same bundled descriptor the gRPC side uses. Decoding is bounded: a payload larger than NATS
// would ever carry is refused before protobufjs looks at it.
import protobuf from 'protobufjs';
import { descriptorFor } from '../proto/descriptor';
import type { Command, Command__Output } from '../proto/generated/kk/v1/Command';
import type { SignedCommand__Output } from '../proto/generated/kk/v1/SignedCommand';
import type { CommandAccepted, CommandAccepted__Output } from '../proto/generated/kk/v1/CommandAccepted';
import type { OutputChunk, OutputChunk__Output } from '../proto/generated/kk/v1/OutputChunk';
import type { CommandResult, CommandResult__Output } from '../proto/generated/kk/v1/CommandResult';
import { isValidSubjectToken } from '../subjects';

export type { Command, Command__Output, CommandResult, CommandResult__Output, OutputChunk__Output, CommandAccepted__Output };
export type { ExecCommand } from '../proto/generated/kk/v1/ExecCommand';
export type { WriteFileCommand } from '../proto/generated/kk/v1/WriteFileCommand';
export type { FetchCommand } from '../proto/generated/kk/v1/FetchCommand';
export type { ServiceCommand } from '../proto/generated/kk/v1/ServiceCommand';
export type { ProbeCommand } from '../proto/generated/kk/v1/ProbeCommand';
export type { RefreshFactsCommand } from '../proto/generated/kk/v1/RefreshFactsCommand';
export type { CancelCommand } from '../proto/generated/kk/v1/CancelCommand';

/** Output chunks and result tails are at most this long. */
export const MAX_CHUNK_BYTES = 64 * 1024;
export const MAX_TAIL_BYTES = 64 * 1024;
/** Largest signed command an agent accepts (NATS max_payload is 1 MiB; this leaves headroom). */
export const MAX_COMMAND_BYTES = 960 * 1024;
/** Bound on a result's data map (facts JSON, probe results), so a result always fits one message. */
export const MAX_RESULT_DATA_BYTES = 640 * 1024;

export type CommandStatus = 'ok' | 'failed' | 'refused' | 'timeout' | 'cancelled';
export const COMMAND_STATUSES: readonly CommandStatus[] = ['ok', 'failed', 'refused', 'timeout', 'cancelled'];
export type CommandKind = NonNullable<Command__Output['kind']>;

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: String, defaults: true, arrays: true, objects: true, oneofs: true };

let types: Record<'Command' | 'SignedCommand' | 'CommandAccepted' | 'OutputChunk' | 'CommandResult', protobuf.Type> | undefined;

function t(): NonNullable<typeof types> {
  if (!types) {
    const root = protobuf.Root.fromJSON(descriptorFor(['Command', 'SignedCommand', 'CommandAccepted', 'OutputChunk', 'CommandResult']));
    const lookup = (n: string) => root.lookupType(`kk.v1.${n}`);
    types = {
      Command: lookup('Command'),
      SignedCommand: lookup('SignedCommand'),
      CommandAccepted: lookup('CommandAccepted'),
      OutputChunk: lookup('OutputChunk'),
      CommandResult: lookup('CommandResult'),
    };
  }
  return types;
}

function encode(type: protobuf.Type, value: object): Uint8Array {
  return type.encode(type.fromObject(value as Record<string, unknown>)).finish();
}

function decode<T>(type: protobuf.Type, bytes: Uint8Array, max: number): T {
  if (bytes.length > max) throw new Error(`${type.name} of ${bytes.length} bytes exceeds the limit of ${max}`);
  // A Buffer (not a bare Uint8Array, as NATS hands out) makes protobufjs decode bytes fields as Buffers.
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return type.toObject(type.decode(buf), TO_OBJECT) as T;
}

export const encodeCommand = (c: Command): Uint8Array => encode(t().Command, c);
export const decodeCommand = (b: Uint8Array): Command__Output => decode(t().Command, b, MAX_COMMAND_BYTES);
export const encodeSignedCommand = (command: Uint8Array, signature: Uint8Array): Uint8Array => encode(t().SignedCommand, { command, signature });
export const decodeSignedCommand = (b: Uint8Array): SignedCommand__Output => decode(t().SignedCommand, b, MAX_COMMAND_BYTES + 1024);
export const encodeAccepted = (a: CommandAccepted): Uint8Array => encode(t().CommandAccepted, a);
export const decodeAccepted = (b: Uint8Array): CommandAccepted__Output => decode(t().CommandAccepted, b, 4096);
export const encodeOutputChunk = (c: OutputChunk): Uint8Array => encode(t().OutputChunk, c);
export const decodeOutputChunk = (b: Uint8Array): OutputChunk__Output => decode(t().OutputChunk, b, MAX_CHUNK_BYTES + 4096);
export const encodeResult = (r: CommandResult): Uint8Array => encode(t().CommandResult, r);
export const decodeResult = (b: Uint8Array): CommandResult__Output => decode(t().CommandResult, b, 2 * MAX_TAIL_BYTES + MAX_RESULT_DATA_BYTES + 64 * 1024);

/** Command ids become one NATS subject token: [A-Za-z0-9_-]{1,128}. */
export function isValidCommandId(id: string): boolean {
  return isValidSubjectToken(id);
}
