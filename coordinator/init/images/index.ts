// The plan's images, in bulk: pulled into one OCI layout (for the bundle, or before a push), and
// pushed from it to the cluster's registry at each image's pushRef.
import { pullImage, pushImage, type PullOptions, type PullResult, type PushResult } from './copy';
import { parseReference } from './reference';
import type { RegistryEndpoint } from './registry-client';
import type { PlannedImage } from '../artifacts/types';

export { pullImage, pushImage } from './copy';
export { sourceEndpoints, targetEndpoint } from './endpoints';
export type { RegistryEndpoint } from './registry-client';

export interface BulkOptions extends Omit<PullOptions, 'platforms'> {
  /** Progress lines (one per image). */
  onLine?: (line: string) => void;
}

/** Pulls every image; all failures are reported together, each naming its image. */
export async function pullPlanImages(images: PlannedImage[], layoutDir: string, o: BulkOptions = {}): Promise<PullResult[]> {
  const results: PullResult[] = [];
  const failures: string[] = [];
  for (const [i, img] of images.entries()) {
    try {
      const r = await pullImage(img.ref, layoutDir, { ...o, platforms: img.platforms, name: img.name });
      results.push(r);
      o.onLine?.(
        `[${i + 1}/${images.length}] ${img.ref}${img.ref === r.ref ? '' : ` as ${r.ref}`}: ${r.platforms.join(', ')} (${r.blobs} new blob${r.blobs === 1 ? '' : 's'})`,
      );
    } catch (err) {
      failures.push(`${img.ref}: ${(err as Error).message}`);
      o.onLine?.(`[${i + 1}/${images.length}] ${img.ref}: FAILED: ${(err as Error).message}`);
    }
  }
  if (failures.length > 0) throw new Error(`${failures.length} of ${images.length} images could not be pulled:\n  ${failures.join('\n  ')}`);
  return results;
}

/** Pushes every image that has a pushRef from the layout to `endpoint`. */
export async function pushPlanImages(
  images: PlannedImage[],
  layoutDir: string,
  endpoint: RegistryEndpoint,
  onLine?: (line: string) => void,
): Promise<PushResult[]> {
  const out: PushResult[] = [];
  for (const img of images) {
    if (!img.pushRef) continue;
    // The name pullImage gave it in the layout.
    const ref = parseReference(img.name);
    const src = `${ref.registry}/${ref.repository}:${ref.tag}`;
    const r = await pushImage(layoutDir, src, parseReference(img.pushRef), endpoint);
    onLine?.(`${src} → ${r.target} (${r.blobsPushed} blob${r.blobsPushed === 1 ? '' : 's'} sent, ${r.blobsPresent} already there)`);
    out.push(r);
  }
  return out;
}
