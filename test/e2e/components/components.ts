// Where the tests find kk's component builds (scripts/components/build.sh, `make components`): the
// node binaries (kubelet, containerd, runc, crictl, …), the versions they were pinned to, and the OCI
// image layout with the upstream image names.
//
// One place to change when the lead switches the tests to $KK_COMPONENTS_DIR/manifest.json: today the
// binaries are read from the build directories (build/<component>/<version>/, finished builds only —
// those with a build.json), at the versions pinned in scripts/components/versions.env. The manifest,
// when present, only names the image layout.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const componentsRoot = (): string => process.env.KK_COMPONENTS_DIR ?? '/var/cache/kk-components';
export const manifestPath = (): string => path.join(componentsRoot(), 'manifest.json');
const VERSIONS_ENV = path.resolve(import.meta.dirname, '../../../scripts/components/versions.env');

/** The binaries a Kubernetes node runs, by file name. */
export const NODE_BINS = ['kubelet', 'kubeadm', 'kubectl', 'containerd', 'containerd-shim-runc-v2', 'ctr', 'runc', 'crictl'] as const;
export type NodeBin = (typeof NODE_BINS)[number];

/** The pinned version of each component, as scripts/components/versions.env spells it. */
export interface ComponentVersions {
  kubernetes: string;
  containerd: string;
  runc: string;
  crictl: string;
  pause: string;
  agnhost: string;
}

export interface NodeComponents {
  /** Host path of each binary. */
  bins: Record<NodeBin, string>;
  versions: ComponentVersions;
  /** Where the binaries were found: the build dirs (before `make components` wrote a manifest) or the manifest's. */
  source: 'build-dirs' | 'manifest';
}

export type Found<T> = { ok: true; value: T } | { ok: false; reason: string };

/** KEY=value lines of versions.env. */
export function readPins(file = VERSIONS_ENV): Record<string, string> {
  const pins: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(\S*)\s*$/.exec(line);
    if (m) pins[m[1]!] = m[2]!;
  }
  return pins;
}

const COMPONENT_OF: Record<NodeBin, { component: string; pin: keyof ComponentVersions }> = {
  kubelet: { component: 'kubernetes', pin: 'kubernetes' },
  kubeadm: { component: 'kubernetes', pin: 'kubernetes' },
  kubectl: { component: 'kubernetes', pin: 'kubernetes' },
  containerd: { component: 'containerd', pin: 'containerd' },
  'containerd-shim-runc-v2': { component: 'containerd', pin: 'containerd' },
  ctr: { component: 'containerd', pin: 'containerd' },
  runc: { component: 'runc', pin: 'runc' },
  crictl: { component: 'crictl', pin: 'crictl' },
};

/**
 * The node binaries at their pinned versions, or why they are not there (for `{ skip: reason }`).
 * A build directory counts once its build.json exists (build.sh writes it last).
 */
export function nodeComponents(): Found<NodeComponents> {
  if (!existsSync(VERSIONS_ENV)) return { ok: false, reason: `no ${VERSIONS_ENV}: the component pins are not in this tree` };
  const pins = readPins();
  const versions: ComponentVersions = {
    kubernetes: pins.KUBERNETES_VERSION ?? '',
    containerd: pins.CONTAINERD_VERSION ?? '',
    runc: pins.RUNC_VERSION ?? '',
    crictl: pins.CRICTL_VERSION ?? '',
    pause: pins.PAUSE_VERSION ?? '',
    agnhost: pins.AGNHOST_VERSION ?? '',
  };
  const unpinned = Object.entries(versions)
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (unpinned.length > 0) return { ok: false, reason: `${VERSIONS_ENV} pins no version for ${unpinned.join(', ')}` };
  const root = componentsRoot();
  const bins = {} as Record<NodeBin, string>;
  const missing: string[] = [];
  for (const name of NODE_BINS) {
    const { component, pin } = COMPONENT_OF[name];
    const dir = path.join(root, 'build', component, versions[pin]);
    const file = path.join(dir, name);
    if (!existsSync(path.join(dir, 'build.json')) || !existsSync(file)) missing.push(path.relative(root, file));
    bins[name] = file;
  }
  const haveManifest = existsSync(manifestPath());
  if (missing.length > 0) {
    return {
      ok: false,
      reason: `${haveManifest ? '' : `no ${manifestPath()} (\`make components\` writes it) and `}the component builds under ${root} lack ${
        missing.length > 3 ? `${missing.slice(0, 3).join(', ')} and ${missing.length - 3} more` : missing.join(', ')
      } (scripts/components/build.sh makes them)`,
    };
  }
  return { ok: true, value: { bins, versions, source: haveManifest ? 'manifest' : 'build-dirs' } };
}

/** The OCI image layout holding `refs` (upstream names), or why it cannot be used. */
export function imageLayout(refs: readonly string[]): Found<string> {
  let dir = path.join(componentsRoot(), 'images');
  if (existsSync(manifestPath())) {
    const m = JSON.parse(readFileSync(manifestPath(), 'utf8')) as { image_layout?: string };
    if (m.image_layout) dir = m.image_layout;
  }
  const indexFile = path.join(dir, 'index.json');
  if (!existsSync(indexFile)) return { ok: false, reason: `no OCI image layout at ${dir} yet (scripts/components/layout.ts, \`make components\`, makes it)` };
  const index = JSON.parse(readFileSync(indexFile, 'utf8')) as { manifests?: { annotations?: Record<string, string> }[] };
  const names = new Set((index.manifests ?? []).map((m) => m.annotations?.['io.containerd.image.name']).filter(Boolean));
  const absent = refs.filter((r) => !names.has(r));
  if (absent.length > 0) return { ok: false, reason: `the image layout ${dir} has no ${absent.join(', ')}` };
  return { ok: true, value: dir };
}
