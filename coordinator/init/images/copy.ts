// Copies images between registries and an OCI layout: pull (registry → layout, only the platforms
// of download.arch, every blob verified by digest) and push (layout → the cluster's registry,
// blobs first, then per-platform manifests, then the tag).
import { apiHost, parseReference, type ImageReference } from './reference';
import { RegistryClient, isIndexType, MEDIA, type RegistryEndpoint } from './registry-client';
import { blobPath, ensureLayout, findImage, hasBlob, readBlob, tagImage, writeBlob, type Descriptor, type ImageIndex } from './oci-layout';

interface Manifest {
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface PullOptions {
  /** `linux/amd64` … (from download.arch). */
  platforms: string[];
  /** strict: every platform must exist (KubeKey's images.policy strict); warn: note and go on. */
  policy?: 'strict' | 'warn';
  /** Connection settings for a source registry host. */
  endpoint?: (registry: string) => Partial<RegistryEndpoint>;
  onNote?: (note: string) => void;
  /** The name the image gets in the layout (its upstream name when pulled from a mirror); default: `ref` itself. */
  name?: string;
}

export interface PullResult {
  ref: string;
  digest: string;
  platforms: string[];
  blobs: number;
}

const clients = new WeakMap<object, Map<string, RegistryClient>>();
function clientFor(owner: object, ep: RegistryEndpoint): RegistryClient {
  let m = clients.get(owner);
  if (!m) clients.set(owner, (m = new Map()));
  const key = `${ep.plainHttp ? 'http' : 'https'}://${ep.host}`;
  let c = m.get(key);
  if (!c) m.set(key, (c = new RegistryClient(ep)));
  return c;
}

const platformOf = (d: Descriptor) => (d.platform ? `${d.platform.os}/${d.platform.architecture}${d.platform.variant ? `/${d.platform.variant}` : ''}` : '');
const matches = (d: Descriptor, want: string) => platformOf(d) === want || (platformOf(d).startsWith(`${want}/`) && want.split('/').length === 2);

export async function pullImage(ref: string, layoutDir: string, o: PullOptions): Promise<PullResult> {
  const r = parseReference(ref);
  const client = clientFor(o, { host: apiHost(r.registry), ...o.endpoint?.(r.registry) });
  ensureLayout(layoutDir);
  const top = await client.getManifest(r.repository, r.digest ?? r.tag);
  let blobs = 0;
  const fetchBlob = async (d: Descriptor) => {
    if (hasBlob(layoutDir, d.digest)) return;
    await client.getBlob(r.repository, d.digest, blobPath(layoutDir, d.digest));
    blobs++;
  };
  const pullManifest = async (bytes: Buffer) => {
    const m = JSON.parse(bytes.toString('utf8')) as Manifest;
    if (!m.config || !Array.isArray(m.layers)) throw new Error(`${ref}: manifest has no config/layers (schema 1 images are not supported)`);
    for (const d of [m.config, ...m.layers]) await fetchBlob(d);
    writeBlob(layoutDir, bytes);
  };

  let desc: Descriptor;
  let got: string[];
  if (isIndexType(top.mediaType)) {
    const index = JSON.parse(top.bytes.toString('utf8')) as ImageIndex;
    const chosen = index.manifests.filter((d) => o.platforms.some((p) => matches(d, p)));
    const missing = o.platforms.filter((p) => !index.manifests.some((d) => matches(d, p)));
    if (missing.length > 0) {
      const msg = `${ref} has no image for ${missing.join(', ')} (it has ${index.manifests.map(platformOf).filter(Boolean).join(', ') || 'none'})`;
      if ((o.policy ?? 'strict') === 'strict' || chosen.length === 0) throw new Error(msg);
      o.onNote?.(msg);
    }
    for (const d of chosen) {
      const child = await client.getManifest(r.repository, d.digest);
      await pullManifest(child.bytes);
    }
    // The original index is kept byte for byte when every entry came along, so its digest stays
    // the upstream one; otherwise (a subset of platforms) kk writes an index of what it has.
    const bytes =
      chosen.length === index.manifests.length ? top.bytes : Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: top.mediaType, manifests: chosen }));
    const digest = writeBlob(layoutDir, bytes);
    desc = { mediaType: top.mediaType, digest, size: bytes.length };
    got = chosen.map(platformOf);
  } else {
    await pullManifest(top.bytes);
    desc = { mediaType: top.mediaType || MEDIA.ociManifest, digest: top.digest, size: top.bytes.length };
    got = ['(single platform)'];
  }
  const named = o.name ? parseReference(o.name) : r;
  const name = `${named.registry}/${named.repository}:${named.tag}`;
  tagImage(layoutDir, desc, name, named.tag);
  return { ref: name, digest: desc.digest, platforms: got, blobs };
}

export interface PushResult {
  target: string;
  digest: string;
  blobsPushed: number;
  blobsPresent: number;
}

/** Pushes image `ref` (as named in the layout) to `target` on `endpoint`. */
export async function pushImage(layoutDir: string, ref: string, target: ImageReference, endpoint: RegistryEndpoint): Promise<PushResult> {
  const desc = findImage(layoutDir, ref);
  if (!desc) throw new Error(`${ref} is not in the image layout ${layoutDir}`);
  const client = new RegistryClient(endpoint);
  const repo = target.repository;
  let blobsPushed = 0;
  let blobsPresent = 0;
  const pushManifest = async (d: Descriptor, reference: string) => {
    const bytes = readBlob(layoutDir, d.digest);
    if (isIndexType(d.mediaType)) {
      const index = JSON.parse(bytes.toString('utf8')) as ImageIndex;
      for (const child of index.manifests) await pushManifest(child, child.digest);
    } else {
      const m = JSON.parse(bytes.toString('utf8')) as Manifest;
      for (const b of [m.config, ...m.layers]) {
        if (!hasBlob(layoutDir, b.digest)) throw new Error(`${ref}: blob ${b.digest} is missing from the image layout`);
        if ((await client.pushBlob(repo, b.digest, blobPath(layoutDir, b.digest))) === 'pushed') blobsPushed++;
        else blobsPresent++;
      }
    }
    await client.putManifest(repo, reference, d.mediaType, bytes);
  };
  await pushManifest(desc, target.tag);
  return { target: `${target.registry}/${repo}:${target.tag}`, digest: desc.digest, blobsPushed, blobsPresent };
}
