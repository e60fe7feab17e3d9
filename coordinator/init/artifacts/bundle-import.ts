// `artifact import` / `create cluster --artifact`: reads only the bundle. Every entry is hashed as
// it is unpacked into a staging directory and compared with kk-bundle.json; nothing reaches the
// cache, binary_dir or the image layout unless every entry matched and none is missing. Problems
// are reported all at once, each naming the entry (tampered, missing, unlisted, unreadable).
import { createReadStream, createWriteStream, type WriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { once } from 'node:events';
import path from 'node:path';
import { Parser, type ReadEntry } from 'tar';
import { UserError } from '../../../shared/errors';
import { MANIFEST_NAME, parseManifest, safeEntryPath, type BundleManifest } from './bundle-manifest';
import { ArtifactCache, place, writeResolved, type ResolvedArtifact } from './cache';
import { destPath } from './download';
import { ensureLayout, blobPath, tagImage, REF_ANNOTATION, TAG_ANNOTATION, type ImageIndex } from '../images/oci-layout';

export interface ImportOptions {
  binaryDir: string;
  workDir: string;
  artifactDir: string;
  /** Where the images' OCI layout goes [<artifactDir>/images]. */
  imageLayout?: string;
  /** download.artifact_sha256 / artifact_md5: the whole file must match (precheck artifact.file). */
  expectSha256?: string;
  expectMd5?: string;
}

export interface ImportResult {
  manifest: BundleManifest;
  resolved: ResolvedArtifact[];
  images: number;
  imageLayout: string;
  sha256: string;
}

const MANIFEST_LIMIT = 64 << 20;

export async function importBundle(file: string, o: ImportOptions): Promise<ImportResult> {
  if (!/\.(tgz|tar\.gz)$/.test(file)) throw new UserError(`artifact ${file} must end in .tgz or .tar.gz`);
  try {
    if (!statSync(file).isFile()) throw new UserError(`artifact ${file} is not a regular file`);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`artifact ${file} does not exist (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  mkdirSync(o.artifactDir, { recursive: true });
  const staging = path.join(o.artifactDir, `.import-${randomBytes(6).toString('hex')}`);
  mkdirSync(staging, { recursive: true });
  try {
    const { manifest, staged, sha256 } = await unpackVerified(file, staging, o);
    return commit(manifest, staged, sha256, o);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function unpackVerified(
  file: string,
  staging: string,
  o: ImportOptions,
): Promise<{ manifest: BundleManifest; staged: Map<string, string>; sha256: string }> {
  const problems: string[] = [];
  const staged = new Map<string, string>();
  const writes: Promise<void>[] = [];
  let manifest: BundleManifest | null = null;
  let expected = new Map<string, { sha256: string; size: number }>();
  let first = true;
  let current: string | null = null;
  let count = 0;
  const open = new Map<WriteStream, string>();
  /** Set when the compressed stream broke: what could not be read past that point. */
  let damage: string | null = null;
  const unread: string[] = [];

  const parser = new Parser({
    onwarn: (_code: string, message: string | Error) =>
      problems.push(`unreadable tar data${current ? ` in ${current}` : ''}: ${String(message instanceof Error ? message.message : message)}`),
  });
  parser.on('entry', (entry: ReadEntry) => {
    const name = entry.path.replace(/^\.\//, '');
    if (first) {
      first = false;
      if (name !== MANIFEST_NAME) {
        problems.push(`the first entry is ${name}, not ${MANIFEST_NAME}: this is not a kk bundle`);
        entry.resume();
        return;
      }
      const parts: Buffer[] = [];
      let size = 0;
      // 'end' first: adding a 'data' listener may flush a fully buffered entry, end included, at once.
      entry.on('end', () => {
        try {
          manifest = parseManifest(Buffer.concat(parts).toString('utf8'), file);
          expected = new Map(manifest.entries.map((e) => [e.path, { sha256: e.sha256, size: e.size }]));
        } catch (err) {
          problems.push((err as Error).message);
        }
      });
      entry.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MANIFEST_LIMIT) parts.push(c);
      });
      return;
    }
    if (entry.type === 'Directory') return void entry.resume();
    const want = expected.get(name);
    if (entry.type !== 'File' && entry.type !== 'OldFile') {
      problems.push(`${name}: unexpected ${entry.type} entry (a bundle holds plain files only)`);
      return void entry.resume();
    }
    if (!want || !safeEntryPath(name)) {
      problems.push(`${name}: not listed in ${MANIFEST_NAME}`);
      return void entry.resume();
    }
    if (staged.has(name)) {
      problems.push(`${name}: appears twice`);
      return void entry.resume();
    }
    current = name;
    const target = path.join(staging, String(count++));
    staged.set(name, target);
    const h = createHash('sha256');
    let size = 0;
    const out = createWriteStream(target);
    open.set(out, name);
    // One path for the bytes (hash and file together), listeners before the flow starts.
    entry.on('end', () => {
      if (current === name) current = null;
      out.end();
    });
    entry.on('data', (c: Buffer) => {
      h.update(c);
      size += c.length;
      if (!out.write(c)) {
        entry.pause();
        out.once('drain', () => entry.resume());
      }
    });
    writes.push(
      (async () => {
        await once(out, 'close');
        open.delete(out);
        if (damage !== null) {
          staged.delete(name);
          unread.push(name);
          return;
        }
        const got = h.digest('hex');
        if (got !== want.sha256 || size !== want.size) {
          staged.delete(name);
          problems.push(`${name}: tampered — its sha256 is ${got} (${size} bytes), ${MANIFEST_NAME} says ${want.sha256} (${want.size} bytes)`);
        }
      })(),
    );
  });

  const whole = createHash('sha256');
  const md5 = createHash('md5');
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  input.on('data', (c) => {
    whole.update(c as Buffer);
    md5.update(c as Buffer);
  });
  // Default 16 KiB output chunks: when the data is damaged, zlib drops the chunk it failed in,
  // so small chunks keep as much as possible readable (and the damaged entry nameable).
  const gunzip = createGunzip();
  const done = new Promise<void>((resolve, reject) => {
    parser.on('end', resolve);
    parser.on('error', reject);
    gunzip.on('error', reject);
    input.on('error', reject);
  });
  input.pipe(gunzip).pipe(parser as unknown as NodeJS.WritableStream);
  try {
    await done;
  } catch (err) {
    damage = (err as Error).message;
    input.destroy();
    // Entries cut off by the damage will never finish: close their files so nothing waits on them.
    for (const out of open.keys()) out.destroy();
  }
  await Promise.allSettled(writes);

  const sha256 = whole.digest('hex');
  const md5hex = md5.digest('hex');
  if (o.expectSha256 && o.expectSha256.toLowerCase() !== sha256)
    problems.unshift(`sha256 of ${file} is ${sha256}, download.artifact_sha256 says ${o.expectSha256}: the file is corrupt or not the expected artifact`);
  if (o.expectMd5 && o.expectMd5.toLowerCase() !== md5hex)
    problems.unshift(`md5 of ${file} is ${md5hex}, download.artifact_md5 says ${o.expectMd5}: the file is corrupt or not the expected artifact`);
  const m = manifest as BundleManifest | null;
  if (first && damage !== null) {
    // Nothing could be read at all: not gzip, or damaged in its first bytes.
    throw new UserError(`artifact ${file} is not a gzip'd tar (${damage}): not a kk bundle`);
  }
  if (!m && !problems.some((p) => p.includes(MANIFEST_NAME))) problems.push(`${MANIFEST_NAME} is missing: this is not a kk bundle`);
  if (m) {
    for (const e of m.entries) {
      if (staged.has(e.path) || problems.some((p) => p.startsWith(`${e.path}:`)) || unread.includes(e.path)) continue;
      if (damage !== null) unread.push(e.path);
      else problems.push(`${e.path}: missing from the bundle`);
    }
  }
  if (damage !== null) {
    problems.push(`the compressed data is damaged (${damage}); not readable past that point: ${unread.length > 0 ? listSome(unread) : 'no further entry'}`);
  }
  if (problems.length > 0 || !m) {
    throw new UserError(`artifact ${file} failed verification; nothing was imported:\n  ${problems.join('\n  ')}`);
  }
  return { manifest: m, staged, sha256 };
}

function commit(m: BundleManifest, staged: Map<string, string>, sha256: string, o: ImportOptions): ImportResult {
  const cache = new ArtifactCache(o.artifactDir);
  const resolved: ResolvedArtifact[] = [];
  for (const a of m.artifacts) {
    const from = staged.get(a.path)!;
    const sha = m.entries.find((e) => e.path === a.path)!.sha256;
    const blob = cache.find('sha256', sha) ?? cache.commit(from, sha, verifiedAlias(a.verified));
    staged.delete(a.path);
    place(blob, destPath({ binaryDir: o.binaryDir, workDir: o.workDir }, a));
    // Seeds the checksum index, so a download run after the import asks the network for nothing.
    const [algorithm, digest] = a.verified.split(':');
    if (a.checksumKey && (algorithm === 'sha256' || algorithm === 'sha512') && digest) {
      cache.setChecksum(a.checksumKey, { algorithm, digest, sha256: sha });
    } else if (a.verified === 'first-download') cache.setFirstSeen(a.url, sha);
    const { path: _p, ...rest } = a;
    resolved.push({ ...rest, sha256: sha });
  }
  const layout = o.imageLayout ?? path.join(o.artifactDir, 'images');
  let images = 0;
  const indexFile = staged.get('images/index.json');
  if (indexFile) {
    ensureLayout(layout);
    for (const [name, from] of staged) {
      const hex = /^images\/blobs\/sha256\/([0-9a-f]{64})$/.exec(name)?.[1];
      if (!hex) continue;
      const dest = blobPath(layout, `sha256:${hex}`);
      if (!existsSync(dest)) renameSync(from, dest);
    }
    const index = JSON.parse(readFileSync(indexFile, 'utf8')) as ImageIndex;
    for (const d of index.manifests) {
      const ref = d.annotations?.[REF_ANNOTATION];
      if (!ref) continue;
      tagImage(layout, d, ref, d.annotations?.[TAG_ANNOTATION] ?? 'latest');
      images++;
    }
  }
  writeResolved(o.artifactDir, resolved);
  return { manifest: m, resolved, images, imageLayout: layout, sha256 };
}

function verifiedAlias(verified: string): { algorithm: 'sha512'; digest: string } | undefined {
  const [algorithm, digest] = verified.split(':');
  return algorithm === 'sha512' && digest ? { algorithm, digest } : undefined;
}

/** A few names, then how many more: a damaged bundle can leave thousands unread. */
function listSome(names: string[], shown = 5): string {
  return names.length <= shown ? names.join(', ') : `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`;
}
