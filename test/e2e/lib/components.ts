// The components `make components` built (docs/components.md): tests read their manifest to find
// the offline bundle, the mirror, the images and the versions; absent → the test is skipped.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ComponentsManifest } from '../../../scripts/components/lib/manifest';

export type { ComponentsManifest };

export const componentsDir = (): string => process.env.KK_COMPONENTS_DIR ?? '/var/cache/kk-components';

export function componentsManifest(): ComponentsManifest | null {
  const file = path.join(componentsDir(), 'manifest.json');
  if (!existsSync(file)) return null;
  const m = JSON.parse(readFileSync(file, 'utf8')) as ComponentsManifest;
  return existsSync(m.artifact) ? m : null;
}
