// Every precheck rule, in precheck.md's order (the order results are reported in).
import type { Rule } from '../rule';
import { inventoryGroups } from './inventory/groups';
import { inventoryAgent } from './inventory/agent';
import { inventoryEtcdGroup } from './inventory/etcd-group';
import { osHostname } from './os/hostname';
import { osDistribution } from './os/distribution';
import { osArchitecture } from './os/architecture';
import { osMemory } from './os/memory';
import { osKernelVersion } from './os/kernel-version';
import { kubernetesInternalIp } from './kubernetes/internal-ip';
import { kubernetesKubeVip } from './kubernetes/kube-vip';
import { kubernetesVersion } from './kubernetes/version';
import { kubernetesInstalled } from './kubernetes/installed';
import { networkInterface } from './network/interface';
import { networkCidr } from './network/cidr';
import { networkDualStack } from './network/dual-stack';
import { networkPlugin } from './network/plugin';
import { networkPodAddressSpace } from './network/pod-address-space';
import { networkHybridnet } from './network/hybridnet';
import { networkCidrOverlap } from './network/cidr-overlap';
import { etcdDeploymentType } from './etcd/deployment-type';
import { etcdVersion } from './etcd/version';
import { etcdDiskIo } from './etcd/disk-io';
import { etcdInstalled } from './etcd/installed';
import { criContainerManager } from './cri/container-manager';
import { criContainerdVersion } from './cri/containerd-version';
import { cniVersion } from './cni/version';
import { storageDisks } from './storage/disks';
import { artifactFile } from './artifact/file';
import { nfsServerCount } from './nfs/server-count';
import { imageRegistrySoftware } from './image_registry/software';
import { imageRegistryReachable } from './image_registry/reachable';
import { nodeCpu } from './node/cpu';
import { nodeSwap } from './node/swap';
import { nodePorts } from './node/ports';
import { nodeIpForward } from './node/ip-forward';
import { nodeBrNetfilter } from './node/br-netfilter';
import { nodeBinaries } from './node/binaries';
import { nodeCgroups } from './node/cgroups';
import { nodeDiskSpace } from './node/disk-space';
import { nodeTimeSync } from './node/time-sync';
import { clusterUniqueHostname } from './cluster/unique-hostname';
import { clusterUniqueMachineId } from './cluster/unique-machine-id';
import { clusterUniqueProductUuid } from './cluster/unique-product-uuid';
import { clusterUniqueMac } from './cluster/unique-mac';
import { clusterUniqueInternalIp } from './cluster/unique-internal-ip';
import { clusterClockSkew } from './cluster/clock-skew';
import { clusterMtu } from './cluster/mtu';
import { clusterReachability } from './cluster/reachability';

export const rules: readonly Rule[] = [
  inventoryGroups,
  inventoryAgent,
  inventoryEtcdGroup,
  osHostname,
  osDistribution,
  osArchitecture,
  osMemory,
  osKernelVersion,
  kubernetesInternalIp,
  kubernetesKubeVip,
  kubernetesVersion,
  kubernetesInstalled,
  networkInterface,
  networkCidr,
  networkDualStack,
  networkPlugin,
  networkPodAddressSpace,
  networkHybridnet,
  networkCidrOverlap,
  etcdDeploymentType,
  etcdVersion,
  etcdDiskIo,
  etcdInstalled,
  criContainerManager,
  criContainerdVersion,
  cniVersion,
  storageDisks,
  artifactFile,
  nfsServerCount,
  imageRegistrySoftware,
  imageRegistryReachable,
  nodeCpu,
  nodeSwap,
  nodePorts,
  nodeIpForward,
  nodeBrNetfilter,
  nodeBinaries,
  nodeCgroups,
  nodeDiskSpace,
  nodeTimeSync,
  clusterUniqueHostname,
  clusterUniqueMachineId,
  clusterUniqueProductUuid,
  clusterUniqueMac,
  clusterUniqueInternalIp,
  clusterClockSkew,
  clusterMtu,
  clusterReachability,
];
