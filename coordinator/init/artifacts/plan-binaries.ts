// The files KubeKey's download role fetches for a config (kubekey-v4.md §5.2; conditions from
// builtin/core/roles/download/tasks/binary.yaml), each with the checksum file its upstream
// publishes. Upstream layouts of the checksum files were checked against kubespray's
// component_hash_update table (the same upstream files it hashes); where an upstream publishes
// none (docker static, cri-dockerd, harbor: md5 only, charts, KubeKey's own mirror files) the
// checksum is null and `checksumNote` says why.
import path from 'node:path';
import semver from 'semver';
import type { PlannedArtifact, ArtifactKind } from './types';
import { checksumFile, sourcesFor } from './sources';
import type { SourceSettings } from './sources';

export interface BinaryInputs {
  kubeVersion: string;
  arches: string[];
  etcdVersion: string | null;
  etcdExternal: boolean;
  helmVersion: string | null;
  cniPluginsVersion: string | null;
  crictlVersion: string | null;
  containerManager: string;
  dockerVersion: string | null;
  cridockerdVersion: string | null;
  containerdVersion: string | null;
  runcVersion: string | null;
  cniType: string;
  multiCni: string;
  calicoVersion: string | null;
  ciliumVersion: string | null;
  flannelVersion: string | null;
  kubeovnVersion: string | null;
  hybridnetVersion: string | null;
  spiderpoolVersion: string | null;
  registryType: string;
  registryHaVip: string;
  registryHosts: number;
  dockerRegistryVersion: string | null;
  dockerComposeVersion: string | null;
  harborVersion: string | null;
  keepalivedVersion: string | null;
  localpvEnabled: boolean;
  localpvVersion: string | null;
  nfsEnabled: boolean;
  nfsVersion: string | null;
  isos: string[];
  /** KubeKey's helper tools, only when the config names their versions (kk copies images itself). */
  tools: { oras: string | null; nerdctl: string | null };
}

/** One artifact as the planners describe it; `direct`: the upstream URL is already the only source (no zone mirror). */
type ArtifactInput = Omit<PlannedArtifact, 'id' | 'url' | 'mirrorUrl' | 'base'> & {
  upstream: string;
  cnMirror?: string;
  base?: PlannedArtifact['base'];
  direct?: boolean;
};
type Add = (a: ArtifactInput) => void;

const noV = (v: string): string => v.replace(/^v/, '');
const withV = (v: string): string => (v.startsWith('v') ? v : `v${v}`);
const uname = (arch: string): string => (arch === 'arm64' ? 'aarch64' : arch === 'amd64' ? 'x86_64' : arch);

const NO_SUMS = {
  docker: 'Docker publishes no checksum files for its static binaries',
  cridockerd: 'cri-dockerd releases publish no checksum files',
  harbor: 'Harbor publishes only an md5sum file and a GPG signature; kk verifies sha256/sha512 only',
  kubekeyMirror: "only published on KubeKey's own mirror, which has no checksum files",
  chart: 'chart releases publish no checksum file (the repository index digest is not fetched)',
  iso: "KubeKey's ISO releases publish no checksum files",
};

