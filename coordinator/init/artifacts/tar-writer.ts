// Writes a gzip'd tar of named entries whose bytes come from anywhere (the checksum-keyed cache,
// an image layout), each checked against its expected sha256 while it streams. Headers are
// encoded by the `tar` package (ustar, pax for long names); entries are plain files, owned by
// root, with a fixed mtime so the same inputs give the same tar.
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createGzip, type Gzip } from 'node:zlib';
import { once } from 'node:events';
import { Transform, type Writable } from 'node:stream';
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

/** Tar bytes, with a number before each run that wants another gzip level. */
async function* tarStream(entries: Iterable<TarInput>, level: number, onEntry?: (name: string) => void): AsyncGenerator<Buffer | number> {
  yield level;
  for (const e of entries) {
    onEntry?.(e.name);
    yield e.size > 4096 && alreadyCompressed(e.source) ? 0 : level;
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
    if (e.sha256 && got !== e.sha256)
      throw new Error(
        `${e.name}: its source${typeof e.source === 'string' ? ` ${e.source}` : ''} hashes to ${got}, expected ${e.sha256}; the cache is damaged`,
      );
    const pad = (BLOCK - (n % BLOCK)) % BLOCK;
    if (pad) yield Buffer.alloc(pad);
  }
  yield Buffer.alloc(BLOCK * 2);
}

export interface WrittenArchive {
  sha256: string;
  md5: string;
  size: number;
}

/**
 * Streams the archive into `out`, returning the sums of the compressed file. Entries that are
 * already compressed (tarballs, image layers) are stored rather than deflated again: each run of
 * entries at one level is its own gzip member, and gzip readers (gunzip, tar -z, node's zlib)
 * read concatenated members as one stream. A bundle of mostly .tgz files is written at disk speed.
 */
export async function writeTarGz(
  entries: Iterable<TarInput>,
  out: Writable,
  o: { level?: number; onEntry?: (name: string) => void } = {},
): Promise<WrittenArchive> {
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
  const sink = pipeline(sums, out);
  const sinkFailed = new Promise<never>((_, reject) => {
    sink.catch(reject);
  });
  // Raced against every write below; this only keeps a failure before the first race from going unhandled.
  sinkFailed.catch(() => {});
  let gz: Gzip | null = null;
  let level = o.level ?? 1;
  const endMember = async () => {
    const g = gz;
    if (!g) return;
    gz = null;
    const ended = once(g, 'end');
    g.end();
    await Promise.race([ended, sinkFailed]);
  };
  try {
    for await (const item of tarStream(entries, level, o.onEntry)) {
      if (typeof item === 'number') {
        if (item !== level) await endMember();
        level = item;
        continue;
      }
      if (!gz) {
        const g = createGzip({ level, chunkSize: 1 << 20 });
        g.on('error', (err) => sums.destroy(err));
        g.pipe(sums, { end: false });
        gz = g;
      }
      if (!gz.write(item)) await Promise.race([once(gz, 'drain'), sinkFailed]);
    }
    await endMember();
    sums.end();
    await sink;
  } catch (err) {
    (gz as Gzip | null)?.destroy();
    sums.destroy(err as Error);
    // Already failing with err: the sink's error after destroy() adds nothing.
    await sink.catch(() => {});
    throw err;
  }
  return { sha256: sha.digest('hex'), md5: md5.digest('hex'), size };
}
