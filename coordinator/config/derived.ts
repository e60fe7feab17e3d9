// Values KubeKey's defaults compute from other variables (Go templates in roles/defaults). They are
// filled in after all layers are merged, and only where nothing set them, so a user's value — at
// any level — always wins, and a changed input (work_dir, auth.registry …) moves the derived value.
import ipaddr from 'ipaddr.js';
import type { Value, Vars } from '../model/cluster';
import { isMap, setIn } from './merge';
import { parseCidrList, parseVersion } from './formats';
import semver from 'semver';

export interface DeriveContext {
  /** Resolved groups (member host names). */
  groups: Record<string, string[]>;
  /** Merged (pre-derivation) vars of any host, for values taken from another host (registry IP). */
  hostVars: (name: string) => Vars | undefined;
}

function get(vars: Vars, path: string): Value | undefined {
  let cur: Value | undefined = vars;
  for (const seg of path.split('.')) {
    if (!isMap(cur)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

/** Sets `path` unless a non-null value is already there; creates intermediate maps. */
// Merged trees share maps between hosts (config/merge.ts), so writes copy along their path.
// A scalar where a map belongs is the user's value: setIn leaves it alone.
function fill(vars: Vars, path: string, value: Value): void {
  const existing = get(vars, path);
  if (existing !== undefined && existing !== null) return;
  setIn(vars, path.split('.'), value);
}

const str = (v: Value | undefined): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** The n-th address after the network address of the first CIDR in a pod/service CIDR value. */
export function nthAddress(cidrValue: string, n: number): string | null {
  const first = parseCidrList(cidrValue)?.[0];
  if (!first) return null;
  const bytes = ipaddr.parse(first.address).toByteArray();
  const bits = BigInt(bytes.length * 8);
  let value = bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
  const hostBits = bits - BigInt(first.prefix);
  value = ((value >> hostBits) << hostBits) + BigInt(n);
  const out = bytes.map((_, i) => Number((value >> (BigInt(bytes.length - 1 - i) * 8n)) & 0xffn));
  return ipaddr.fromByteArray(out).toString();
}

/** Fills KubeKey's computed defaults into `vars` (modified in place and returned). */
export function applyDerived(vars: Vars, ctx: DeriveContext): Vars {
  const workDir = str(get(vars, 'work_dir')) || '/root/kubekey';
  fill(vars, 'binary_dir', `${workDir}/kubekey`);
  fill(vars, 'scripts_dir', `${workDir}/scripts`);
  fill(vars, 'artifact_dir', `${workDir}/artifact`);

  const regType = str(get(vars, 'image_registry.type'));
  const registryHosts = ctx.groups.image_registry ?? [];
  if (regType !== '') {
    const vip = str(get(vars, 'image_registry.ha_vip'));
    const first = registryHosts[0] ? ctx.hostVars(registryHosts[0]) : undefined;
    const hostIp = first ? str(get(first, 'internal_ipv4')) || str(get(first, 'internal_ipv6')) : '';
    fill(vars, 'image_registry.auth.registry', vip || hostIp);
    fill(vars, 'image_registry.auth.username', 'admin');
    fill(vars, 'image_registry.auth.password', 'Harbor12345');
  } else {
    fill(vars, 'image_registry.auth.registry', str(get(vars, 'zone')) === 'cn' ? 'hub.kubesphere.com.cn' : '');
    fill(vars, 'image_registry.auth.username', '');
    fill(vars, 'image_registry.auth.password', '');
  }
  fill(vars, 'image_registry.auth.skip_tls_verify', regType === '');
  if (registryHosts.length > 0) {
    fill(vars, 'image_registry.auth.ca_file', `${workDir}/pki/root.crt`);
    fill(vars, 'image_registry.auth.cert_file', `${workDir}/pki/image-registry-client.crt`);
    fill(vars, 'image_registry.auth.key_file', `${workDir}/pki/image-registry-client.key`);
  }
  const registry = str(get(vars, 'image_registry.auth.registry'));
  fill(vars, 'image_registry.dockerio_registry', registry || 'docker.io');
  fill(vars, 'image_registry.quayio_registry', registry || 'quay.io');
  fill(vars, 'image_registry.ghcrio_registry', registry || 'ghcr.io');
  fill(vars, 'image_registry.k8sio_registry', registry || 'registry.k8s.io');
  const dockerio = str(get(vars, 'image_registry.dockerio_registry'));
  const k8sio = str(get(vars, 'image_registry.k8sio_registry'));
  const ghcrio = str(get(vars, 'image_registry.ghcrio_registry'));

  fill(vars, 'kubernetes.image_repository', registry ? `${k8sio}/kubernetes` : k8sio);
  fill(vars, 'kubernetes.sandbox_image.registry', k8sio);
  fill(vars, 'kubernetes.sandbox_image.repository', registry ? 'kubernetes/pause' : 'pause');
  const apiPort = get(vars, 'kubernetes.apiserver.port');
  fill(vars, 'kubernetes.control_plane_endpoint.port', typeof apiPort === 'number' ? apiPort : 6443);
  fill(vars, 'kubernetes.control_plane_endpoint.kube_vip.image.registry', dockerio);
  fill(vars, 'kubernetes.control_plane_endpoint.haproxy.image.registry', dockerio);
  fill(vars, 'cni.multus.image.registry', ghcrio);
  fill(vars, 'etcd.image.registry', dockerio);
  const etcdVersion = str(get(vars, 'etcd.etcd_version'));
  if (etcdVersion) fill(vars, 'etcd.image.tag', etcdVersion);
  fill(vars, 'etcd.ca_file', `${workDir}/pki/root.crt`);
  fill(vars, 'etcd.client_cert_file', `${workDir}/pki/etcd-client.crt`);
  fill(vars, 'etcd.client_key_file', `${workDir}/pki/etcd-client.key`);
  fill(vars, 'dns.nodelocaldns.image.registry', k8sio);
  fill(vars, 'dns.coredns.image.registry', k8sio);

  const cm = str(get(vars, 'cri.container_manager'));
  const kube = parseVersion(str(get(vars, 'kubernetes.kube_version')));
  if (cm === 'containerd') fill(vars, 'cri.cri_socket', 'unix:///var/run/containerd/containerd.sock');
  else if (cm === 'docker' && kube && semver.gte(kube, '1.24.0')) fill(vars, 'cri.cri_socket', 'unix:///var/run/cri-dockerd.sock');

  const serviceCidr = str(get(vars, 'cni.service_cidr'));
  const coredns = nthAddress(serviceCidr, 3);
  if (coredns) fill(vars, 'dns.coredns.ip', coredns);

  const nfsHost = ctx.groups.nfs?.[0];
  if (nfsHost) fill(vars, 'storage_class.nfs.server', nfsHost);
  return vars;
}