export function planBinaries(inp: BinaryInputs, src: SourceSettings): PlannedArtifact[] {
  const out: PlannedArtifact[] = [];
  const add: Add = (a) => {
    const { upstream, cnMirror, direct, ...rest } = a;
    const s = direct && !src.baseUrl ? { url: upstream, mirrorUrl: null } : sourcesFor(src, upstream, cnMirror);
    const id = [a.name, a.version, a.arch].filter(Boolean).join('/');
    out.push({ ...rest, id, url: s.url, mirrorUrl: s.mirrorUrl, base: a.base ?? 'binary_dir' });
  };
  const perArch = (fn: (arch: string) => void): void => inp.arches.forEach(fn);
  const binary = (kind: ArtifactKind = 'binary'): { kind: ArtifactKind } => ({ kind });

  const kv = inp.kubeVersion;
  for (const bin of ['kubeadm', 'kubelet', 'kubectl']) {
    perArch((arch) => {
      const upstream = `https://dl.k8s.io/release/${kv}/bin/linux/${arch}/${bin}`;
      add({
        name: bin,
        ...binary(),
        arch,
        version: kv,
        upstream,
        checksum: checksumFile(src, `${upstream}.sha256`, 'digest'),
        dest: `kube/${kv}/${arch}/${bin}`,
        reason: 'kubernetes.kube_version',
      });
    });
  }
  if (inp.etcdVersion && inp.etcdExternal) {
    const v = inp.etcdVersion;
    perArch((arch) => {
      const file = `etcd-${v}-linux-${arch}.tar.gz`;
      const base = `https://github.com/etcd-io/etcd/releases/download/${v}`;
      add({
        name: 'etcd',
        ...binary(),
        arch,
        version: v,
        upstream: `${base}/${file}`,
        checksum: checksumFile(src, `${base}/SHA256SUMS`, 'list', file),
        dest: `etcd/${v}/${arch}/${file}`,
        reason: 'etcd.deployment_type: external',
      });
    });
  }
  if (inp.cniPluginsVersion) {
    const v = inp.cniPluginsVersion;
    perArch((arch) => {
      const upstream = `https://github.com/containernetworking/plugins/releases/download/${v}/cni-plugins-linux-${arch}-${v}.tgz`;
      add({
        name: 'cni-plugins',
        ...binary(),
        arch,
        version: v,
        upstream,
        checksum: checksumFile(src, `${upstream}.sha256`, 'digest'),
        dest: `cni/plugins/${v}/${arch}/${path.posix.basename(upstream)}`,
        reason: 'cni.cni_plugins_version',
      });
    });
  }
  if (inp.helmVersion) {
    const v = inp.helmVersion;
    perArch((arch) => {
      const upstream = `https://get.helm.sh/helm-${v}-linux-${arch}.tar.gz`;
      add({
        name: 'helm',
        ...binary(),
        arch,
        version: v,
        upstream,
        checksum: checksumFile(src, `${upstream}.sha256sum`, 'digest'),
        dest: `helm/${v}/${arch}/${path.posix.basename(upstream)}`,
        reason: 'kubernetes.helm_version',
      });
    });
  }
  if (inp.crictlVersion) {
    const v = inp.crictlVersion;
    perArch((arch) => {
      const upstream = `https://github.com/kubernetes-sigs/cri-tools/releases/download/${v}/crictl-${v}-linux-${arch}.tar.gz`;
      add({
        name: 'crictl',
        ...binary(),
        arch,
        version: v,
        upstream,
        checksum: checksumFile(src, `${upstream}.sha256`, 'digest'),
        dest: `crictl/${v}/${arch}/${path.posix.basename(upstream)}`,
        reason: 'cri.crictl_version',
      });
    });
  }
  const docker = inp.containerManager === 'docker';
  // kk runs docker-registry as a systemd service without docker (docs/install.md); only Harbor's
  // compose project needs the docker engine on registry hosts.
  if (inp.dockerVersion && (docker || inp.registryType === 'harbor')) {
    const v = inp.dockerVersion;
    perArch((arch) => {
      const tail = `linux/static/stable/${uname(arch)}/docker-${v}.tgz`;
      add({
        name: 'docker',
        ...binary(),
        arch,
        version: v,
        upstream: `https://download.docker.com/${tail}`,
        cnMirror: `https://mirrors.aliyun.com/docker-ce/${tail}`,
        checksum: null,
        checksumNote: NO_SUMS.docker,
        dest: `docker/${v}/${arch}/docker-${v}.tgz`,
        reason: docker ? 'cri.container_manager: docker' : `image_registry.type: ${inp.registryType}`,
      });
    });
  }
  const kubeSemver = semver.coerce(kv);
  if (inp.cridockerdVersion && docker && kubeSemver && semver.gte(kubeSemver, '1.24.0')) {
    const v = inp.cridockerdVersion;
    perArch((arch) => {
      const upstream = `https://github.com/Mirantis/cri-dockerd/releases/download/${v}/cri-dockerd-${noV(v)}.${arch}.tgz`;
      add({
        name: 'cri-dockerd',
        ...binary(),
        arch,
        version: v,
        upstream,
        checksum: null,
        checksumNote: NO_SUMS.cridockerd,
        dest: `cri-dockerd/${v}/${arch}/${path.posix.basename(upstream)}`,
        reason: 'cri.container_manager: docker, Kubernetes ≥ v1.24',
      });
    });
  }
  if (inp.containerManager === 'containerd') {
    if (inp.containerdVersion) {
      const v = inp.containerdVersion;
      perArch((arch) => {
        const upstream = `https://github.com/containerd/containerd/releases/download/${v}/containerd-${noV(v)}-linux-${arch}.tar.gz`;
        add({
          name: 'containerd',
          ...binary(),
          arch,
          version: v,
          upstream,
          checksum: checksumFile(src, `${upstream}.sha256sum`, 'digest'),
          dest: `containerd/${v}/${arch}/${path.posix.basename(upstream)}`,
          reason: 'cri.container_manager: containerd',
        });
      });
    }
    if (inp.runcVersion) {
      const v = inp.runcVersion;
      perArch((arch) => {
        const base = `https://github.com/opencontainers/runc/releases/download/${v}`;
        add({
          name: 'runc',
          ...binary(),
          arch,
          version: v,
          upstream: `${base}/runc.${arch}`,
          checksum: checksumFile(src, `${base}/runc.sha256sum`, 'list', `runc.${arch}`),
          dest: `runc/${v}/${arch}/runc.${arch}`,
          reason: 'cri.container_manager: containerd',
        });
      });
    }
  }
  if (inp.cniType === 'calico' && inp.calicoVersion) {
    const v = inp.calicoVersion;
    const base = `https://github.com/projectcalico/calico/releases/download/${v}`;
    perArch((arch) => {
      add({
        name: 'calicoctl',
        ...binary(),
        arch,
        version: v,
        upstream: `${base}/calicoctl-linux-${arch}`,
        checksum: checksumFile(src, `${base}/SHA256SUMS`, 'list', `calicoctl-linux-${arch}`),
        dest: `cni/calico/${v}/${arch}/calicoctl`,
        reason: 'cni.type: calico',
      });
    });
  }
  planRegistry(inp, src, add, perArch);
  planCharts(inp, add);
  for (const iso of inp.isos) {
    perArch((arch) => {
      const file = `${iso}-${arch}.iso`;
      add({
        name: iso,
        kind: 'iso',
        arch,
        version: 'iso-latest',
        upstream: `https://github.com/kubesphere/kubekey/releases/download/iso-latest/${file}`,
        checksum: null,
        checksumNote: NO_SUMS.iso,
        dest: `repository/${file}`,
        reason: 'download.iso',
      });
    });
  }
  perArch((arch) => {
    const o = inp.tools.oras;
    if (o) {
      const oBase = `https://github.com/oras-project/oras/releases/download/${withV(o)}`;
      const oFile = `oras_${noV(o)}_linux_${arch}.tar.gz`;
      add({
        name: 'oras',
        kind: 'tool',
        arch,
        version: withV(o),
        upstream: `${oBase}/${oFile}`,
        checksum: checksumFile(src, `${oBase}/oras_${noV(o)}_checksums.txt`, 'list', oFile),
        dest: `tools/${arch}/${oFile}`,
        base: 'work_dir',
        reason: 'download.tools.oras_version',
      });
    }
    const n = inp.tools.nerdctl;
    if (n) {
      const nBase = `https://github.com/containerd/nerdctl/releases/download/${withV(n)}`;
      const nFile = `nerdctl-${noV(n)}-linux-${arch}.tar.gz`;
      add({
        name: 'nerdctl',
        kind: 'tool',
        arch,
        version: withV(n),
        upstream: `${nBase}/${nFile}`,
        checksum: checksumFile(src, `${nBase}/SHA256SUMS`, 'list', nFile),
        dest: `tools/${arch}/${nFile}`,
        base: 'work_dir',
        reason: 'download.tools.nerdctl_version',
      });
    }
  });
  return out;
}

