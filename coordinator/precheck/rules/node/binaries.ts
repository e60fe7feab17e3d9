import { entry, fact } from '../../facts-access';
import { K8S, inGroup } from '../../hosts';
import { fail, hostRule, pass } from '../../rule';
import { optString } from '../../vars';
import { parseVersion } from '../../versions';

const REQUIRED = ['ip', 'iptables', 'mount', 'nsenter'];
const OPTIONAL = ['ebtables', 'ethtool', 'socat', 'tc', 'touch'];

/** kube-proxy stopped needing conntrack in 1.32; unknown versions keep it required. */
function needsConntrack(kubeVersion: string | undefined): boolean {
  const v = kubeVersion === undefined ? null : parseVersion(kubeVersion);
  return v === null || v.major < 1 || (v.major === 1 && v.minor < 32);
}

export const nodeBinaries = hostRule({
  id: 'node.binaries',
  severity: 'error',
  description: 'ip, iptables, mount, nsenter (and conntrack below 1.32) are present; ebtables, ethtool, socat, tc, touch warn',
  appliesTo: (host) => (inGroup(host, K8S) ? true : 'not in k8s_cluster'),
  check: (host, ctx) => {
    const binaries = fact(ctx, host.name, 'binaries');
    const fs = ctx.facts.get(host.name)!;
    const required = needsConntrack(optString(host.vars, 'kubernetes.kube_version')) ? [...REQUIRED, 'conntrack'] : REQUIRED;
    const missing = (names: string[]): string[] => names.filter((b) => entry(host.name, fs, 'binaries', b, binaries) === null);
    const missingRequired = missing(required);
    const missingOptional = missing(OPTIONAL);
    const install = (names: string[]): string => `install ${names.length === 1 ? 'it' : 'them'} with the OS package manager`;
    if (missingRequired.length > 0) {
      const also = missingOptional.length > 0 ? `; also missing (optional): ${missingOptional.join(', ')}` : '';
      return fail(`required tools missing: ${missingRequired.join(', ')}: ${install(missingRequired)}${also}`);
    }
    if (missingOptional.length > 0) return fail(`optional tools missing: ${missingOptional.join(', ')}: ${install(missingOptional)}`, 'warning');
    return pass(`${[...required, ...OPTIONAL].join(', ')} present`);
  },
});
