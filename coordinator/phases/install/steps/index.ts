// The install steps in the order they run (docs/install.md): the OS of every node first, then
// the services other steps depend on (NFS, etcd, the image registry), then the container runtime
// the Kubernetes steps need, the control-plane endpoint's static pods (kube-vip or haproxy), and
// kubeadm. To add a step: one file here exporting an InstallStep, one line below.
import type { InstallStep } from '../step';
import { nativeInitStep } from './native-init';
import { nfsStep } from './nfs';
import { etcdStep } from './etcd';
import { registryStep } from './registry';
import { registryPushStep } from './registry-push';
import { criStep } from './containerd';
import { kubernetesPrepareStep } from './kubernetes-prepare';
import { kubeVipStep } from './kube-vip';
import { haproxyStep } from './haproxy';
import { kubeadmInitStep, kubeadmJoinControlPlaneStep, kubeadmJoinWorkerStep, kubeadmTokenCleanupStep } from './kubeadm';
import { nodeLabelsStep } from './node-labels';
import { kubeconfigStep } from './kubeconfig';
import { clusterDnsStep } from './cluster-dns';
import { cniStep } from './cni';
import { storageClassStep } from './storage-class';
import { nodelocaldnsStep } from './nodelocaldns';
import { clusterReadyStep } from './cluster-ready';

export const INSTALL_STEPS: readonly InstallStep[] = [
  nativeInitStep,
  nfsStep,
  etcdStep,
  registryStep,
  registryPushStep,
  criStep,
  kubernetesPrepareStep,
  kubeVipStep,
  haproxyStep,
  kubeadmInitStep,
  kubeadmJoinControlPlaneStep,
  kubeadmJoinWorkerStep,
  nodeLabelsStep,
  kubeconfigStep,
  clusterDnsStep,
  cniStep,
  storageClassStep,
  nodelocaldnsStep,
  clusterReadyStep,
  kubeadmTokenCleanupStep,
];
