// The components `make components` built (docs/components.md): tests read their manifest to find
// the offline bundle, the mirror, the images and the versions; absent → the test is skipped.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface ComponentsManifest {
  kubernetes_version: string;
  arch: string;
  artifact: string;
  artifact_sha256: string;
  mirror: string;
  image_layout: string;
  bin: string;
  images: string[];
  versions: Record<string, string>;
  /** Config values selecting exactly the built versions. */
  config: Record<string, unknown>;
  build_seconds: number;
}

export const componentsDir = (): string => process.env.KK_COMPONENTS_DIR ?? '/var/cache/kk-components';

export function componentsManifest(): ComponentsManifest | null {
  const file = path.join(componentsDir(), 'manifest.json');
  if (!existsSync(file)) return null;
  const m = JSON.parse(readFileSync(file, 'utf8')) as ComponentsManifest;
  return existsSync(m.artifact) ? m : null;
}
