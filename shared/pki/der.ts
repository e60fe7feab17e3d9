// The few DER (X.690) pieces kk's two hot certificate paths need: a node's CSR (made by every
// agent) and the client certificate the coordinator issues for it at enrolment. Both are one fixed
// shape, so they are written directly and signed with Node's native crypto; @peculiar/x509, which
// builds and re-parses an object model for every certificate, stays for everything else (the CA,
// server and admin certificates, KubeKey's certificate table). Readers are strict: definite
// lengths only, no trailing bytes, every length inside its parent.

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), lengthBytes(body.length), body]);
}

export const seq = (...items: Buffer[]) => tlv(TAG.SEQUENCE, ...items);
export const set = (...items: Buffer[]) => tlv(TAG.SET, ...items);
/** [n] EXPLICIT (constructed, context-specific). */
export const explicit = (n: number, ...items: Buffer[]) => tlv(0xa0 | n, ...items);
export const utf8 = (s: string) => tlv(TAG.UTF8_STRING, Buffer.from(s, 'utf8'));
export const octets = (b: Buffer) => tlv(TAG.OCTET_STRING, b);
export const bitString = (b: Buffer) => tlv(TAG.BIT_STRING, Buffer.from([0]), b);
export const bool = (v: boolean) => tlv(TAG.BOOLEAN, Buffer.from([v ? 0xff : 0]));

/** A non-negative INTEGER from big-endian magnitude bytes (a 0 is prepended when the top bit is set). */
export function uint(magnitude: Buffer): Buffer {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  return tlv(TAG.INTEGER, (m[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), m]) : m.length ? m : Buffer.from([0]));
}

export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  if (parts.length < 2 || parts.some((p) => !Number.isInteger(p) || p < 0)) throw new Error(`bad OID ${dotted}`);
  const out = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(TAG.OID, Buffer.from(out));
}

/** UTCTime through 2049, GeneralizedTime after (RFC 5280 4.1.2.5), whole seconds, Z. */
export function time(d: Date): Buffer {
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  const year = d.getUTCFullYear();
  return year < 2050 ? tlv(TAG.UTC_TIME, Buffer.from(`${digits.slice(2)}Z`, 'latin1')) : tlv(TAG.GENERALIZED_TIME, Buffer.from(`${digits}Z`, 'latin1'));
}

export interface Tlv {
  tag: number;
  /** The whole element: tag, length and content. */
  raw: Buffer;
  content: Buffer;
}

/** Reads one element at `offset`; throws on anything that is not well-formed DER length-wise. */
export function readTlv(buf: Buffer, offset = 0): Tlv & { end: number } {
  if (offset + 2 > buf.length) throw new Error('truncated DER element');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new Error('multi-byte DER tags are not used here');
  let len = buf[offset + 1]!;
  let head = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('unsupported DER length');
    if (offset + 2 + n > buf.length) throw new Error('truncated DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[offset + 2 + i]!;
    head += n;
  }
  const end = offset + head + len;
  if (end > buf.length) throw new Error('DER element runs past its container');
  return { tag, raw: buf.subarray(offset, end), content: buf.subarray(offset + head, end), end };
}

/** The elements inside a constructed element's content, in order. */
export function children(content: Buffer): Tlv[] {
  const out: Tlv[] = [];
  for (let off = 0; off < content.length;) {
    const t = readTlv(content, off);
    out.push(t);
    off = t.end;
  }
  return out;
}

/** Dotted OID from an OBJECT IDENTIFIER's content bytes. */
export function oidString(content: Buffer): string {
  if (content.length === 0) throw new Error('empty OID');
  const first = content[0]!;
  const parts = [first < 80 ? Math.floor(first / 40) : 2, first < 80 ? first % 40 : first - 80];
  let v = 0;
  for (const b of content.subarray(1)) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

export function toPem(label: string, der: Buffer): string {
  const b64 = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** The DER inside the first PEM block with this label, or null. */
export function fromPem(label: string, pem: string): Buffer | null {
  const m = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(pem);
  return m ? Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64') : null;
}

/** A certificate's subject Name, DER, as it stands in the certificate. */
export function certificateSubject(certDer: Buffer): Buffer {
  const cert = readTlv(certDer);
  const tbs = children(cert.content)[0];
  if (cert.tag !== TAG.SEQUENCE || tbs?.tag !== TAG.SEQUENCE) throw new Error('not an X.509 certificate');
  const fields = children(tbs.content);
  // version [0] is present in v3 certificates: serial, signature, issuer, validity, subject follow.
  const subject = fields[fields[0]?.tag === 0xa0 ? 5 : 4];
  if (subject?.tag !== TAG.SEQUENCE) throw new Error('X.509 certificate without a subject');
  return subject.raw;
}
