import { entry, fact, UnknownFactError } from '../../facts-access';
import { ETCD, inGroup } from '../../hosts';
import { fail, hostRule, pass } from '../../rule';
import { optString, str } from '../../vars';
import { bare } from '../../versions';

export const etcdInstalled = hostRule({
  id: 'etcd.installed',
  severity: 'error',
  description: 'an installed etcd unit is active and at etcd_version; otherwise the etcd data dir is absent or empty',
  // Stacked etcd's data dir is kubeadm's (a control plane that has joined keeps its member
  // there, and kubeadm's own preflight refuses a leftover one before init or join).
  appliesTo: (host, ctx) => {
    if (!inGroup(host, ETCD)) return 'not in etcd';
    const type = str(ctx.model.vars, 'etcd.deployment_type');
    return type === 'external' ? true : `etcd.deployment_type ${type}: kubeadm's stacked etcd owns ${str(host.vars, 'etcd.env.data_dir')}`;
  },
  check: (host, ctx) => {
    const services = fact(ctx, host.name, 'services');
    const fs = ctx.facts.get(host.name)!;
    const unit = entry(host.name, fs, 'services', 'etcd', services);
    if (unit !== null && unit.loadState === 'loaded') {
      if (unit.activeState !== 'active') {
        return fail(`an etcd unit is installed but ${unit.activeState}: start it (systemctl start etcd) or remove the old installation`);
      }
      if (unit.version === null) {
        throw new UnknownFactError(`etcd version is unknown on ${host.name}: ${fs.probeErrors['services.etcd.version'] ?? 'not collected'}`);
      }
      const want = optString(host.vars, 'etcd.etcd_version');
      if (want === undefined) return fail(`etcd ${unit.version} is installed and etcd.etcd_version is not set`);
      if (bare(unit.version) === bare(want)) return pass(`etcd ${unit.version} is installed and active`);
      return fail(`etcd ${unit.version} is installed but etcd_version is ${want}: remove the old etcd or set etcd.etcd_version to v${bare(unit.version)}`);
    }
    const dataDir = str(host.vars, 'etcd.env.data_dir');
    const paths = fact(ctx, host.name, 'paths');
    const dir = entry(host.name, fs, 'paths', dataDir, paths);
    if (dir === null || !dir.exists) return pass(`no etcd installed and ${dataDir} is absent`);
    if (dir.empty) return pass(`no etcd installed and ${dataDir} is empty`);
    return fail(`no etcd unit is installed but ${dataDir} holds data from an earlier etcd: move it away or delete it (etcd.env.data_dir)`);
  },
});
