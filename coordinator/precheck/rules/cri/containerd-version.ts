import { entry, fact, UnknownFactError } from '../../facts-access';
import { K8S, inGroup } from '../../hosts';
import { fail, hostRule, pass } from '../../rule';
import { optString, str } from '../../vars';
import { atLeast, parseVersion } from '../../versions';

export const criContainerdVersion = hostRule({
  id: 'cri.containerd_version',
  severity: 'error',
  description: 'cri.containerd_version and any containerd already running are ≥ containerd_min_version_required',
  appliesTo: (host) => {
    if (!inGroup(host, K8S)) return 'not in k8s_cluster';
    const cm = str(host.vars, 'cri.container_manager');
    return cm === 'containerd' ? true : `cri.container_manager is ${cm}`;
  },
  check: (host, ctx) => {
    const minRaw = str(host.vars, 'cluster_require.containerd_min_version_required');
    const min = parseVersion(minRaw);
    if (!min) return fail(`cluster_require.containerd_min_version_required "${minRaw}" is not a version`);
    const problems: string[] = [];
    const found: string[] = [];
    const configured = optString(host.vars, 'cri.containerd_version');
    if (configured !== undefined) {
      const v = parseVersion(configured);
      if (!v) problems.push(`cri.containerd_version "${configured}" is not a version`);
      else if (!atLeast(v, min)) problems.push(`cri.containerd_version ${configured} is older than the required ${minRaw}: raise it`);
      else found.push(`configured ${configured}`);
    }
    const services = fact(ctx, host.name, 'services');
    const fs = ctx.facts.get(host.name)!;
    const running = entry(host.name, fs, 'services', 'containerd', services);
    if (running !== null && running.loadState === 'loaded' && running.activeState === 'active') {
      if (running.version === null) {
        throw new UnknownFactError(
          `version of the running containerd is unknown on ${host.name}: ${fs.probeErrors['services.containerd.version'] ?? 'not collected'}`,
        );
      }
      const v = parseVersion(running.version);
      if (!v) problems.push(`the running containerd reports version "${running.version}", not a version`);
      else if (!atLeast(v, min))
        problems.push(`containerd ${running.version} is already running and is older than the required ${minRaw}: upgrade or remove it`);
      else found.push(`running ${running.version}`);
    }
    if (problems.length > 0) return fail(problems.join('; '));
    return pass(found.length > 0 ? `containerd ${found.join(', ')} ≥ ${minRaw}` : 'no containerd version set or running');
  },
});
