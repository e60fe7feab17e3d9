// install: OS init, NFS, image registry, etcd, CRI, Kubernetes, CNI and storage (kubekey-v4.md §6). Not built yet.
import { emptyPhase } from './empty-phase';

export const installPhase = emptyPhase('install', 'nfs, image registry, etcd, CRI, Kubernetes and apps',
  'nfs, image registry, etcd, CRI, Kubernetes and apps arrive with the install-phase issues');
