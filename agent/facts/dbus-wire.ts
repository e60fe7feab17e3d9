// The D-Bus message format (the specification's "Message Protocol"), little-endian, as far as the
// fact probes need it: writing method calls whose arguments are strings, and reading any reply.
// Only what systemd and timedated send back is read here, but the reader follows the general
// rules (alignment from the message start, arrays, structs, variants, dict entries) so an answer
// with an unexpected shape fails loudly instead of being misread.
import { ProbeFailure } from './probe';

export const MESSAGE_TYPE = { methodCall: 1, methodReturn: 2, error: 3, signal: 4 } as const;

/** A D-Bus value as read: numbers, strings, booleans, arrays/structs as arrays, variants unwrapped. */
export type DBusValue = number | bigint | string | boolean | DBusValue[];

export interface DBusMessage {
  type: number;
  serial: number;
  replySerial?: number;
  errorName?: string;
  signature: string;
  body: DBusValue[];
}

export interface MethodCall {
  destination: string;
  path: string;
  interface: string;
  member: string;
  /** String arguments only ("s" each). */
  args?: readonly string[];
}

const FIELD = { path: 1, interface: 2, member: 3, errorName: 4, replySerial: 5, destination: 6, sender: 7, signature: 8, unixFds: 9 } as const;

class Writer {
  private bytes: number[] = [];
  get length(): number {
    return this.bytes.length;
  }
  pad(n: number): void {
    while (this.bytes.length % n !== 0) this.bytes.push(0);
  }
  byte(b: number): void {
    this.bytes.push(b & 0xff);
  }
  uint32(v: number): void {
    this.pad(4);
    this.bytes.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }
  setUint32(at: number, v: number): void {
    this.bytes.splice(at, 4, v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }
  string(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.uint32(b.length);
    this.bytes.push(...b, 0);
  }
  signature(s: string): void {
    const b = Buffer.from(s, 'ascii');
    this.byte(b.length);
    this.bytes.push(...b, 0);
  }
  toBuffer(): Buffer {
    return Buffer.from(this.bytes);
  }
}

/** One method call message, ready to send. */
export function encodeMethodCall(call: MethodCall, serial: number): Buffer {
  const args = call.args ?? [];
  const body = new Writer();
  for (const a of args) body.string(a);
  const w = new Writer();
  w.byte(0x6c); // 'l': little-endian
  w.byte(MESSAGE_TYPE.methodCall);
  w.byte(0); // flags: a reply is wanted, auto-start allowed (timedated is started on demand)
  w.byte(1); // protocol version
  w.uint32(body.length);
  w.uint32(serial);
  const arrayAt = w.length;
  w.uint32(0); // header field array length, patched below
  const fieldsStart = w.length; // already 8-aligned (offset 16)
  const field = (code: number, sig: string, write: () => void) => {
    w.pad(8);
    w.byte(code);
    w.signature(sig);
    write();
  };
  field(FIELD.path, 'o', () => w.string(call.path));
  field(FIELD.interface, 's', () => w.string(call.interface));
  field(FIELD.member, 's', () => w.string(call.member));
  field(FIELD.destination, 's', () => w.string(call.destination));
  if (args.length > 0) field(FIELD.signature, 'g', () => w.signature('s'.repeat(args.length)));
  w.setUint32(arrayAt, w.length - fieldsStart);
  w.pad(8);
  return Buffer.concat([w.toBuffer(), body.toBuffer()]);
}

/** Bytes needed for the message at the start of `buf` (header, padding, body), or null if not known yet. */
export function messageLength(buf: Buffer): number | null {
  if (buf.length === 0) return null;
  if (buf[0] === 0x42) throw new ProbeFailure('D-Bus: only little-endian messages are understood');
  // Checked on the first byte, not after 16: a peer speaking something else is told apart at once.
  if (buf[0] !== 0x6c) throw new ProbeFailure(`D-Bus: not a message (starts with byte 0x${buf[0]!.toString(16).padStart(2, '0')})`);
  if (buf.length < 16) return null;
  const bodyLength = buf.readUInt32LE(4);
  const fieldsLength = buf.readUInt32LE(12);
  const total = align(16 + fieldsLength, 8) + bodyLength;
  // The specification's limit; without it a peer announcing 4 GiB would be waited for (and buffered).
  if (total > MAX_MESSAGE_BYTES) throw new ProbeFailure(`D-Bus: a message of ${total} bytes is over the ${MAX_MESSAGE_BYTES}-byte limit`);
  return total;
}

/** The largest message the D-Bus specification allows (2^27 bytes). */
export const MAX_MESSAGE_BYTES = 134_217_728;

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

class Reader {
  constructor(
    private readonly buf: Buffer,
    public pos: number,
    private readonly end: number,
  ) {}

  private need(n: number): void {
    if (this.pos + n > this.end) throw new ProbeFailure('D-Bus: message is shorter than its contents say');
  }

  align(n: number): void {
    this.pos = align(this.pos, n);
    if (this.pos > this.end) throw new ProbeFailure('D-Bus: message is shorter than its contents say');
  }