function planRegistry(inp: BinaryInputs, src: SourceSettings, add: Add, perArch: (fn: (arch: string) => void) => void): void {
  const kk = (p: string): string => `https://${src.cnHost}/${p}`;
  if (inp.registryType === 'docker-registry' && inp.dockerRegistryVersion) {
    const v = inp.dockerRegistryVersion;
    perArch((arch) => {
      const file = `docker-registry-${v}-linux-${arch}.tgz`;
      // There is no upstream for this docker-save tarball: KubeKey's mirror is the source in every zone.
      add({
        name: 'docker-registry',
        kind: 'image-archive',
        arch,
        version: v,
        upstream: kk(`docker.io/registry/${v}/${file}`),
        direct: true,
        checksum: null,
        checksumNote: NO_SUMS.kubekeyMirror,
        dest: `image-registry/docker-registry/${v}/${arch}/${file}`,
        reason: 'image_registry.type: docker-registry',
      });
    });
  }
  if (inp.registryType === 'harbor') {
    if (inp.dockerComposeVersion) {
      const v = inp.dockerComposeVersion;
      perArch((arch) => {
        const upstream = `https://github.com/docker/compose/releases/download/${v}/docker-compose-linux-${uname(arch)}`;
        add({
          name: 'docker-compose',
          kind: 'binary',
          arch,
          version: v,
          upstream,
          checksum: checksumFile(src, `${upstream}.sha256`, 'digest'),
          dest: `image-registry/docker-compose/${v}/${arch}/docker-compose`,
          reason: 'image_registry.type: harbor',
        });
      });
    }
    if (inp.harborVersion) {
      const v = inp.harborVersion;
      perArch((arch) => {
        const upstream =
          arch === 'amd64'
            ? `https://github.com/goharbor/harbor/releases/download/${v}/harbor-offline-installer-${v}.tgz`
            : // Harbor ships no arm64 installer; KubeKey publishes one in its iso-latest release (name inferred from the amd64 one).
              `https://github.com/kubesphere/kubekey/releases/download/iso-latest/harbor-offline-installer-${v}-${arch}.tgz`;
        add({
          name: 'harbor',
          kind: 'installer',
          arch,
          version: v,
          upstream,
          checksum: null,
          checksumNote: NO_SUMS.harbor,
          dest: `image-registry/harbor/${v}/${arch}/${path.posix.basename(upstream)}`,
          reason: 'image_registry.type: harbor',
        });
      });
    }
  }
  if (inp.registryType !== '' && inp.keepalivedVersion && inp.registryHaVip !== '' && inp.registryHosts > 1) {
    const v = inp.keepalivedVersion;
    perArch((arch) => {
      const file = `keepalived-${v}-linux-${arch}.tgz`;
      add({
        name: 'keepalived',
        kind: 'image-archive',
        arch,
        version: v,
        upstream: kk(`osixia/keepalived/${v}/${file}`),
        direct: true,
        checksum: null,
        checksumNote: NO_SUMS.kubekeyMirror,
        dest: `image-registry/keepalived/${v}/${arch}/${file}`,
        reason: 'image_registry.ha_vip with several registry hosts',
      });
    });
  }
}

