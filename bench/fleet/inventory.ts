// KubeKey v4 inventory and config for a simulated fleet: three control-plane/etcd hosts, every
// other host a worker, each host with the internal_ipv4 its simulated facts carry. The pod CIDR is
// sized so that network.pod_address_space holds a per-node block for thousands of hosts.
import { simulatedIp, simulatedName } from './facts';

export interface FleetHost {
  name: string;
  ip: string;
}

export function fleetHosts(count: number, prefix = 'sim'): FleetHost[] {
  return Array.from({ length: count }, (_, i) => ({ name: simulatedName(i, prefix), ip: simulatedIp(i) }));
}

export function fleetInventoryYaml(hosts: readonly FleetHost[]): string {
  const cp = hosts.slice(0, Math.min(3, hosts.length)).map((h) => h.name);
  const workers = (hosts.length > 3 ? hosts.slice(3) : hosts).map((h) => h.name);
  const lines = [
    'apiVersion: kubekey.kubesphere.io/v1',
    'kind: Inventory',
    'metadata:',
    '  name: fleet',
    'spec:',
    '  hosts:',
    ...hosts.map((h) => `    ${h.name}: { internal_ipv4: ${h.ip} }`),
    '  groups:',
    `    kube_control_plane: { hosts: [${cp.join(', ')}] }`,
    '    kube_worker:',
    '      hosts:',
    ...workers.map((w) => `        - ${w}`),
    '    k8s_cluster: { groups: [kube_control_plane, kube_worker] }',
    `    etcd: { hosts: [${cp.join(', ')}] }`,
  ];
  return lines.join('\n') + '\n';
}

export function fleetConfigYaml(): string {
  return `apiVersion: kubekey.kubesphere.io/v1
kind: Config
spec:
  kubernetes:
    kube_version: v1.33.1
  cni:
    pod_cidr: 100.64.0.0/12
    service_cidr: 100.96.0.0/16
    ipv4_mask_size: 25
`;
}