  uint32(): number {
    this.align(4);
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  string(lengthBytes: 1 | 4): string {
    const len = lengthBytes === 4 ? this.uint32() : this.byte();
    this.need(len + 1);
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len + 1;
    return s;
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  /** One complete type starting at sig[i]: its value and where the next type starts. */
  value(sig: string, i: number): [DBusValue, number] {
    const c = sig[i];
    switch (c) {
      case 'y':
        return [this.byte(), i + 1];
      case 'b':
        return [this.uint32() !== 0, i + 1];
      case 'n':
      case 'q': {
        this.align(2);
        this.need(2);
        const v = c === 'n' ? this.buf.readInt16LE(this.pos) : this.buf.readUInt16LE(this.pos);
        this.pos += 2;
        return [v, i + 1];
      }
      case 'i': {
        this.align(4);
        this.need(4);
        const v = this.buf.readInt32LE(this.pos);
        this.pos += 4;
        return [v, i + 1];
      }
      case 'u':
      case 'h':
        return [this.uint32(), i + 1];
      case 'x':
      case 't':
      case 'd': {
        this.align(8);
        this.need(8);
        const v = c === 'x' ? this.buf.readBigInt64LE(this.pos) : c === 't' ? this.buf.readBigUInt64LE(this.pos) : this.buf.readDoubleLE(this.pos);
        this.pos += 8;
        return [v, i + 1];
      }
      case 's':
      case 'o':
        return [this.string(4), i + 1];
      case 'g':
        return [this.string(1), i + 1];
      case 'v': {
        const inner = this.string(1);
        const [v, next] = this.value(inner, 0);
        if (next !== inner.length) throw new ProbeFailure(`D-Bus: variant signature ${JSON.stringify(inner)} is not one type`);
        return [v, i + 1];
      }
      case 'a': {
        const bytes = this.uint32();
        const elemEnd = completeTypeEnd(sig, i + 1);
        this.align(alignmentOf(sig[i + 1]!));
        const stop = this.pos + bytes;
        if (stop > this.end) throw new ProbeFailure('D-Bus: array runs past the end of the message');
        const items: DBusValue[] = [];
        while (this.pos < stop) items.push(this.value(sig, i + 1)[0]);
        if (this.pos !== stop) throw new ProbeFailure('D-Bus: array contents do not match its length');
        return [items, elemEnd];
      }
      case '(':
      case '{': {
        this.align(8);
        const close = c === '(' ? ')' : '}';
        const fields: DBusValue[] = [];
        let j = i + 1;
        while (sig[j] !== close) {
          if (j >= sig.length) throw new ProbeFailure(`D-Bus: unterminated ${c} in signature ${JSON.stringify(sig)}`);
          const [v, next] = this.value(sig, j);
          fields.push(v);
          j = next;
        }
        return [fields, j + 1];
      }
      default:
        throw new ProbeFailure(`D-Bus: type ${JSON.stringify(c ?? '')} in signature ${JSON.stringify(sig)} is not understood`);
    }
  }
}

function alignmentOf(c: string): number {
  switch (c) {
    case 'y':
    case 'g':
    case 'v':
      return 1;
    case 'n':
    case 'q':
      return 2;
    case 'x':
    case 't':
    case 'd':
    case '(':
    case '{':
      return 8;
    default:
      return 4;
  }
}

/** Index just past the complete type starting at sig[i]. */
function completeTypeEnd(sig: string, i: number): number {
  const c = sig[i];
  if (c === undefined) throw new ProbeFailure(`D-Bus: signature ${JSON.stringify(sig)} ends inside a type`);
  if (c === 'a') return completeTypeEnd(sig, i + 1);
  if (c === '(' || c === '{') {
    const close = c === '(' ? ')' : '}';
    let j = i + 1;
    while (sig[j] !== close) {
      if (j >= sig.length) throw new ProbeFailure(`D-Bus: unterminated ${c} in signature ${JSON.stringify(sig)}`);
      j = completeTypeEnd(sig, j);
    }
    return j + 1;
  }
  return i + 1;
}

/** Decodes one whole message (its length as messageLength says). */
export function decodeMessage(buf: Buffer): DBusMessage {
  const total = messageLength(buf);
  if (total === null || buf.length < total) throw new ProbeFailure('D-Bus: incomplete message');
  const type = buf[1]!;
  const serial = buf.readUInt32LE(8);
  const fieldsEnd = 16 + buf.readUInt32LE(12);
  const header = new Reader(buf, 16, fieldsEnd);
  const msg: DBusMessage = { type, serial, signature: '', body: [] };
  while (header.pos < fieldsEnd) {
    header.align(8);
    if (header.pos >= fieldsEnd) break;
    const code = header.byte();
    const [v] = header.value('v', 0);
    if (code === FIELD.replySerial && typeof v === 'number') msg.replySerial = v;
    else if (code === FIELD.errorName && typeof v === 'string') msg.errorName = v;
    else if (code === FIELD.signature && typeof v === 'string') msg.signature = v;
  }
  const body = new Reader(buf, align(fieldsEnd, 8), total);
  for (let i = 0; i < msg.signature.length;) {
    const [v, next] = body.value(msg.signature, i);
    msg.body.push(v);
    i = next;
  }
  return msg;
}
