import { fact, factSet } from '../../facts-access';
import { K8S, inGroup } from '../../hosts';
import { fail, hostRule, pass } from '../../rule';

export const nodeBrNetfilter = hostRule({
  id: 'node.br_netfilter',
  severity: 'warning',
  description: 'the br_netfilter module is loaded; the install loads it',
  appliesTo: (host) => (inGroup(host, K8S) ? true : 'not in k8s_cluster'),
  check: (host, ctx) => {
    const modules = fact(ctx, host.name, 'kernelModules');
    if (modules.includes('br_netfilter')) return pass('br_netfilter is loaded');
    // A kernel with br_netfilter built in lists no module but has its sysctls.
    const bridged = factSet(ctx, host.name).sysctl?.['net.bridge.bridge-nf-call-iptables'];
    if (bridged !== null && bridged !== undefined) return pass('br_netfilter is built into the kernel');
    return fail('br_netfilter is not loaded: the install loads it (modprobe br_netfilter to load it now)');
  },
});
