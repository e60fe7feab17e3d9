// An OCI image layout on disk (image-spec image-layout.md): `oci-layout`, `index.json` naming each
// image, and content-addressed `blobs/sha256/<hex>`. This is what the offline bundle carries and
// what `skopeo`/`oras`/`crane` read as `oci:<dir>`.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MEDIA, sha256Digest } from './registry-client';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
}

/** The full reference (registry/repository:tag) each image in the layout is known by. */
export const REF_ANNOTATION = 'io.containerd.image.name';
export const TAG_ANNOTATION = 'org.opencontainers.image.ref.name';

export function ensureLayout(dir: string): void {
  mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  const marker = path.join(dir, 'oci-layout');
  if (!existsSync(marker)) writeFileSync(marker, JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  if (!existsSync(path.join(dir, 'index.json'))) writeIndex(dir, { schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: [] });
}

export function blobPath(dir: string, digest: string): string {
  const [algo, hex] = digest.split(':');
  if (algo !== 'sha256' || !hex || !/^[0-9a-f]{64}$/.test(hex)) throw new Error(`unsupported digest ${JSON.stringify(digest)}`);
  return path.join(dir, 'blobs', 'sha256', hex);
}

export function hasBlob(dir: string, digest: string): boolean {
  return existsSync(blobPath(dir, digest));
}

export function readBlob(dir: string, digest: string): Buffer {
  const b = readFileSync(blobPath(dir, digest));
  if (sha256Digest(b) !== digest) throw new Error(`${blobPath(dir, digest)} does not hash to ${digest}: the image layout is damaged`);
  return b;
}

export function writeBlob(dir: string, bytes: Buffer): string {
  const digest = sha256Digest(bytes);
  const p = blobPath(dir, digest);
  if (!existsSync(p)) {
    writeFileSync(`${p}.tmp`, bytes);
    renameSync(`${p}.tmp`, p);
  }
  return digest;
}

export function readIndex(dir: string): ImageIndex {
  return JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')) as ImageIndex;
}

function writeIndex(dir: string, index: ImageIndex): void {
  const file = path.join(dir, 'index.json');
  writeFileSync(`${file}.tmp`, JSON.stringify(index, null, 1) + '\n');
  renameSync(`${file}.tmp`, file);
}

/** Names `desc` as image `ref` in index.json (replacing an older entry of that name). */
export function tagImage(dir: string, desc: Descriptor, ref: string, tag: string): void {
  const index = readIndex(dir);
  index.manifests = index.manifests.filter((m) => m.annotations?.[REF_ANNOTATION] !== ref);
  index.manifests.push({ ...desc, annotations: { ...desc.annotations, [REF_ANNOTATION]: ref, [TAG_ANNOTATION]: tag } });
  writeIndex(dir, index);
}

export function findImage(dir: string, ref: string): Descriptor | undefined {
  return readIndex(dir).manifests.find((m) => m.annotations?.[REF_ANNOTATION] === ref);
}
