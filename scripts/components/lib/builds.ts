// What `build.sh` left under $KK_COMPONENTS_DIR/build/<component>/<version>/: each finished build
// has a build.json; a directory without one is an interrupted build and is never used.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export interface Build {
  component: string;
  version: string;
  dir: string;
  seconds: number;
  recipe: string;
}

export const componentsDir = (): string => process.env.KK_COMPONENTS_DIR ?? '/var/cache/kk-components';

export function readBuilds(root: string): Build[] {
  const base = path.join(root, 'build');
  if (!existsSync(base)) return [];
  const out: Build[] = [];
  for (const component of readdirSync(base)) {
    const cdir = path.join(base, component);
    if (!statSync(cdir).isDirectory()) continue;
    for (const version of readdirSync(cdir)) {
      const dir = path.join(cdir, version);
      const file = path.join(dir, 'build.json');
      if (!existsSync(file)) continue;
      const j = JSON.parse(readFileSync(file, 'utf8')) as Partial<Build>;
      out.push({ component, version, dir, seconds: Number(j.seconds ?? 0), recipe: String(j.recipe ?? '') });
    }
  }
  return out;
}

/** The built file `name` (kubeadm, runc, flannel.tgz …) and the build it came from; throws naming what is missing. */
export function findFile(builds: Build[], name: string, component?: string): { file: string; build: Build } {
  const hits = builds.filter((b) => (!component || b.component === component) && existsSync(path.join(b.dir, name)));
  if (hits.length === 0) {
    throw new Error(`no finished build has ${name}${component ? ` (component ${component})` : ''}: run scripts/components/build.sh first`);
  }
  if (hits.length > 1) {
    throw new Error(`${name} is in several builds (${hits.map((h) => `${h.component}/${h.version}`).join(', ')}): remove the stale one`);
  }
  return { file: path.join(hits[0]!.dir, name), build: hits[0]! };
}

/** `v1.2.3` whatever the build directory's spelling. */
export const withV = (v: string): string => (v.startsWith('v') ? v : `v${v}`);
export const noV = (v: string): string => v.replace(/^v/, '');
