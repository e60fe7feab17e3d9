// control_plane_endpoint.type: kube-vip (KubeKey's high-availability/kube-vip; docs/install.md):
// a kube-vip static pod on every control plane holds the VIP — ARP (leader election, one holder)
// or BGP (every control plane peers with the others). Workers resolve the endpoint name to the
// VIP; control planes resolve it to themselves, so kubeadm init never waits on the VIP and kube-vip
// runs with admin.conf from the start (KubeKey points it at super-admin.conf during init instead;
// docs/defaults-vs-kubekey.md).
import ipaddr from 'ipaddr.js';
import { getMap, getNonEmptyString, getString } from '../../../inventory/vars';
import type { ClusterModel } from '../../../model/cluster';
import { UserError } from '../../../../shared/errors';
import type { InterfaceFacts } from '../../../../shared/facts/types';
import { writeFile, type InstallStep, type StepTask } from '../step';
import type { StepInputs } from '../inputs';
import { hostsIn, imageFromVars } from './common';
import { endpointType } from './haproxy';
import { ADMIN_CONF } from './kubeadm';

export const KUBE_VIP_MANIFEST = '/etc/kubernetes/manifests/kube-vip.yaml';
const KEY = 'kubernetes.control_plane_endpoint.kube_vip';
/** KubeKey's AS numbers for both sides of BGP. */
const BGP_AS = 65000;

export const kubeVipHosts = (m: ClusterModel): string[] => (endpointType(m) === 'kube-vip' ? hostsIn(m, 'kube_control_plane') : []);

export function vipOf(m: ClusterModel): string {
  const vip = getNonEmptyString(m.vars, `${KEY}.address`);
  if (!vip) throw new UserError(`${KEY}.address is empty: control_plane_endpoint.type kube-vip needs a free address on the control planes' network`);
  if (!ipaddr.isValid(vip)) throw new UserError(`${KEY}.address: ${vip} is not an IP address`);
  return vip;
}

/** The interface whose network holds the VIP (KubeKey reads `ip -o addr`; kk reads the node's facts). */
export function vipInterface(host: string, vip: string, interfaces: InterfaceFacts[] | null): string {
  if (!interfaces)
    throw new UserError(`${host}: its network facts are unknown (is its agent connected?), so the interface for the kube-vip VIP ${vip} cannot be chosen`);
  const addr = ipaddr.parse(vip);
  for (const i of interfaces) {
    if (i.name === 'lo' || /^(docker|br-|veth|cni|flannel|cali|kube-ipvs)/.test(i.name)) continue;
    for (const a of i.addresses) {
      const net = ipaddr.parse(a.address);
      if (net.kind() === addr.kind() && addr.match(net, a.prefixLength)) return i.name;
    }
  }
  const seen = interfaces.flatMap((i) => i.addresses.map((a) => `${i.name} ${a.address}/${a.prefixLength}`)).join(', ');
  throw new UserError(
    `${host}: no interface is on the network of the kube-vip VIP ${vip} (${seen || 'no addresses'}): choose a VIP in the control planes' subnet`,
  );
}

type Env = [string, string][];

export function kubeVipEnv(inputs: StepInputs, host: string): Env {
  const m = inputs.model;
  const vip = vipOf(m);
  const mode = (getString(m.vars, `${KEY}.mode`) ?? 'ARP').toUpperCase();
  const env: Env = [];
  if (mode === 'BGP') {
    const peers = hostsIn(m, 'kube_control_plane')
      .filter((h) => h !== host)
      .map((h) => `${inputs.ipv4(h)}:${BGP_AS}::false`)
      .join(',');
    env.push(['bgp_enable', 'true'], ['bgp_routerid', inputs.ipv4(host)], ['bgp_as', String(BGP_AS)], ['bgp_peeras', String(BGP_AS)], ['bgp_peers', peers]);
  } else if (mode === 'ARP') {
    env.push(['vip_arp', 'true']);
  } else {
    throw new UserError(`${KEY}.mode: ${mode} — kube-vip runs in ARP or BGP mode`);
  }
  env.push(['vip_interface', vipInterface(host, vip, inputs.interfaces(host))]);
  for (const [k, v] of Object.entries(getMap(m.vars, `${KEY}.env`) ?? {})) {
    if (v === null || typeof v === 'object') throw new UserError(`${KEY}.env.${k}: expected a string, number or boolean`);
    env.push([k, String(v)]);
  }
  env.push(['vip_leaderelection', 'true'], ['vip_leaseduration', '5'], ['vip_renewdeadline', '3'], ['vip_retryperiod', '1'], ['address', vip]);
  // The last value of a name wins, as in a pod's env; kk's own come last.
  const byName = new Map(env);
  return [...byName];
}

export function kubeVipManifest(inputs: StepInputs, host: string): string {
  const image = imageFromVars(inputs.model, `${KEY}.image`, 'plndr/kube-vip');
  const env = kubeVipEnv(inputs, host)
    .map(([k, v]) => `    - {name: ${k}, value: ${JSON.stringify(v)}}`)
    .join('\n');
  return `# Written by kk (docs/install.md): the kube-vip static pod holding the control-plane VIP.
apiVersion: v1
kind: Pod
metadata:
  name: kube-vip
  namespace: kube-system
spec:
  hostNetwork: true
  # kube-vip reaches the local API server by the name in admin.conf's certificate
  hostAliases:
  - {ip: 127.0.0.1, hostnames: [kubernetes]}
  containers:
  - name: kube-vip
    image: ${image}
    imagePullPolicy: IfNotPresent
    args: [manager]
    env:
${env}
    securityContext:
      capabilities:
        add: [NET_ADMIN, NET_RAW, SYS_TIME]
    volumeMounts:
    - {name: kubeconfig, mountPath: /etc/kubernetes/admin.conf}
  volumes:
  - name: kubeconfig
    # File, not FileOrCreate: kubeadm writes admin.conf before it starts the kubelet, and an
    # empty file made here would stop kubeadm from writing its own
    hostPath: {path: ${ADMIN_CONF}, type: File}
`;
}

export const kubeVipStep: InstallStep = {
  name: 'kube-vip',
  title: 'the control-plane VIP (control_plane_endpoint.type: kube-vip)',
  hosts: kubeVipHosts,
  stage: () => ({ mode: 'parallel' }),
  plan(inputs, host): StepTask[] {
    const vip = vipOf(inputs.model);
    return [
      {
        task: 'write kube-vip manifest',
        spec: writeFile(KUBE_VIP_MANIFEST, kubeVipManifest(inputs, host), 0o600),
        description: `${KUBE_VIP_MANIFEST}: VIP ${vip} (${(getString(inputs.model.vars, `${KEY}.mode`) ?? 'ARP').toUpperCase()}) on ${vipInterface(host, vip, inputs.interfaces(host))}`,
      },
    ];
  },
};
