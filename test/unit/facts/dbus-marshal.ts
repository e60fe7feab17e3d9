// The tests' own D-Bus marshalling, written from the specification independently of the agent's
// reader (agent/facts/dbus-wire.ts), so the two check each other: it builds the messages the
// bus peer sends through the real dbus-daemon and the malformed ones the bad peers send, and
// reads the few shapes the peer receives (header fields; s, o, g, u, b bodies).

/** A value to send, with its D-Bus signature. */
export interface Typed {
  sig: string;
  value: unknown;
}

export const HEADER = { path: 1, interface: 2, member: 3, errorName: 4, replySerial: 5, destination: 6, sender: 7, signature: 8 } as const;

/** systemd's ExecStart, a(sasbttttuii): path, argv, ignore-failure, then timestamps, pid, status. */
export function execStart(pathName: string): Typed {
  return { sig: 'a(sasbttttuii)', value: [[pathName, [pathName, '--config=/etc/x'], false, 0, 0, 0, 0, 0, 0, 0]] };
}

class Out {
  bytes: number[] = [];
  pad(n: number) {
    while (this.bytes.length % n) this.bytes.push(0);
  }
  u32(v: number) {
    this.pad(4);
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.bytes.push(...b);
  }
  u64(v: bigint) {
    this.pad(8);
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(v);
    this.bytes.push(...b);
  }
  i32(v: number) {
    this.pad(4);
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.bytes.push(...b);
  }
  str(s: string) {
    const b = Buffer.from(s);
    this.u32(b.length);
    this.bytes.push(...b, 0);
  }
  sig(s: string) {
    this.bytes.push(s.length, ...Buffer.from(s), 0);
  }
}

function typeEnd(sig: string, i: number): number {
  if (sig[i] === 'a') return typeEnd(sig, i + 1);
  if (sig[i] === '(') {
    let j = i + 1;
    while (sig[j] !== ')') j = typeEnd(sig, j);
    return j + 1;
  }
  return i + 1;
}

function write(o: Out, sig: string, value: unknown): void {
  const c = sig[0];
  if (c === 'y') o.bytes.push(value as number);
  else if (c === 'b') o.u32(value ? 1 : 0);
  else if (c === 'u') o.u32(value as number);
  else if (c === 'i') o.i32(value as number);
  else if (c === 't') o.u64(BigInt(value as number));
  else if (c === 's' || c === 'o') o.str(value as string);
  else if (c === 'g') o.sig(value as string);
  else if (c === 'v') {
    const t = value as Typed;
    o.sig(t.sig);
    write(o, t.sig, t.value);
  } else if (c === 'a') {
    o.u32(0);
    const lenAt = o.bytes.length - 4;
    const elem = sig.slice(1, typeEnd(sig, 1));
    o.pad(elem[0] === '(' || elem[0] === 't' ? 8 : elem[0] === 'y' || elem[0] === 'g' || elem[0] === 'v' ? 1 : 4);
    const start = o.bytes.length;
    for (const item of value as unknown[]) write(o, elem, item);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(o.bytes.length - start);
    o.bytes.splice(lenAt, 4, ...len);
  } else if (c === '(') {
    o.pad(8);
    let j = 1;
    for (const item of value as unknown[]) {
      const end = typeEnd(sig, j);
      write(o, sig.slice(j, end), item);
      j = end;
    }
  } else throw new Error(`test marshaller cannot write ${sig}`);
}

/** A whole little-endian message of `type` (1 call, 2 return, 3 error, 4 signal). */
export function encodeMessage(type: number, serial: number, fields: Array<[number, Typed]>, body: Typed[] = []): Buffer {
  const b = new Out();
  for (const t of body) write(b, t.sig, t.value);
  const sig = body.map((t) => t.sig).join('');
  const all: Array<[number, Typed]> = sig ? [...fields, [HEADER.signature, { sig: 'g', value: sig }]] : fields;
  const h = new Out();
  h.bytes.push(0x6c, type, 0, 1);
  h.u32(b.bytes.length);
  h.u32(serial);
  write(
    h,
    'a(yv)',
    all.map(([code, v]) => [code, v]),
  );
  h.pad(8);
  return Buffer.from([...h.bytes, ...b.bytes]);
}

/** A method call with typed arguments. */
export function encodeCall(serial: number, to: { destination: string; path: string; interface: string; member: string }, args: Typed[] = []): Buffer {
  return encodeMessage(
    1,
    serial,
    [
      [HEADER.path, { sig: 'o', value: to.path }],
      [HEADER.interface, { sig: 's', value: to.interface }],
      [HEADER.member, { sig: 's', value: to.member }],
      [HEADER.destination, { sig: 's', value: to.destination }],
    ],
    args,
  );
}

/** What the peer needs of a received message. */
export interface Received {
  type: number;
  serial: number;
  fields: Partial<Record<number, string | number>>;
  body: Array<string | number | boolean>;
}

/** Length of the message at the start of buf, or null until 16 bytes are there. */
export function frameLength(buf: Buffer): number | null {
  if (buf.length < 16) return null;
  return Math.ceil((16 + buf.readUInt32LE(12)) / 8) * 8 + buf.readUInt32LE(4);
}

/** Reads a message whose header values and body are all s, o, g, u or b. */
export function readMessage(buf: Buffer): Received {
  if (buf[0] !== 0x6c) throw new Error('test reader: not a little-endian message');
  let p = 0;
  const al = (n: number) => {
    p = Math.ceil(p / n) * n;
  };
  const one = (t: string): string | number | boolean => {
    if (t === 'g') {
      const l = buf[p]!;
      const v = buf.toString('ascii', p + 1, p + 1 + l);
      p += l + 2;
      return v;
    }
    al(4);
    const n = buf.readUInt32LE(p);
    p += 4;
    if (t === 'u') return n;
    if (t === 'b') return n !== 0;
    if (t === 's' || t === 'o') {
      const v = buf.toString('utf8', p, p + n);
      p += n + 1;
      return v;
    }
    throw new Error(`test reader cannot read ${t}`);
  };
  const fieldsEnd = 16 + buf.readUInt32LE(12);
  const msg: Received = { type: buf[1]!, serial: buf.readUInt32LE(8), fields: {}, body: [] };
  p = 16;
  while (p < fieldsEnd) {
    al(8);
    const code = buf[p++]!;
    const t = one('g') as string;
    const v = one(t);
    if (typeof v !== 'boolean') msg.fields[code] = v;
  }
  al(8);
  for (const t of String(msg.fields[HEADER.signature] ?? '')) msg.body.push(one(t));
  return msg;
}
