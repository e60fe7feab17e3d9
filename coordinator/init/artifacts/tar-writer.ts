// Writes a gzip'd tar of named entries whose bytes come from anywhere (the checksum-keyed cache,
// an image layout), each checked against its expected sha256 while it streams. Headers are
// encoded by the `tar` package (ustar, pax for long names); entries are plain files, owned by
// root, with a fixed mtime so the same inputs give the same tar.
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { constants as zc, createGzip, type Gzip, type ZlibParams } from 'node:zlib';
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Header, Pax } from 'tar';

export interface TarInput {
  name: string;
  size: number;
  /** A file on disk, or bytes in memory. */
  source: string | Buffer;
  /** When set, the entry's bytes must hash to this (lower-case hex) or the archive is abandoned. */
  sha256?: string;
}

const MTIME = new Date('2020-01-01T00:00:00Z');
const BLOCK = 512;

function header(name: string, size: number): Buffer {
  const data = { path: name, mode: 0o644, size, mtime: MTIME, type: 'File' as const, uid: 0, gid: 0, uname: 'root', gname: 'root' };
  const block = Buffer.alloc(BLOCK);
  const h = new Header(data);
  if (!h.encode(block, 0)) return block;
  return Buffer.concat([new Pax({ path: name, size, mtime: MTIME }).encode(), block]);
}

/** gzip, zip, xz, zstd, bzip2: content that deflate cannot shrink, only spend time on. */
function alreadyCompressed(source: string | Buffer): boolean {
  let head: Buffer;
  if (Buffer.isBuffer(source)) head = source.subarray(0, 6);
  else {
    head = Buffer.alloc(6);
    const fd = openSync(source, 'r');
    try {
      head = head.subarray(0, readSync(fd, head, 0, 6, 0));
    } finally {
      closeSync(fd);
    }
  }
  const hex = head.toString('hex');
  return hex.startsWith('1f8b') || hex.startsWith('504b0304') || hex.startsWith('fd377a585a00') || hex.startsWith('28b52ffd') || hex.startsWith('425a68');
}

async function* tarStream(entries: Iterable<TarInput>, gz: Gzip & ZlibParams, level: number, onEntry?: (name: string) => void): AsyncGenerator<Buffer> {
  let current = level;
  for (const e of entries) {
    onEntry?.(e.name);
    // Compressed entries (tarballs, image layers) are stored; the level changes mid-stream, which
    // deflate allows, so a bundle of mostly .tgz files is written at disk speed.
    const want = e.size > 4096 && alreadyCompressed(e.source) ? 0 : level;
    if (want !== current) {
      await new Promise<void>((resolve) => gz.params(want, zc.Z_DEFAULT_STRATEGY, () => resolve()));
      current = want;
    }
    yield header(e.name, e.size);
    const h = createHash('sha256');
    let n = 0;
    if (Buffer.isBuffer(e.source)) {
      h.update(e.source);
      n = e.source.length;
      yield e.source;
    } else {
      for await (const chunk of createReadStream(e.source, { highWaterMark: 1 << 20 })) {
        const c = chunk as Buffer;
        h.update(c);
        n += c.length;
        yield c;
      }
    }
    if (n !== e.size) throw new Error(`${e.name}: expected ${e.size} bytes, read ${n} (the source changed while the bundle was written)`);
    const got = h.digest('hex');
    if (e.sha256 && got !== e.sha256) throw new Error(`${e.name}: its source${typeof e.source === 'string' ? ` ${e.source}` : ''} hashes to ${got}, expected ${e.sha256}; the cache is damaged`);
    const pad = (BLOCK - (n % BLOCK)) % BLOCK;
    if (pad) yield Buffer.alloc(pad);
  }
  yield Buffer.alloc(BLOCK * 2);
}

export interface WrittenArchive { sha256: string; md5: string; size: number }

/** Streams the archive (gzip at `level`) into `out`, returning the sums of the compressed file. */
export async function writeTarGz(entries: Iterable<TarInput>, out: Writable, o: { level?: number; onEntry?: (name: string) => void } = {}): Promise<WrittenArchive> {
  const sha = createHash('sha256');
  const md5 = createHash('md5');
  let size = 0;
  const sums = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      sha.update(chunk);
      md5.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  const level = o.level ?? 1;
  // Gzip streams are deflate streams underneath: params() exists at run time, the typings omit it.
  const gz = createGzip({ level, chunkSize: 1 << 20 }) as Gzip & ZlibParams;
  await pipeline(Readable.from(tarStream(entries, gz, level, o.onEntry)), gz, sums, out);
  return { sha256: sha.digest('hex'), md5: md5.digest('hex'), size };
}
