// The artifact cache under `artifact_dir/cache`, keyed by checksum: a file is stored once as
// `sha256/<hex>` (plus a hard link `sha512/<hex>` when upstream publishes sha512) and only after
// its digest matched. Checksum files are cached too (index.json: checksum URL → digest): they
// belong to immutable, versioned releases, and caching them is what lets a re-run, or a run after
// `artifact import`, make no request at all. Delete index.json to make kk fetch them again.
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ChecksumAlgorithm, PlannedArtifact } from './types';

export interface ChecksumRecord {
  algorithm: ChecksumAlgorithm;
  digest: string;
  /** For a sha512-published file: the sha256 it was stored under once downloaded. */
  sha256?: string;
}

interface CacheIndex {
  /** `<checksum url>#<entry>` → digest read from it. */
  checksums: Record<string, ChecksumRecord>;
  /** Files whose upstream publishes no checksum: URL → sha256 of the first download (trust on first use). */
  firstSeen: Record<string, string>;
}

/** A file of the plan, present and verified, as the install phase and the bundle use it. */
export interface ResolvedArtifact {
  id: string;
  name: string;
  kind: PlannedArtifact['kind'];
  arch: string | null;
  version: string;
  base: PlannedArtifact['base'];
  /** Relative to `base`. */
  dest: string;
  sha256: string;
  size: number;
  url: string;
  /** `sha256:<hex>` / `sha512:<hex>` checked against upstream, or `first-download` (no upstream checksum). */
  verified: string;
  /** The checksum index key that produced `verified`, so an import can seed the index. */
  checksumKey?: string;
}

export function checksumKey(url: string, entry?: string): string {
  return entry ? `${url}#${entry}` : url;
}

export class ArtifactCache {
  readonly root: string;
  private index: CacheIndex;
  private readonly indexFile: string;

  constructor(readonly artifactDir: string) {
    this.root = path.join(artifactDir, 'cache');
    this.indexFile = path.join(this.root, 'index.json');
    this.index = { checksums: {}, firstSeen: {} };
    if (existsSync(this.indexFile)) {
      try {
        const raw = JSON.parse(readFileSync(this.indexFile, 'utf8')) as Partial<CacheIndex>;
        this.index = { checksums: raw.checksums ?? {}, firstSeen: raw.firstSeen ?? {} };
      } catch {
        // A damaged index only costs re-fetching checksum files.
      }
    }
  }

  blobPath(algorithm: ChecksumAlgorithm, hex: string): string {
    return path.join(this.root, algorithm, hex);
  }

  /** The cached file with this digest, or null. */
  find(algorithm: ChecksumAlgorithm, hex: string): string | null {
    const p = this.blobPath(algorithm, hex);
    return existsSync(p) ? p : null;
  }

  /** Where a download in progress lives, so a later attempt (or run) resumes it. */
  partialPath(key: string): string {
    mkdirSync(path.join(this.root, 'partial'), { recursive: true });
    return path.join(this.root, 'partial', `${key}.partial`);
  }

  /** Moves a verified file into the cache; returns its path (`sha256/<hex>`). */
  commit(file: string, sha256: string, alias?: ChecksumRecord): string {
    const blob = this.blobPath('sha256', sha256);
    mkdirSync(path.dirname(blob), { recursive: true });
    renameSync(file, blob);
    if (alias && alias.algorithm !== 'sha256') {
      const other = this.blobPath(alias.algorithm, alias.digest);
      mkdirSync(path.dirname(other), { recursive: true });
      if (!existsSync(other)) linkOrCopy(blob, other);
    }
    return blob;
  }

  checksum(key: string): ChecksumRecord | undefined {
    return this.index.checksums[key];
  }

  setChecksum(key: string, rec: ChecksumRecord): void {
    this.index.checksums[key] = rec;
    this.save();
  }

  firstSeen(url: string): string | undefined {
    return this.index.firstSeen[url];
  }

  setFirstSeen(url: string, sha256: string): void {
    this.index.firstSeen[url] = sha256;
    this.save();
  }

  private save(): void {
    mkdirSync(this.root, { recursive: true });
    const tmp = `${this.indexFile}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.index, null, 1) + '\n');
    renameSync(tmp, this.indexFile);
  }
}

/**
 * Puts the cached `blob` at `dest` (a hard link: no second copy of a 100 MB binary), replacing
 * whatever was there atomically. Returns false when `dest` already is that file.
 */
export function place(blob: string, dest: string): boolean {
  const b = statSync(blob);
  try {
    const d = statSync(dest);
    if (d.ino === b.ino && d.dev === b.dev) return false;
  } catch {
    // absent: placed below
  }
  mkdirSync(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.kk-${randomBytes(4).toString('hex')}.tmp`;
  linkOrCopy(blob, tmp);
  renameSync(tmp, dest);
  return true;
}

function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK') throw err;
    copyFileSync(from, to);
  }
}

const RESOLVED = 'artifacts.json';

export function writeResolved(artifactDir: string, list: ResolvedArtifact[]): void {
  mkdirSync(artifactDir, { recursive: true });
  const file = path.join(artifactDir, RESOLVED);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify({ artifacts: list }, null, 1) + '\n');
  renameSync(tmp, file);
}

/** The verified files of the last download or import (`artifact_dir/artifacts.json`), [] when none. */
export function readResolved(artifactDir: string): ResolvedArtifact[] {
  const file = path.join(artifactDir, RESOLVED);
  if (!existsSync(file)) return [];
  return (JSON.parse(readFileSync(file, 'utf8')) as { artifacts: ResolvedArtifact[] }).artifacts;
}

/** For the coordinator's HTTPS server: the cached file with this sha256, if any. */
export function cacheLookup(artifactDir: string): (sha256: string) => { path: string; sha256: string; size: number; contentType: string } | undefined {
  const root = path.join(artifactDir, 'cache', 'sha256');
  return (sha256) => {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return undefined;
    const p = path.join(root, sha256);
    try {
      const st = statSync(p);
      return st.isFile() ? { path: p, sha256, size: st.size, contentType: 'application/octet-stream' } : undefined;
    } catch {
      return undefined;
    }
  };
}

export function removeQuietly(p: string): void {
  rmSync(p, { force: true, recursive: true });
}
