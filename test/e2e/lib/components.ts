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

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const merge = (a: Obj, b: Obj): Obj => {
  const out: Obj = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isObj(v) && isObj(out[k]) ? merge(out[k], v) : v;
  return out;
};

/**
 * A kk config for the test machines (scripts/testbed/README.md): the bundle's config, then what
 * these machines need, then `overrides` (merged, later wins).
 */
export function machineConfig(bundleConfig: Obj, overrides: Obj = {}): string {
  const machines: Obj = {
    // The machines share this host's clock and have no NTP server to reach.
    native: { ntp: { enabled: false, servers: [] }, timezone: '' },
    // No IPVS in this kernel: kube-proxy's iptables mode. And, as kind does, no conntrack table
    // sizing: nf_conntrack_max is global and read-only from a machine's network namespace.
    kubernetes: { kube_proxy: { mode: 'iptables', config: { conntrack: { maxPerCore: 0 } } } },
    // The machines cannot lower oom_score_adj (the host withholds CAP_SYS_RESOURCE): containerd clamps.
    cri: { containerd: { config: { plugins: { 'io.containerd.grpc.v1.cri': { restrict_oom_score_adj: true } } } } },
  };
  return `apiVersion: kubekey.kubesphere.io/v1\nkind: Config\nspec: ${JSON.stringify(merge(merge(bundleConfig, machines), overrides))}\n`;
}

/** The packages KubeKey's os step installs, as an operator would have them (the machines are offline). */
export const OS_PACKAGES = ['socat', 'conntrack', 'ipset', 'ebtables', 'chrony', 'ipvsadm'];
