// planArtifacts: the config → the artifact plan (every file and image the init phase fetches).
// Pure: reads the model, touches no network and no disk.
import path from 'node:path';
import { UserError } from '../../../shared/errors';
import type { ClusterModel, Value, Vars } from '../../model/cluster';
import { getBool, getMap, getNonEmptyString, getString, getStringList, getVar } from '../../model/vars';
import { DEFAULT_KUBE_VERSION } from '../../config/version-defaults';
import { resolveInitDirs } from '../workdir';
import type { ArtifactPlan, PlannedArtifact } from './types';
import { normaliseBaseUrl, sourcesFor } from './sources';
import type { SourceSettings } from './sources';
import { planBinaries } from './plan-binaries';
import { planImages } from './plan-images';

export const SUPPORTED_ARCHES = ['amd64', 'arm64'] as const;

export interface PlanOptions {
  /** Resolves a relative or defaulted work_dir (process.cwd() when absent). */
  cwd?: string;
  /** --work-dir. */
  workDir?: string;
}

const str = (vars: Vars, p: string): string | null => getNonEmptyString(vars, p) ?? null;

/** `download.arch` mapped through transform_architectures (x86_64 → amd64 …), de-duplicated. */
function arches(vars: Vars): string[] {
  const raw = getStringList(vars, 'download.arch') ?? ['amd64'];
  const transform = getMap(vars, 'transform_architectures') ?? {};
  const out: string[] = [];
  for (const a of raw) {
    let mapped = a;
    for (const [to, from] of Object.entries(transform)) if (Array.isArray(from) && from.includes(a)) mapped = to;
    if (!(SUPPORTED_ARCHES as readonly string[]).includes(mapped)) {
      throw new UserError(`download.arch: "${a}" is not a supported architecture (${SUPPORTED_ARCHES.join(', ')}, or x86_64/aarch64)`);
    }
    if (!out.includes(mapped)) out.push(mapped);
  }
  if (out.length === 0) throw new UserError('download.arch is empty: name at least one architecture (amd64, arm64)');
  return out;
}

