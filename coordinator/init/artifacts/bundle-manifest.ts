// The offline bundle's table of contents, `kk-bundle.json`, always the first entry of the tgz:
// every other entry with its sha256 and size, what each binary is (so an import can place it and
// seed the checksum index), and the images in the OCI layout under `images/`.
//
// Layout inside the tgz:
//   kk-bundle.json                     this manifest
//   kubekey/<dest>                     binaries, charts, archives (KubeKey's binary_dir layout)
//   work/<dest>                        files kept under work_dir (tools)
//   images/oci-layout, images/index.json, images/blobs/sha256/<hex>   the OCI image layout
import { UserError } from '../../../shared/errors';
import type { ResolvedArtifact } from './cache';

export const BUNDLE_FORMAT = 'kk-artifact/v1';
export const MANIFEST_NAME = 'kk-bundle.json';

export interface BundleEntry {
  path: string;
  sha256: string;
  size: number;
}

export interface BundleImage {
  ref: string;
  digest: string;
  platforms: string[];
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  created: string;
  kubeVersion: string;
  arches: string[];
  /** Every file in the bundle but this manifest. */
  entries: BundleEntry[];
  /** The binaries and charts, each naming its entry by `path`. */
  artifacts: (ResolvedArtifact & { path: string })[];
  images: BundleImage[];
}

export function bundlePath(a: Pick<ResolvedArtifact, 'base' | 'dest'>): string {
  return `${a.base === 'work_dir' ? 'work' : 'kubekey'}/${a.dest}`;
}

/** Paths an entry may have: relative, no `..`, no absolute or empty segments. */
export function safeEntryPath(p: string): boolean {
  return p.length > 0 && p.length < 4096 && !p.startsWith('/') && p.split('/').every((s) => s !== '' && s !== '.' && s !== '..') && !p.includes('\0');
}

export function parseManifest(text: string, file: string): BundleManifest {
  let m: BundleManifest;
  try {
    m = JSON.parse(text) as BundleManifest;
  } catch (err) {
    throw new UserError(`${file}: ${MANIFEST_NAME} is not valid JSON (${(err as Error).message})`);
  }
  if (m.format !== BUNDLE_FORMAT) throw new UserError(`${file}: unknown bundle format ${JSON.stringify(m.format)} (kk reads ${BUNDLE_FORMAT})`);
  if (!Array.isArray(m.entries) || !Array.isArray(m.artifacts) || !Array.isArray(m.images))
    throw new UserError(`${file}: ${MANIFEST_NAME} lacks entries/artifacts/images`);
  const seen = new Set<string>();
  for (const e of m.entries) {
    if (typeof e.path !== 'string' || !safeEntryPath(e.path) || e.path === MANIFEST_NAME)
      throw new UserError(`${file}: ${MANIFEST_NAME} lists an unsafe path ${JSON.stringify(e.path)}`);
    if (!/^[0-9a-f]{64}$/.test(e.sha256) || !Number.isInteger(e.size) || e.size < 0)
      throw new UserError(`${file}: ${MANIFEST_NAME} entry ${e.path} has no valid sha256/size`);
    if (seen.has(e.path)) throw new UserError(`${file}: ${MANIFEST_NAME} lists ${e.path} twice`);
    seen.add(e.path);
  }
  for (const a of m.artifacts) {
    if (!seen.has(a.path)) throw new UserError(`${file}: artifact ${a.id} names ${a.path}, which is not an entry`);
    if (!safeEntryPath(a.dest)) throw new UserError(`${file}: artifact ${a.id} has an unsafe destination ${JSON.stringify(a.dest)}`);
  }
  return m;
}
