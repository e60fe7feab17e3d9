import { listNames } from '../../hosts';
import { clusterRule, fail, pass } from '../../rule';

export const nfsServerCount = clusterRule({
  id: 'nfs.server_count',
  severity: 'error',
  description: 'a defined nfs group has exactly one host',
  appliesTo: ({ model }) => ('nfs' in model.groups ? true : 'no nfs group'),
  check: ({ model }) => {
    const hosts = model.groups.nfs ?? [];
    if (hosts.length === 1) return pass(`NFS server ${hosts[0]}`);
    return fail(
      hosts.length === 0
        ? 'the nfs group is empty: put exactly one NFS server in it, or remove the group'
        : `the nfs group has ${hosts.length} hosts (${listNames(hosts)}): kk sets up exactly one NFS server`,
    );
  },
});