function baseUrl(vars: Vars): string | null {
  const raw = getNonEmptyString(vars, 'download.base_url');
  const norm = normaliseBaseUrl(raw);
  if (norm === null) return null;
  let u: URL;
  try {
    u = new URL(norm);
  } catch {
    throw new UserError(`download.base_url: "${raw}" is not a URL (expected e.g. https://mirror.example.com/kk)`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new UserError(`download.base_url: "${raw}" must be an http:// or https:// URL`);
  return norm;
}

/** The operator's `download.images[<chart>][<version>]` lists (they replace the built-in catalogue's). */
export function catalogueOverrides(vars: Vars): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  const images = getMap(vars, 'download.images') ?? {};
  for (const [chart, versions] of Object.entries(images)) {
    if (chart === 'manifests' || chart === 'registry' || chart === 'policy' || chart === 'fetch') continue;
    if (typeof versions !== 'object' || versions === null || Array.isArray(versions)) continue;
    for (const [version, list] of Object.entries(versions)) {
      if (Array.isArray(list) && list.every((x): x is string => typeof x === 'string')) (out[chart] ??= {})[version] = list;
    }
  }
  return out;
}

function stringItems(v: Value | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Files named by `download.charts` entries that are plain URLs (KubeKey saves them under work_dir/charts). */
function extraCharts(vars: Vars, src: SourceSettings, notes: string[]): PlannedArtifact[] {
  const out: PlannedArtifact[] = [];
  const list = getVar(vars, 'download.charts');
  for (const item of Array.isArray(list) ? list : []) {
    const url = typeof item === 'string' ? item : item && typeof item === 'object' && !Array.isArray(item) && typeof item.url === 'string' ? item.url : null;
    if (!url) continue;
    if (!/^https?:\/\//.test(url)) {
      notes.push(`download.charts entry "${url}" needs helm pull (oci:// or chart@repo); it is not a plain download and is not in the plan`);
      continue;
    }
    const file = path.posix.basename(new URL(url).pathname);
    const s = sourcesFor(src, url);
    out.push({
      id: `chart/${file}`,
      name: file.replace(/\.tgz$/, ''),
      kind: 'chart',
      arch: null,
      version: '',
      url: s.url,
      mirrorUrl: s.mirrorUrl,
      checksum: null,
      checksumNote: 'an operator-listed chart URL; no checksum source is known',
      dest: `charts/${file}`,
      base: 'work_dir',
      reason: 'download.charts',
    });
  }
  return out;
}

export function planArtifacts(model: ClusterModel, opts: PlanOptions = {}): ArtifactPlan {
  const vars = model.vars;
  const kubeVersion = str(vars, 'kubernetes.kube_version') ?? DEFAULT_KUBE_VERSION;
  const archList = arches(vars);
  const zone = getString(vars, 'zone') ?? '';
  const src: SourceSettings = { baseUrl: baseUrl(vars), zone, cnHost: str(vars, 'download.cn_host') ?? 'kubekey.pek3b.qingstor.com' };
  const dirs = resolveInitDirs(vars, opts.cwd ?? process.cwd(), opts.workDir);
  const notes: string[] = [];
  const cniType = getString(vars, 'cni.type') ?? 'calico';
  const multiCni = getString(vars, 'cni.multi_cni') ?? 'none';
  const registryType = getString(vars, 'image_registry.type') ?? '';
  const etcdType = getString(vars, 'etcd.deployment_type') ?? 'external';
  const localpvEnabled = getBool(vars, 'storage_class.local.enabled') ?? true;
  const nfsEnabled = getBool(vars, 'storage_class.nfs.enabled') ?? false;

  const artifacts = planBinaries(
    {
      kubeVersion,
      arches: archList,
      etcdVersion: str(vars, 'etcd.etcd_version'),
      etcdExternal: etcdType === 'external',
      helmVersion: str(vars, 'kubernetes.helm_version'),
      cniPluginsVersion: str(vars, 'cni.cni_plugins_version'),
      crictlVersion: str(vars, 'cri.crictl_version'),
      containerManager: getString(vars, 'cri.container_manager') ?? 'containerd',
      dockerVersion: str(vars, 'cri.docker_version'),
      cridockerdVersion: str(vars, 'cri.cridockerd_version'),
      containerdVersion: str(vars, 'cri.containerd_version'),
      runcVersion: str(vars, 'cri.runc_version'),
      cniType,
      multiCni,
      calicoVersion: str(vars, 'cni.calico_version'),
      ciliumVersion: str(vars, 'cni.cilium_version'),
      flannelVersion: str(vars, 'cni.flannel_version'),
      kubeovnVersion: str(vars, 'cni.kubeovn_version'),
      hybridnetVersion: str(vars, 'cni.hybridnet_version'),
      spiderpoolVersion: str(vars, 'cni.spiderpool_version'),
      registryType,
      registryHaVip: getString(vars, 'image_registry.ha_vip') ?? '',
      registryHosts: (model.groups.image_registry ?? []).length,
      dockerRegistryVersion: str(vars, 'image_registry.docker_registry_version'),
      dockerComposeVersion: str(vars, 'image_registry.dockercompose_version'),
      harborVersion: str(vars, 'image_registry.harbor_version'),
      keepalivedVersion: str(vars, 'image_registry.keepalived_version'),
      localpvEnabled,
      localpvVersion: str(vars, 'storage_class.localpv_provisioner_version'),
      nfsEnabled,
      nfsVersion: str(vars, 'storage_class.nfs_provisioner_version'),
      isos: stringItems(getVar(vars, 'download.iso')),
      tools: { oras: str(vars, 'download.tools.oras_version'), nerdctl: str(vars, 'download.tools.nerdctl_version') },
    },
    src,
  );
  artifacts.push(...extraCharts(vars, src, notes));

  const authRegistry = getString(vars, 'image_registry.auth.registry') ?? '';
  const { images, notes: imageNotes } = planImages({
    kubeVersion,
    arches: archList,
    pauseTag: str(vars, 'kubernetes.sandbox_image.tag'),
    corednsTag: str(vars, 'dns.coredns.image.tag'),
    nodelocaldnsTag: str(vars, 'dns.nodelocaldns.image.tag'),
    nodelocaldnsEnabled: getBool(vars, 'dns.nodelocaldns.enabled') ?? true,
    etcdInternal: etcdType === 'internal',
    etcdVersion: str(vars, 'etcd.etcd_version'),
    endpointType: getString(vars, 'kubernetes.control_plane_endpoint.type') ?? 'local',
    kubeVipTag: str(vars, 'kubernetes.control_plane_endpoint.kube_vip.image.tag'),
    haproxyTag: str(vars, 'kubernetes.control_plane_endpoint.haproxy.image.tag'),
    cniType,
    multiCni,
    multusTag: str(vars, 'cni.multus.image.tag'),
    calicoVersion: str(vars, 'cni.calico_version'),
    ciliumVersion: str(vars, 'cni.cilium_version'),
    flannelVersion: str(vars, 'cni.flannel_version'),
    kubeovnVersion: str(vars, 'cni.kubeovn_version'),
    hybridnetVersion: str(vars, 'cni.hybridnet_version'),
    localpvEnabled,
    localpvVersion: str(vars, 'storage_class.localpv_provisioner_version'),
    nfsEnabled,
    nfsVersion: str(vars, 'storage_class.nfs_provisioner_version'),
    sourceRegistry: str(vars, 'download.images.registry') ?? (zone === 'cn' ? 'hub.kubesphere.com.cn' : ''),
    pushRegistry: authRegistry !== '' && authRegistry !== 'hub.kubesphere.com.cn' ? authRegistry.replace(/\/+$/, '') : '',
    catalogueOverrides: catalogueOverrides(vars),
    extra: [...stringItems(getVar(vars, 'image_manifests')), ...stringItems(getVar(vars, 'download.images.manifests'))],
  });
  notes.push(...imageNotes);
  const unsummed = artifacts.filter((a) => a.checksum === null);
  if (unsummed.length > 0) {
    notes.push(
      `${unsummed.length} file(s) have no published checksum (${[...new Set(unsummed.map((a) => a.name))].join(', ')}): they cannot be checked against an upstream sum`,
    );
  }
  if (artifacts.some((a) => a.name === 'harbor' && a.arch !== 'amd64')) {
    notes.push("the arm64 Harbor installer comes from KubeKey's iso-latest release; its file name is inferred from the amd64 one");
  }
  return {
    kubeVersion,
    arches: archList,
    zone,
    preferMirror: zone === 'cn' && src.baseUrl === null,
    baseUrl: src.baseUrl,
    workDir: dirs.workDir,
    binaryDir: dirs.binaryDir,
    artifactDir: dirs.artifactDir,
    artifacts,
    images,
    notes,
  };
}

/** Absolute destination of an artifact in a plan. */
export function artifactPath(plan: ArtifactPlan, a: PlannedArtifact): string {
  return path.join(a.base === 'work_dir' ? plan.workDir : plan.binaryDir, a.dest);
}

/** The URLs to try for an artifact, in order (the mirror first in zone cn). */
export function artifactUrls(plan: ArtifactPlan, a: PlannedArtifact): string[] {
  const urls = plan.preferMirror && a.mirrorUrl ? [a.mirrorUrl, a.url] : [a.url, ...(a.mirrorUrl ? [a.mirrorUrl] : [])];
  return [...new Set(urls)];
}
