// The artifact plan: every file and image the init phase fetches for a config, with where it comes
// from, how to check it and where it lands. The plan is pure data computed from the config
// (./plan.ts); downloading, image copying and bundling (other modules) consume it and never
// re-derive URLs or paths themselves.

export type ArtifactKind =
  /** A single executable or an archive of executables (kubeadm, etcd tarball, runc …). */
  | 'binary'
  /** A Helm chart archive (.tgz). */
  | 'chart'
  /** A `docker save` tarball loaded on the node (docker registry, keepalived). */
  | 'image-archive'
  /** An installer bundle (harbor offline installer). */
  | 'installer'
  /** An OS package repository ISO (`download.iso`). */
  | 'iso'
  /** A helper tool kk itself uses on the coordinator (oras, nerdctl), laid out under work_dir/tools. */
  | 'tool';

export type ChecksumAlgorithm = 'sha256' | 'sha512';

/**
 * Where a file's expected digest comes from. Exactly one of `url` (a published checksum file) and
 * `inline` (a digest known in advance) is set.
 */
export interface ChecksumSource {
  algorithm: ChecksumAlgorithm;
  /** The checksum file, at the same place the artifact is fetched from (upstream, base_url or mirror). */
  url?: string;
  /** The same checksum file on the zone=cn mirror; null when there is no mirror. */
  mirrorUrl?: string | null;
  /**
   * How to read the checksum file:
   * - `digest`: the file's first token is the digest (`<hex>` or `<hex>  <name>`; Kubernetes
   *   `.sha256`, helm/containerd `.sha256sum`, cni `.sha256`, compose `.sha256`);
   * - `list`: one `<hex> [ *]<name>` line per file (etcd/nerdctl `SHA256SUMS`, runc
   *   `runc.sha256sum`, oras `*_checksums.txt`); the line whose name equals `entry` is the one.
   */
  format?: 'digest' | 'list';
  /** For `list`: the file name to look up (the artifact's upstream file name). */
  entry?: string;
  /** A lower-case hex digest given up front (config, offline manifest). */
  inline?: string;
}

export interface PlannedArtifact {
  /** Unique in the plan: `<name>/<version>/<arch>` (charts and ISOs: `<name>/<version>`/`<name>/<arch>`). */
  id: string;
  /** The component: kubeadm, kubelet, kubectl, etcd, helm, cni-plugins, crictl, containerd, runc, docker, cri-dockerd, calicoctl, docker-compose, docker-registry, harbor, keepalived, calico-chart, … */
  name: string;
  kind: ArtifactKind;
  /** amd64 | arm64; null for architecture-independent files (charts). */
  arch: string | null;
  version: string;
  /** Where the file is fetched from first: the upstream URL, or the same path under `download.base_url`. */
  url: string;
  /** The zone=cn mirror (`https://<download.cn_host>/<upstream host>/<path>`, docker: Aliyun); null when zone is not cn or base_url is set. */
  mirrorUrl: string | null;
  /** null: the upstream publishes no checksum kk knows of (see `checksumNote`). */
  checksum: ChecksumSource | null;
  /** Why there is no checksum source, or a caveat about the one given. */
  checksumNote?: string;
  /** Destination, relative to `base` (KubeKey's layout, e.g. `kube/v1.33.1/amd64/kubeadm`); the offline bundle keeps the same layout. */
  dest: string;
  /** binary_dir (`<work_dir>/kubekey`, everything KubeKey downloads) or work_dir (tools). */
  base: 'binary_dir' | 'work_dir';
  /** Expected size in bytes, when known. */
  size?: number;
  /** Why the file is in the plan (the config value that asks for it), for `artifact list`. */
  reason: string;
}

export interface PlannedImage {
  /** Where the image is pulled from, `<registry>/<repository>:<tag>` (registry always explicit): the upstream, or its path on `download.images.registry`. */
  ref: string;
  /**
   * The image's upstream name (`registry.k8s.io/kube-apiserver:v1.34.3`), whatever mirror it is
   * pulled from: the name it has in the image layout and the offline bundle, so one bundle serves
   * every cluster however it was made (docs/offline.md).
   */
  name: string;
  registry: string;
  repository: string;
  tag: string;
  /** `linux/<arch>` for every arch in `download.arch`. */
  platforms: string[];
  /** Where the image goes when pushed to the cluster's registry (`<auth.registry>/<repository>:<tag>`); null without a registry. */
  pushRef: string | null;
  /** Why the image is in the list. */
  reason: string;
}

export interface ArtifactPlan {
  kubeVersion: string;
  /** Architectures, from `download.arch` ∪ every host's arch when known. */
  arches: string[];
  zone: string;
  /** zone=cn: try each artifact's mirrorUrl before its url (upstream hosts are often slow or unreachable there). */
  preferMirror: boolean;
  /** `download.base_url`, normalised without a trailing slash; null when unset. */
  baseUrl: string | null;
  /** Resolved directories (absolute once work_dir is absolute). */
  workDir: string;
  binaryDir: string;
  artifactDir: string;
  /** Binaries, charts, archives, in a stable order. */
  artifacts: PlannedArtifact[];
  /** Container images for the offline bundle / registry push (§5.3). */
  images: PlannedImage[];
  /** Things the operator should know about the plan (unknown checksums, ignored entries …). */
  notes: string[];
}
