import { fact } from '../../facts-access';
import { K8S, inGroup } from '../../hosts';
import { fail, hostRule, pass } from '../../rule';
import { bytes, toMiB } from '../../units';

export const nodeSwap = hostRule({
  id: 'node.swap',
  severity: 'error',
  description: 'swap is off on k8s hosts',
  appliesTo: (host) => (inGroup(host, K8S) ? true : 'not in k8s_cluster'),
  check: (host, ctx) => {
    const { swapTotalBytes } = fact(ctx, host.name, 'memory');
    if (swapTotalBytes === 0) return pass('swap is off');
    return fail(`swap is on (${toMiB(bytes(swapTotalBytes))} MiB): turn it off with \`swapoff -a\` and remove the swap entries from /etc/fstab`);
  },
});
