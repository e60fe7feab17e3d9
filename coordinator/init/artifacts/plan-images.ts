// The container images a config needs (kubekey-v4.md §5.3, KubeKey's manifests.yaml template):
// Kubernetes core images for kube_version, etcd when kubeadm runs it, the control-plane endpoint's
// image, CNI and storage images from the catalogue, multus, and the operator's extra images.
import type { PlannedImage } from './types';
import { IMAGE_CATALOGUE } from './image-catalogue';

export interface ImageInputs {
  kubeVersion: string;
  arches: string[];
  pauseTag: string | null;
  corednsTag: string | null;
  nodelocaldnsTag: string | null;
  nodelocaldnsEnabled: boolean;
  etcdInternal: boolean;
  etcdVersion: string | null;
  endpointType: string;
  kubeVipTag: string | null;
  haproxyTag: string | null;
  cniType: string;
  multiCni: string;
  multusTag: string | null;
  calicoVersion: string | null;
  ciliumVersion: string | null;
  flannelVersion: string | null;
  kubeovnVersion: string | null;
  hybridnetVersion: string | null;
  localpvEnabled: boolean;
  localpvVersion: string | null;
  nfsEnabled: boolean;
  nfsVersion: string | null;
  /** `download.images.registry`: pull everything from this registry instead (hub.kubesphere.com.cn in zone cn). */
  sourceRegistry: string;
  /** `image_registry.auth.registry` when images are pushed there, else ''. */
  pushRegistry: string;
  /** The operator's `download.images[chart][version]` lists, replacing the built-in ones. */
  catalogueOverrides: Record<string, Record<string, string[]>>;
  extra: string[];
}

interface Ref {
  registry: string;
  repository: string;
  tag: string;
}

/** `nginx:1` → docker.io/library/nginx:1; `quay.io/a/b:t` as is. Null when it has no tag. */
export function parseImageRef(ref: string): Ref | null {
  const at = ref.indexOf('@');
  const clean = at >= 0 ? ref.slice(0, at) : ref;
  const slash = clean.indexOf('/');
  const first = slash >= 0 ? clean.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : 'docker.io';
  let rest = hasRegistry ? clean.slice(slash + 1) : clean;
  if (!hasRegistry && !rest.includes('/')) rest = `library/${rest}`;
  const colon = rest.lastIndexOf(':');
  if (colon < 0 || at >= 0) return at >= 0 ? { registry, repository: colon >= 0 ? rest.slice(0, colon) : rest, tag: ref.slice(at + 1) } : null;
  return { registry, repository: rest.slice(0, colon), tag: rest.slice(colon + 1) };
}

export function planImages(inp: ImageInputs): { images: PlannedImage[]; notes: string[] } {
  const notes: string[] = [];
  const seen = new Map<string, PlannedImage>();
  const platforms = inp.arches.map((a) => `linux/${a}`);
  const add = (ref: string, reason: string, core = false): void => {
    const parsed = parseImageRef(ref);
    if (!parsed) {
      notes.push(`image "${ref}" (${reason}) has no tag; left out`);
      return;
    }
    let { registry, repository } = parsed;
    if (inp.sourceRegistry !== '') {
      // KubeKey's mirror layout: core images under kubernetes/<name>, others keep their path minus the registry host.
      if (core) repository = `kubernetes/${repository.split('/').pop()}`;
      registry = inp.sourceRegistry;
    }
    const full = `${registry}/${repository}:${parsed.tag}`;
    if (seen.has(full)) return;
    const name = `${parsed.registry}/${parsed.repository}:${parsed.tag}`;
    let pushRef: string | null = null;
    if (inp.pushRegistry !== '') {
      const pushRepo = parsed.registry === 'registry.k8s.io' && !parsed.repository.includes('/') ? `kubernetes/${parsed.repository}` : parsed.repository;
      pushRef = `${inp.pushRegistry}/${pushRepo}:${parsed.tag}`;
    }
    seen.set(full, { ref: full, name, registry, repository, tag: parsed.tag, platforms, pushRef, reason });
  };

  const kv = inp.kubeVersion;
  for (const c of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy'])
    add(`registry.k8s.io/${c}:${kv}`, 'kubernetes.kube_version', true);
  if (inp.pauseTag) add(`registry.k8s.io/pause:${inp.pauseTag}`, 'kubernetes.sandbox_image', true);
  if (inp.corednsTag) add(`registry.k8s.io/coredns/coredns:${inp.corednsTag}`, 'dns.coredns.image', true);
  if (inp.nodelocaldnsEnabled && inp.nodelocaldnsTag) add(`registry.k8s.io/dns/k8s-dns-node-cache:${inp.nodelocaldnsTag}`, 'dns.nodelocaldns.enabled', true);
  if (inp.etcdInternal && inp.etcdVersion) {
    // kubeadm's etcd images are tagged <version>-0 (registry.k8s.io/etcd:3.5.24-0).
    add(`registry.k8s.io/etcd:${inp.etcdVersion.replace(/^v/, '')}-0`, 'etcd.deployment_type: internal', true);
  }
  if (inp.endpointType === 'kube-vip' && inp.kubeVipTag) add(`docker.io/plndr/kube-vip:${inp.kubeVipTag}`, 'control_plane_endpoint.type: kube-vip');
  if (inp.endpointType === 'haproxy' && inp.haproxyTag) add(`docker.io/library/haproxy:${inp.haproxyTag}`, 'control_plane_endpoint.type: haproxy');

  const fromCatalogue = (chart: string, version: string | null, reason: string): void => {
    if (!version) return;
    const list = inp.catalogueOverrides[chart]?.[version] ?? IMAGE_CATALOGUE[chart]?.[version];
    if (!list) {
      notes.push(`no image list for ${chart} ${version} (set download.images["${chart}"]["${version}"]); its images are not in the plan`);
      return;
    }
    for (const ref of list) add(ref, reason);
  };
  if (inp.cniType === 'calico') fromCatalogue('projectcalico/tigera-operator', inp.calicoVersion, 'cni.type: calico');
  if (inp.cniType === 'cilium') fromCatalogue('cilium/cilium', inp.ciliumVersion, 'cni.type: cilium');
  if (inp.cniType === 'flannel') fromCatalogue('flannel/flannel', inp.flannelVersion, 'cni.type: flannel');
  if (inp.cniType === 'kubeovn' || inp.cniType === 'kube-ovn') fromCatalogue('kubeovn/kube-ovn', inp.kubeovnVersion, `cni.type: ${inp.cniType}`);
  if (inp.cniType === 'hybridnet') fromCatalogue('hybridnet/hybridnet', inp.hybridnetVersion, 'cni.type: hybridnet');
  if (inp.multiCni === 'multus' && inp.multusTag) add(`ghcr.io/k8snetworkplumbingwg/multus-cni:${inp.multusTag}`, 'cni.multi_cni: multus');
  if (inp.multiCni === 'spiderpool') notes.push('spiderpool images are not catalogued; list them in image_manifests for an offline bundle');
  if (inp.localpvEnabled) fromCatalogue('openebs-localpv/localpv-provisioner', inp.localpvVersion, 'storage_class.local.enabled');
  if (inp.nfsEnabled) fromCatalogue('nfs-subdir-external-provisioner/nfs-subdir-external-provisioner', inp.nfsVersion, 'storage_class.nfs.enabled');
  for (const ref of inp.extra) add(ref, 'image_manifests');
  return { images: [...seen.values()], notes };
}