function planCharts(inp: BinaryInputs, add: Add): void {
  const chart = (name: string, version: string, upstream: string, dest: string, reason: string): void =>
    add({ name, kind: 'chart', arch: null, version, upstream, checksum: null, checksumNote: NO_SUMS.chart, dest, reason });
  const v = (x: string | null): x is string => !!x;
  if (inp.cniType === 'calico' && v(inp.calicoVersion)) {
    chart(
      'tigera-operator',
      inp.calicoVersion,
      `https://github.com/projectcalico/calico/releases/download/${inp.calicoVersion}/tigera-operator-${inp.calicoVersion}.tgz`,
      `cni/calico/tigera-operator-${inp.calicoVersion}.tgz`,
      'cni.type: calico',
    );
  }
  if (inp.cniType === 'cilium' && v(inp.ciliumVersion)) {
    chart(
      'cilium',
      inp.ciliumVersion,
      `https://helm.cilium.io/cilium-${inp.ciliumVersion}.tgz`,
      `cni/cilium/cilium-${inp.ciliumVersion}.tgz`,
      'cni.type: cilium',
    );
  }
  if (inp.cniType === 'flannel' && v(inp.flannelVersion)) {
    chart(
      'flannel',
      inp.flannelVersion,
      `https://github.com/flannel-io/flannel/releases/download/${inp.flannelVersion}/flannel.tgz`,
      `cni/flannel/flannel-${inp.flannelVersion}.tgz`,
      'cni.type: flannel',
    );
  }
  if ((inp.cniType === 'kubeovn' || inp.cniType === 'kube-ovn') && v(inp.kubeovnVersion)) {
    chart(
      'kube-ovn',
      inp.kubeovnVersion,
      `https://kubeovn.github.io/kube-ovn/kube-ovn-${inp.kubeovnVersion}.tgz`,
      `cni/kubeovn/kube-ovn-${inp.kubeovnVersion}.tgz`,
      `cni.type: ${inp.cniType}`,
    );
  }
  if (inp.cniType === 'hybridnet' && v(inp.hybridnetVersion)) {
    chart(
      'hybridnet',
      inp.hybridnetVersion,
      `https://github.com/alibaba/hybridnet/releases/download/helm-chart-${inp.hybridnetVersion}/hybridnet-${inp.hybridnetVersion}.tgz`,
      `cni/hybridnet/hybridnet-${inp.hybridnetVersion}.tgz`,
      'cni.type: hybridnet',
    );
  }
  if (inp.multiCni === 'spiderpool' && v(inp.spiderpoolVersion)) {
    chart(
      'spiderpool',
      inp.spiderpoolVersion,
      `https://github.com/spidernet-io/spiderpool/releases/download/${inp.spiderpoolVersion}/spiderpool-${noV(inp.spiderpoolVersion)}.tgz`,
      `cni/spiderpool/spiderpool-${inp.spiderpoolVersion}.tgz`,
      'cni.multi_cni: spiderpool',
    );
  }
  if (inp.localpvEnabled && v(inp.localpvVersion)) {
    chart(
      'localpv-provisioner',
      inp.localpvVersion,
      `https://openebs.github.io/dynamic-localpv-provisioner/localpv-provisioner-${inp.localpvVersion}.tgz`,
      `storageclass/local/localpv-provisioner-${inp.localpvVersion}.tgz`,
      'storage_class.local.enabled',
    );
  }
  if (inp.nfsEnabled && v(inp.nfsVersion)) {
    const n = `nfs-subdir-external-provisioner-${inp.nfsVersion}`;
    chart(
      'nfs-subdir-external-provisioner',
      inp.nfsVersion,
      `https://github.com/kubernetes-sigs/nfs-subdir-external-provisioner/releases/download/${n}/${n}.tgz`,
      `storageclass/nfs/${n}.tgz`,
      'storage_class.nfs.enabled',
    );
  }
}
