// Storage classes (KubeKey's storageclass role; docs/install.md), on the first control plane after
// the network plugin: openebs's local PV provisioner (`storage_class.local`, on by default) and
// the NFS subdir provisioner (`storage_class.nfs`), each a helm release in kube-system from the
// chart init verified, through the same helm machinery as the CNIs.
import { UserError } from '../../../../shared/errors';
import { getBool, getNonEmptyString, getString } from '../../../inventory/vars';
import type { ClusterModel } from '../../../model/cluster';
import type { InstallStep } from '../step';
import { hostsIn } from './common';
import { chartImages, findImage, helmTasks, registryFor, repo, withCustomValues, type HelmRelease } from './cni/helm';

export const STORAGECLASS_DIR = '/etc/kubernetes/storageclass';

export function localpvRelease(m: ClusterModel): HelmRelease {
  // The chart joins registry and repository without a separator: the registry must end in '/'.
  const registry = `${registryFor(m, 'docker.io')}/`;
  const isDefault = getBool(m.vars, 'storage_class.local.default') ?? true;
  const basePath = getNonEmptyString(m.vars, 'storage_class.local.path') ?? '/var/openebs/local';
  if (!basePath.startsWith('/'))
    throw new UserError(`storage_class.local.path: "${basePath}" must be an absolute directory on the nodes (e.g. /var/openebs/local)`);
  return withCustomValues(
    m,
    {
      release: 'localpv-provisioner',
      namespace: 'kube-system',
      chart: 'localpv-provisioner',
      dir: STORAGECLASS_DIR,
      values: {
        localpv: { image: { registry }, basePath },
        helperPod: { image: { registry } },
        hostpathClass: { isDefaultClass: isDefault },
        // The chart pings Google Analytics by default; an installer's clusters should not phone home.
        analytics: { enabled: false },
      },
    },
    'storage_class.local.values',
  );
}

export function nfsRelease(m: ClusterModel): HelmRelease {
  const server = getNonEmptyString(m.vars, 'storage_class.nfs.server');
  if (!server) {
    throw new UserError(
      'storage_class.nfs.server is not set and the inventory has no nfs group: add the NFS server to the nfs group, or set storage_class.nfs.server to its address',
    );
  }
  const path = getNonEmptyString(m.vars, 'storage_class.nfs.path') ?? '/share/kubernetes';
  if (!path.startsWith('/')) throw new UserError(`storage_class.nfs.path: "${path}" must be an absolute path exported by ${server} (e.g. /share/kubernetes)`);
  const version = getString(m.vars, 'storage_class.nfs_provisioner_version') ?? '4.0.18';
  const image = findImage(
    chartImages(m, 'nfs-subdir-external-provisioner/nfs-subdir-external-provisioner', version),
    'sig-storage/nfs-subdir-external-provisioner',
  );
  return withCustomValues(
    m,
    {
      release: 'nfs-subdir-external-provisioner',
      namespace: 'kube-system',
      chart: 'nfs-subdir-external-provisioner',
      dir: STORAGECLASS_DIR,
      values: {
        image: {
          repository: repo(m, image?.repository ?? 'registry.k8s.io/sig-storage/nfs-subdir-external-provisioner'),
          ...(image ? { tag: image.tag } : {}),
        },
        nfs: { server, path },
        storageClass: { defaultClass: getBool(m.vars, 'storage_class.nfs.default') ?? false },
      },
    },
    'storage_class.nfs.values',
  );
}

/** The storage releases the config asks for, in install order. */
export function storageReleases(m: ClusterModel): HelmRelease[] {
  const out: HelmRelease[] = [];
  const local = getBool(m.vars, 'storage_class.local.enabled') ?? true;
  const nfs = getBool(m.vars, 'storage_class.nfs.enabled') ?? false;
  if (local) out.push(localpvRelease(m));
  if (nfs) out.push(nfsRelease(m));
  if (local && nfs && (getBool(m.vars, 'storage_class.local.default') ?? true) && (getBool(m.vars, 'storage_class.nfs.default') ?? false)) {
    throw new UserError(
      'storage_class.local.default and storage_class.nfs.default are both true: a cluster has one default storage class — set one of them to false',
    );
  }
  return out;
}

export const storageClassStep: InstallStep = {
  name: 'storage-class',
  title: 'storage classes (helm)',
  hosts: (m) => (storageReleases(m).length > 0 ? hostsIn(m, 'kube_control_plane').slice(0, 1) : []),
  stage: () => ({ mode: 'serial' }),
  plan: (inputs, host) => storageReleases(inputs.model).flatMap((r) => helmTasks(inputs, host, r)),
};
