// `artifact export`: one .tgz holding every verified file of the plan (from the cache), the images
// (an OCI layout) and kk-bundle.json with the sha256 of each entry. Written to a temp name and
// renamed when complete, so a broken export never leaves a plausible-looking bundle behind.
import { createWriteStream, readFileSync, renameSync, rmSync, statSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { writeTarGz, type TarInput } from './tar-writer';
import { BUNDLE_FORMAT, MANIFEST_NAME, bundlePath, type BundleEntry, type BundleImage, type BundleManifest } from './bundle-manifest';
import { ArtifactCache, type ResolvedArtifact } from './cache';
import { blobPath, readIndex, type Descriptor, type ImageIndex } from '../images/oci-layout';
import { isIndexType } from '../images/registry-client';
import type { ArtifactPlan } from './types';

export interface ExportInput {
  plan: Pick<ArtifactPlan, 'kubeVersion' | 'arches'>;
  /** The verified files (downloadPlan's result). */
  resolved: ResolvedArtifact[];
  /** Where the cache is (the plan's artifact_dir). */
  artifactDir: string;
  /** An OCI layout holding the images, or null for a bundle without images. */
  imageLayout: string | null;
  /** What each image in the layout is (pull results). */
  images?: BundleImage[];
}

export interface ExportResult {
  file: string;
  sha256: string;
  md5: string;
  size: number;
  entries: number;
}

/** Every blob an image layout's index reaches (index → manifests → config and layers). */
export function layoutBlobs(dir: string): Descriptor[] {
  const out = new Map<string, Descriptor>();
  const walk = (d: Descriptor) => {
    if (out.has(d.digest)) return;
    out.set(d.digest, d);
    const isManifestish = isIndexType(d.mediaType) || /manifest/.test(d.mediaType);
    if (!isManifestish) return;
    const body = JSON.parse(readFileSync(blobPath(dir, d.digest), 'utf8')) as ImageIndex & { config?: Descriptor; layers?: Descriptor[] };
    if (Array.isArray(body.manifests)) body.manifests.forEach(walk);
    if (body.config) walk(body.config);
    (body.layers ?? []).forEach(walk);
  };
  readIndex(dir).manifests.forEach(walk);
  return [...out.values()];
}

export async function exportBundle(input: ExportInput, output: string, o: { level?: number; onEntry?: (name: string) => void } = {}): Promise<ExportResult> {
  const cache = new ArtifactCache(input.artifactDir);
  const files: TarInput[] = [];
  const artifacts: BundleManifest['artifacts'] = [];
  const seen = new Set<string>();
  for (const a of input.resolved) {
    const p = bundlePath(a);
    if (seen.has(p)) continue;
    seen.add(p);
    const blob = cache.find('sha256', a.sha256);
    if (!blob) throw new Error(`${a.id} (sha256 ${a.sha256}) is not in the cache ${cache.root}: run the download first`);
    files.push({ name: p, size: statSync(blob).size, source: blob, sha256: a.sha256 });
    artifacts.push({ ...a, path: p });
  }
  if (input.imageLayout) {
    for (const name of ['oci-layout', 'index.json']) {
      const bytes = readFileSync(path.join(input.imageLayout, name));
      files.push({ name: `images/${name}`, size: bytes.length, source: bytes, sha256: createHash('sha256').update(bytes).digest('hex') });
    }
    for (const d of layoutBlobs(input.imageLayout)) {
      const hex = d.digest.slice('sha256:'.length);
      const file = blobPath(input.imageLayout, d.digest);
      files.push({ name: `images/blobs/sha256/${hex}`, size: statSync(file).size, source: file, sha256: hex });
    }
  }
  const entries: BundleEntry[] = files.map((f) => ({ path: f.name, sha256: f.sha256!, size: f.size }));
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    created: new Date().toISOString(),
    kubeVersion: input.plan.kubeVersion,
    arches: input.plan.arches,
    entries,
    artifacts,
    images: input.images ?? [],
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 1) + '\n');
  mkdirSync(path.dirname(path.resolve(output)), { recursive: true });
  const tmp = `${output}.partial`;
  try {
    // Most of a bundle is already compressed (tarballs, image layers): level 1 keeps export fast.
    const written = await writeTarGz([{ name: MANIFEST_NAME, size: manifestBytes.length, source: manifestBytes }, ...files], createWriteStream(tmp), o);
    renameSync(tmp, output);
    return { file: output, ...written, entries: files.length };
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
