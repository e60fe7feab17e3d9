// Values KubeKey's defaults compute from other variables (Go templates in roles/defaults). They are
// filled in after all layers are merged, and only where nothing set them, so a user's value — at
// any level — always wins, and a changed input (work_dir, auth.registry …) moves the derived value.
import ipaddr from 'ipaddr.js';
import type { Value, Vars } from '../model/cluster';
import { isMap } from './merge';
import { BUILTIN_WORK_DIR } from '../model/work-dir';
import { parseCidrList, parseVersion } from './formats';
import semver from 'semver';

export interface DeriveContext {
  /** Resolved groups (member host names). */
  groups: Record<string, string[]>;
  /** Merged (pre-derivation) vars of any host, for values taken from another host (registry IP). */
  hostVars: (name: string) => Vars | undefined;
}

// The same few dozen paths are read and written once per host: split each once.
const splitCache = new Map<string, string[]>();
function segments(path: string): string[] {
  let segs = splitCache.get(path);
  if (!segs) {
    segs = path.split('.');
    splitCache.set(path, segs);
  }
  return segs;
}

function get(vars: Vars, path: string): Value | undefined {
  let cur: Value | undefined = vars;
  for (const seg of segments(path)) {
    if (!isMap(cur)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

/**
 * Writes into one host's tree. Merged trees share maps between hosts (config/merge.ts), so a
 * write copies the maps along its path — but each map only once per tree: thirty fills under
 * `image_registry` or `kubernetes` would otherwise copy those maps thirty times per host.
 */
class Filler {
  private readonly owned = new Set<Vars>();
  constructor(private readonly root: Vars) {
    this.owned.add(root);
  }

  /** Sets `path` unless a non-null value is already there; creates intermediate maps. */
  // A scalar where a map belongs is the user's value: it is left alone (as setIn does).
  fill(path: string, value: Value): void {
    const existing = get(this.root, path);
    if (existing !== undefined && existing !== null) return;
    const segs = segments(path);
    let cur = this.root;
    for (let i = 0; i < segs.length - 1; i++) {
      const seg = segs[i]!;
      const next = cur[seg];
      if (next !== undefined && next !== null && !isMap(next)) return;
      if (isMap(next) && this.owned.has(next)) {
        cur = next;
        continue;
      }
      const copy: Vars = isMap(next) ? { ...next } : {};
      this.owned.add(copy);
      cur[seg] = copy;
      cur = copy;
    }
    cur[segs[segs.length - 1]!] = value;
  }
}

const str = (v: Value | undefined): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** The n-th address after the network address of the first CIDR in a pod/service CIDR value. */
export function nthAddress(cidrValue: string, n: number): string | null {
  // Every host of a cluster asks for the same one: remember the answers.
  const key = `${n} ${cidrValue}`;
  const known = nthCache.get(key);
  if (known !== undefined) return known;
  const found = computeNthAddress(cidrValue, n);
  if (nthCache.size >= 1000) nthCache.clear();
  nthCache.set(key, found);
  return found;
}

const nthCache = new Map<string, string | null>();

function computeNthAddress(cidrValue: string, n: number): string | null {
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

/**
 * Every top-level key applyDerived reads or writes. A host whose own vars set none of them gets
 * exactly the derived values of the other hosts in its groups (../inventory/host-vars.ts relies
 * on this; test/unit/inventory/host-vars.test.ts checks the list against what applyDerived touches).
 */
export const DERIVED_TOP_KEYS: ReadonlySet<string> = new Set([
  'work_dir',
  'binary_dir',
  'scripts_dir',
  'artifact_dir',
  'image_registry',
  'zone',
  'kubernetes',
  'etcd',
  'dns',
  'cni',
  'cri',
  'storage_class',
]);

/** Fills KubeKey's computed defaults into `vars` (modified in place and returned). */
export function applyDerived(vars: Vars, ctx: DeriveContext): Vars {
  const filler = new Filler(vars);
  const fill = (path: string, value: Value): void => filler.fill(path, value);
  const workDir = str(get(vars, 'work_dir')) || BUILTIN_WORK_DIR;
  fill('binary_dir', `${workDir}/kubekey`);
  fill('scripts_dir', `${workDir}/scripts`);
  fill('artifact_dir', `${workDir}/artifact`);

  const regType = str(get(vars, 'image_registry.type'));
  const registryHosts = ctx.groups.image_registry ?? [];
  if (regType !== '') {
    const vip = str(get(vars, 'image_registry.ha_vip'));
    const first = registryHosts[0] ? ctx.hostVars(registryHosts[0]) : undefined;
    const hostIp = first ? str(get(first, 'internal_ipv4')) || str(get(first, 'internal_ipv6')) : '';
    fill('image_registry.auth.registry', vip || hostIp);
    fill('image_registry.auth.username', 'admin');
    fill('image_registry.auth.password', 'Harbor12345');
  } else {
    fill('image_registry.auth.registry', str(get(vars, 'zone')) === 'cn' ? 'hub.kubesphere.com.cn' : '');
    fill('image_registry.auth.username', '');
    fill('image_registry.auth.password', '');
  }
  fill('image_registry.auth.skip_tls_verify', regType === '');
  if (registryHosts.length > 0) {
    fill('image_registry.auth.ca_file', `${workDir}/pki/root.crt`);
    fill('image_registry.auth.cert_file', `${workDir}/pki/image-registry-client.crt`);
    fill('image_registry.auth.key_file', `${workDir}/pki/image-registry-client.key`);
  }
  const registry = str(get(vars, 'image_registry.auth.registry'));
  fill('image_registry.dockerio_registry', registry || 'docker.io');
  fill('image_registry.quayio_registry', registry || 'quay.io');
  fill('image_registry.ghcrio_registry', registry || 'ghcr.io');
  fill('image_registry.k8sio_registry', registry || 'registry.k8s.io');
  const dockerio = str(get(vars, 'image_registry.dockerio_registry'));
  const k8sio = str(get(vars, 'image_registry.k8sio_registry'));
  const ghcrio = str(get(vars, 'image_registry.ghcrio_registry'));

  fill('kubernetes.image_repository', registry ? `${k8sio}/kubernetes` : k8sio);
  fill('kubernetes.sandbox_image.registry', k8sio);
  fill('kubernetes.sandbox_image.repository', registry ? 'kubernetes/pause' : 'pause');
  const apiPort = get(vars, 'kubernetes.apiserver.port');
  fill('kubernetes.control_plane_endpoint.port', typeof apiPort === 'number' ? apiPort : 6443);
  fill('kubernetes.control_plane_endpoint.kube_vip.image.registry', dockerio);
  fill('kubernetes.control_plane_endpoint.haproxy.image.registry', dockerio);
  fill('cni.multus.image.registry', ghcrio);
  fill('etcd.image.registry', dockerio);
  const etcdVersion = str(get(vars, 'etcd.etcd_version'));
  if (etcdVersion) fill('etcd.image.tag', etcdVersion);
  fill('etcd.ca_file', `${workDir}/pki/root.crt`);
  fill('etcd.client_cert_file', `${workDir}/pki/etcd-client.crt`);
  fill('etcd.client_key_file', `${workDir}/pki/etcd-client.key`);
  fill('dns.nodelocaldns.image.registry', k8sio);
  fill('dns.coredns.image.registry', k8sio);

  const cm = str(get(vars, 'cri.container_manager'));
  const kube = parseVersion(str(get(vars, 'kubernetes.kube_version')));
  if (cm === 'containerd') fill('cri.cri_socket', 'unix:///var/run/containerd/containerd.sock');
  else if (cm === 'docker' && kube && semver.gte(kube, '1.24.0')) fill('cri.cri_socket', 'unix:///var/run/cri-dockerd.sock');

  const serviceCidr = str(get(vars, 'cni.service_cidr'));
  const coredns = nthAddress(serviceCidr, 3);
  if (coredns) fill('dns.coredns.ip', coredns);

  const nfsHost = ctx.groups.nfs?.[0];
  if (nfsHost) fill('storage_class.nfs.server', nfsHost);
  return vars;
}
