import { entry, fact, UnknownFactError } from '../../facts-access';
import { K8S, inGroup } from '../../hosts';
import { fail, hostRule, pass } from '../../rule';
import { optString } from '../../vars';
import { bare } from '../../versions';

export const kubernetesInstalled = hostRule({
  id: 'kubernetes.installed',
  severity: 'error',
  description: 'a kubelet already installed is active and runs kube_version (create does not upgrade in place)',
  appliesTo: (host) => (inGroup(host, K8S) ? true : 'not in k8s_cluster'),
  check: (host, ctx) => {
    const services = fact(ctx, host.name, 'services');
    const fs = ctx.facts.get(host.name)!;
    const kubelet = entry(host.name, fs, 'services', 'kubelet', services);
    if (kubelet === null || kubelet.loadState !== 'loaded') return pass('no kubelet installed');
    const want = optString(host.vars, 'kubernetes.kube_version');
    if (kubelet.activeState !== 'active') {
      return fail(`a kubelet is installed but ${kubelet.activeState}: remove the old installation (kk delete cluster) or start it (systemctl start kubelet)`);
    }
    if (kubelet.version === null) {
      throw new UnknownFactError(`kubelet version is unknown on ${host.name}: ${fs.probeErrors['services.kubelet.version'] ?? 'not collected'}`);
    }
    if (want === undefined) return fail(`kubelet ${kubelet.version} is installed and kubernetes.kube_version is not set`);
    if (bare(kubelet.version) === bare(want)) return pass(`kubelet ${kubelet.version} is installed and active`);
    return fail(
      `kubelet ${kubelet.version} is installed but kube_version is ${want}: create does not upgrade in place; remove the old installation or set kube_version to ${kubelet.version}`,
    );
  },
});
