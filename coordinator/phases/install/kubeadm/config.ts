// /etc/kubernetes/kubeadm-config.yaml as KubeKey v4 renders it (kubekey-v4.md §6.6: init-kubernetes
// item 2, join-kubernetes item 1), from the loaded cluster model. Pure: no I/O, no clock, no
// randomness — every secret (bootstrap token, certificate key, CA pin) comes from the caller.
//
// Where kk differs from KubeKey's templates, on purpose (docs/defaults-vs-kubekey.md):
// - join verifies the cluster CA by `caCertHashes` (kk made the CA) instead of
//   `unsafeSkipCAVerification: true`; init creates the join token itself (`bootstrapTokens`, TTL);
// - a user's extra_args / kube_proxy.config / kubelet.extra_config replace the built-in value of
//   the same name (KubeKey appends them: duplicate YAML keys, or duplicate flags in v1beta4);
// - stacked etcd (`internal`) uses kubeadm's own etcd image (`<image_repository>/etcd:<v>-0`, the
//   one kk's image plan ships) — KubeKey's `imageRepository: docker.io` + `imageTag: v3.x.y` names
//   an image that does not exist;
// - external etcd endpoints are the members' IPv4 client URLs only (kk's etcd listens on IPv4);
// - nodeRegistration names the node (`name`), adds `node-ip` (both families on dual-stack hosts),
//   and sets `taints: []` on control planes that are also workers (KubeKey removes the taint with
//   kubectl afterwards); `pod-infra-container-image` is left out for kubelets ≥ v1.35 (no flag);
// - CIDRs written `a/n/b/m` are passed to kubeadm comma-joined; an IPv6 endpoint host is bracketed;
// - the kube-vip VIP is an API server certificate SAN.
import { X509Certificate, createHash } from 'node:crypto';
import semver from 'semver';
import { Document } from 'yaml';
import { UserError } from '../../../../shared/errors';
import { deepMerge } from '../../../config/merge';
import { nthAddress } from '../../../config/derived';
import { parseCidrList, parseVersion, type IpFamily } from '../../../config/formats';
import type { ClusterModel, InventoryHost, Value, Vars } from '../../../model/cluster';
import { getBool, getMap, getNonEmptyString, getNumber, getString, getStringList, getVar } from '../../../inventory/vars';

/** Where kk writes the configuration on the node (KubeKey's path). */
export const KUBEADM_CONFIG_PATH = '/etc/kubernetes/kubeadm-config.yaml';
/** Where `kubernetes.patches` go (`/etc/kubernetes/patches/<name>`); kubeadm reads the directory. */
export const KUBEADM_PATCHES_DIR = '/etc/kubernetes/patches/';
export const AUDIT_DIR = '/etc/kubernetes/audit';
export const AUDIT_POLICY = `${AUDIT_DIR}/policy.yaml`;
/** The API server's audit log (KubeKey sends audit events to KubeSphere's webhook instead; docs/defaults-vs-kubekey.md). */
export const AUDIT_LOG_DIR = '/var/log/kubernetes/audit';
/** External etcd client files on control planes (KubeKey's pre-kubernetes copies them there). */
export const EXTERNAL_ETCD_FILES = {
  caFile: '/etc/kubernetes/pki/etcd/ca.crt',
  certFile: '/etc/kubernetes/pki/etcd/client.crt',
  keyFile: '/etc/kubernetes/pki/etcd/client.key',
} as const;
/** kubeadm's default bootstrap token lifetime; the caller may shorten it. */
export const DEFAULT_TOKEN_TTL = '24h0m0s';
export const CONTROL_PLANE_TAINT = 'node-role.kubernetes.io/control-plane';

export type KubeadmApiVersion = 'kubeadm.k8s.io/v1beta3' | 'kubeadm.k8s.io/v1beta4';

/** What both init and join take from the coordinator. */
export interface CommonOptions {
  /** The CRI socket (default: the host's `cri.cri_socket`; empty → left to kubeadm's detection). */
  criSocket?: string;
  /** The API endpoint every node uses (default `kubernetes.control_plane_endpoint.host`/`.port`). */
  endpoint?: { host: string; port: number };
  /** kubeadm preflight checks to ignore on this node (`nodeRegistration.ignorePreflightErrors`). */
  ignorePreflightErrors?: string[];
}

export interface InitOptions extends CommonOptions {
  /** The control-plane host `kubeadm init` runs on (inventory name). */
  initHost: string;
  /** `abcdef.0123456789abcdef`: created by `kubeadm init` as a join token; omitted → kubeadm makes its own. */
  bootstrapToken?: string;
  /** The token's lifetime (Go duration, default 24h0m0s). */
  bootstrapTokenTTL?: string;
  /** 64 hex digits: encrypts the certificates `kubeadm init --upload-certs` uploads for control-plane joins. */
  certificateKey?: string;
}

export interface JoinOptions extends CommonOptions {
  /** The bootstrap token (discovery and TLS bootstrap). */
  bootstrapToken: string;
  /** `sha256:<hex>` pins of the cluster CA's public key (see caCertHash). At least one. */
  caCertHashes: string[];
  /** Required when the host is a control plane: the key the init node uploaded the certificates with. */
  certificateKey?: string;
}

type Obj = { [key: string]: unknown };
type Args = Array<{ name: string; value: string }> | Record<string, string>;

const TOKEN = /^[a-z0-9]{6}\.[a-z0-9]{16}$/;
const CERT_KEY = /^[0-9a-f]{64}$/;
const CA_HASH = /^sha256:[0-9a-f]{64}$/;
const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

/** `kubeadm.k8s.io/v1beta4` for Kubernetes ≥ v1.31.0, else v1beta3 (KubeKey's rule). */
export function kubeadmApiVersion(kubeVersion: string): KubeadmApiVersion {
  const v = parseVersion(kubeVersion);
  if (!v) throw new UserError(`kubernetes.kube_version "${kubeVersion}" is not a version`);
  return semver.gte(v, '1.31.0') ? 'kubeadm.k8s.io/v1beta4' : 'kubeadm.k8s.io/v1beta3';
}

/**
 * kubeadm's CA pin for a PEM certificate (the first one in a bundle): `sha256:` + hex SHA-256 of
 * its DER SubjectPublicKeyInfo — what `kubeadm join --discovery-token-ca-cert-hash` takes.
 */
export function caCertHash(pem: string): string {
  const block = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem);
  if (!block) throw new Error('no PEM certificate to pin');
  const spki = new X509Certificate(block[0]).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
}

/**
 * The Kubernetes node name of a host: its inventory name when kk sets host names
 * (`native.set_hostname`, the default), else its own `hostname` when known; lower case as kubeadm.
 */
export function nodeName(model: ClusterModel, name: string): string {
  const host = model.hosts.find((h) => h.name === name);
  const own = host && getBool(host.vars, 'native.set_hostname') === false ? getNonEmptyString(host.vars, 'hostname') : undefined;
  return (own ?? name).toLowerCase();
}

// ---------------------------------------------------------------------------------------------
// Small readers.

function hostOf(model: ClusterModel, name: string): InventoryHost {
  const h = model.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`kubeadm config: no host "${name}" in the inventory`);
  return h;
}

const inGroup = (model: ClusterModel, group: string, name: string): boolean => (model.groups[group] ?? []).includes(name);
const hostsIn = (model: ClusterModel, group: string): string[] => {
  const members = new Set(model.groups[group] ?? []);
  return model.hosts.map((h) => h.name).filter((h) => members.has(h));
};

function ips(host: InventoryHost): { v4?: string; v6?: string } {
  const v4 = getNonEmptyString(host.vars, 'internal_ipv4');
  const v6 = getNonEmptyString(host.vars, 'internal_ipv6');
  return { ...(v4 ? { v4 } : {}), ...(v6 ? { v6 } : {}) };
}

/** The address a control plane advertises: internal IPv4, else IPv6 (KubeKey). */
function advertiseAddress(host: InventoryHost): string {
  const { v4, v6 } = ips(host);
  const ip = v4 ?? v6;
  if (!ip) throw new UserError(`${host.name}: neither internal_ipv4 nor internal_ipv6 is set in the inventory; kubeadm needs the node's address`);
  return ip;
}

const bracket = (host: string): string => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

/** A pod/service CIDR value as kubeadm wants it: comma-joined (`a/n/b/m` → `a/n,b/m`). */
function cidrs(model: ClusterModel, key: string, fallback: string): { text: string; families: IpFamily[] } {
  const raw = getNonEmptyString(model.vars, key) ?? fallback;
  const parsed = parseCidrList(raw);
  if (!parsed) throw new UserError(`${key}: "${raw}" is not a CIDR or a pair of CIDRs`);
  return { text: parsed.map((c) => c.text).join(','), families: parsed.map((c) => c.family) };
}

function argString(v: Value): string {
  if (typeof v === 'string') return v;
  if (v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Built-in arguments overlaid with the user's map (same name → the user's value, in place). */
function mergeArgs(builtin: Array<[string, string]>, user: Vars | undefined): Array<[string, string]> {
  const out = builtin.map(([k, v]): [string, string] => [k, v]);
  for (const [k, v] of Object.entries(user ?? {})) {
    if (v === null) continue;
    const i = out.findIndex(([name]) => name === k);
    if (i >= 0) out[i] = [k, argString(v)];
    else out.push([k, argString(v)]);
  }
  return out;
}

/** v1beta4 lists `[{name, value}]`, v1beta3 maps. */
function args(api: KubeadmApiVersion, list: Array<[string, string]>): Args {
  if (api === 'kubeadm.k8s.io/v1beta4') return list.map(([name, value]) => ({ name, value }));
  return Object.fromEntries(list);
}

function image(vars: Vars, key: string): { registry: string; repository: string; tag?: string } {
  const registry = getString(vars, `${key}.registry`) ?? '';
  const repository = getString(vars, `${key}.repository`) ?? '';
  const tag = getNonEmptyString(vars, `${key}.tag`);
  return { registry, repository, ...(tag ? { tag } : {}) };
}

function kubeVersion(model: ClusterModel): string {
  const v = getNonEmptyString(model.vars, 'kubernetes.kube_version');
  if (!v) throw new UserError('kubernetes.kube_version is not set');
  return v;
}

function endpointOf(model: ClusterModel, opts: CommonOptions): { host: string; port: number } {
  if (opts.endpoint) return opts.endpoint;
  const host = getNonEmptyString(model.vars, 'kubernetes.control_plane_endpoint.host') ?? 'lb.kubesphere.local';
  const port = getNumber(model.vars, 'kubernetes.control_plane_endpoint.port') ?? getNumber(model.vars, 'kubernetes.apiserver.port') ?? 6443;
  return { host, port };
}

const hostPort = (e: { host: string; port: number }): string => `${bracket(e.host)}:${e.port}`;

// ---------------------------------------------------------------------------------------------
// Node registration (init and join).

function nodeIp(model: ClusterModel, host: InventoryHost): string {
  const { v4, v6 } = ips(host);
  const families = cidrs(model, 'cni.pod_cidr', '10.233.64.0/18').families;
  const picked = families.map((f) => (f === 'ipv4' ? v4 : v6)).filter((x): x is string => !!x);
  return picked.length > 0 ? picked.join(',') : advertiseAddress(host);
}

function nodeRegistration(model: ClusterModel, host: InventoryHost, api: KubeadmApiVersion, opts: CommonOptions, controlPlane: boolean): Obj {
  const vars = host.vars;
  const kubelet: Array<[string, string]> = [['cgroup-driver', getNonEmptyString(vars, 'cri.cgroup_driver') ?? 'systemd']];
  const v = parseVersion(kubeVersion(model));
  const sandbox = image(vars, 'kubernetes.sandbox_image');
  // The kubelet flag is gone in v1.35 (the sandbox image comes from the CRI).
  if (v && semver.lt(v, '1.35.0') && sandbox.tag) kubelet.push(['pod-infra-container-image', `${sandbox.registry}/${sandbox.repository}:${sandbox.tag}`]);
  kubelet.push(['node-ip', nodeIp(model, host)]);
  const criSocket = opts.criSocket ?? getNonEmptyString(vars, 'cri.cri_socket');
  const out: Obj = { name: nodeName(model, host.name) };
  if (criSocket) out.criSocket = criSocket;
  // kubeadm taints control planes (nil = its default); one that is also a worker gets none.
  if (controlPlane && inGroup(model, 'kube_worker', host.name)) out.taints = [];
  out.kubeletExtraArgs = args(api, mergeArgs(kubelet, getMap(vars, 'kubernetes.kubelet.extra_args')));
  if (opts.ignorePreflightErrors && opts.ignorePreflightErrors.length > 0) out.ignorePreflightErrors = [...opts.ignorePreflightErrors];
  return out;
}

const patches = (model: ClusterModel): Obj | null => {
  const list = getVar(model.vars, 'kubernetes.patches');
  return Array.isArray(list) && list.length > 0 ? { directory: KUBEADM_PATCHES_DIR } : null;
};

// ---------------------------------------------------------------------------------------------
// ClusterConfiguration.

function etcdSection(model: ClusterModel): Obj {
  const internal = (getString(model.vars, 'etcd.deployment_type') ?? 'external') === 'internal';
  const etcdHosts = hostsIn(model, 'etcd').map((h) => hostOf(model, h));
  if (internal) {
    const local: Obj = { imageRepository: imageRepository(model) };
    const version = getNonEmptyString(model.vars, 'etcd.etcd_version');
    // kubeadm's etcd images are tagged <version>-0 (registry.k8s.io/etcd:3.6.5-0), as kk's image plan.
    if (version) local.imageTag = `${version.replace(/^v/, '')}-0`;
    const sans = etcdHosts.map((h) => ips(h).v4 ?? ips(h).v6).filter((x): x is string => !!x);
    if (sans.length > 0) local.serverCertSANs = sans;
    return { local };
  }
  if (etcdHosts.length === 0) throw new UserError('etcd.deployment_type is external but the etcd group has no hosts');
  const port = getNumber(model.vars, 'etcd.port') ?? 2379;
  return {
    external: {
      endpoints: etcdHosts.map((h) => `https://${bracket(advertiseAddress(h))}:${port}`),
      ...EXTERNAL_ETCD_FILES,
    },
  };
}

function imageRepository(model: ClusterModel): string {
  return getNonEmptyString(model.vars, 'kubernetes.image_repository') ?? 'registry.k8s.io';
}

/** Every name and address the API server certificate covers (KubeKey's list, de-duplicated). */
export function apiServerCertSANs(model: ClusterModel, endpointHost: string): string[] {
  const cluster = getNonEmptyString(model.vars, 'kubernetes.cluster_name') ?? 'kubekey';
  const domain = getNonEmptyString(model.vars, 'dns.domain') ?? 'cluster.local';
  const out = [
    'localhost',
    '127.0.0.1',
    '::1',
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    `kubernetes.default.svc.${cluster}`,
    `kubernetes.default.svc.${cluster}.${domain}`,
  ];
  const svc = nthAddress(cidrs(model, 'cni.service_cidr', '10.233.0.0/18').text, 1);
  if (svc) out.push(svc);
  out.push(endpointHost);
  if (getString(model.vars, 'kubernetes.control_plane_endpoint.type') === 'kube-vip') {
    const vip = getNonEmptyString(model.vars, 'kubernetes.control_plane_endpoint.kube_vip.address');
    if (vip) out.push(vip);
  }
  for (const name of hostsIn(model, 'k8s_cluster')) {
    const h = hostOf(model, name);
    const node = nodeName(model, name);
    out.push(node, `${node}.${cluster}`, `${node}.${cluster}.${domain}`);
    const { v4, v6 } = ips(h);
    if (v4) out.push(v4);
    if (v6) out.push(v6);
  }
  out.push(...(getStringList(model.vars, 'kubernetes.apiserver.certSANs') ?? []));
  return [...new Set(out.filter((s) => s !== ''))];
}

const HARDENED_CIPHERS = ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305'];

function clusterConfiguration(model: ClusterModel, initHost: InventoryHost, api: KubeadmApiVersion, endpoint: { host: string; port: number }): Obj {
  const vars = model.vars;
  const hardened = getBool(vars, 'security_enhancement') === true;
  const audit = getBool(vars, 'audit') === true;
  // Bind addresses follow the init node's address family (KubeKey).
  const v4 = ips(initHost).v4 !== undefined;
  const any = v4 ? '0.0.0.0' : '::';
  const loopback = v4 ? '127.0.0.1' : '::1';
  const pod = cidrs(model, 'cni.pod_cidr', '10.233.64.0/18');
  const service = cidrs(model, 'cni.service_cidr', '10.233.0.0/18');

  const apiArgs: Array<[string, string]> = [['bind-address', any]];
  if (hardened) {
    apiArgs.push(
      ['authorization-mode', 'Node,RBAC'],
      [
        'enable-admission-plugins',
        'AlwaysPullImages,ServiceAccount,NamespaceLifecycle,NodeRestriction,LimitRanger,ResourceQuota,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,PodNodeSelector,PodSecurity',
      ],
      ['profiling', 'false'],
      ['request-timeout', '120s'],
      ['service-account-lookup', 'true'],
      ['tls-min-version', 'VersionTLS12'],
      ['tls-cipher-suites', HARDENED_CIPHERS.join(',')],
    );
  }
  if (audit) {
    apiArgs.push(
      ['audit-log-format', 'json'],
      ['audit-log-maxbackup', '2'],
      ['audit-log-maxsize', '200'],
      ['audit-log-maxage', '30'],
      ['audit-log-path', `${AUDIT_LOG_DIR}/audit.log`],
      ['audit-policy-file', AUDIT_POLICY],
    );
  }
  const apiServer: Obj = {
    extraArgs: args(api, mergeArgs(apiArgs, getMap(vars, 'kubernetes.apiserver.extra_args'))),
    certSANs: apiServerCertSANs(model, endpoint.host),
  };
  if (audit) {
    apiServer.extraVolumes = [
      { name: 'k8s-audit', hostPath: AUDIT_DIR, mountPath: AUDIT_DIR, readOnly: true, pathType: 'DirectoryOrCreate' },
      { name: 'k8s-audit-log', hostPath: AUDIT_LOG_DIR, mountPath: AUDIT_LOG_DIR, pathType: 'DirectoryOrCreate' },
    ];
  }

  const cmArgs: Array<[string, string]> = [];
  if (pod.families[0] === 'ipv4') cmArgs.push(['node-cidr-mask-size-ipv4', String(getNumber(vars, 'cni.ipv4_mask_size') ?? 24)]);
  if (pod.families[pod.families.length - 1] === 'ipv6') cmArgs.push(['node-cidr-mask-size-ipv6', String(getNumber(vars, 'cni.ipv6_mask_size') ?? 64)]);
  if (hardened)
    cmArgs.push(['bind-address', loopback], ['profiling', 'false'], ['terminated-pod-gc-threshold', '50'], ['use-service-account-credentials', 'true']);
  else cmArgs.push(['bind-address', any]);
  const schedArgs: Array<[string, string]> = hardened
    ? [
        ['bind-address', loopback],
        ['profiling', 'false'],
      ]
    : [['bind-address', any]];

  const coredns = image(vars, 'dns.coredns.image');
  const dns: Obj = { imageRepository: `${coredns.registry}/${coredns.repository}` };
  if (coredns.tag) dns.imageTag = coredns.tag;

  return {
    apiVersion: api,
    kind: 'ClusterConfiguration',
    etcd: etcdSection(model),
    dns,
    imageRepository: imageRepository(model),
    kubernetesVersion: kubeVersion(model),
    certificatesDir: '/etc/kubernetes/pki',
    clusterName: getNonEmptyString(vars, 'kubernetes.cluster_name') ?? 'kubekey',
    controlPlaneEndpoint: hostPort(endpoint),
    networking: {
      dnsDomain: getNonEmptyString(vars, 'dns.domain') ?? 'cluster.local',
      podSubnet: pod.text,
      serviceSubnet: service.text,
    },
    apiServer,
    controllerManager: {
      extraArgs: args(api, mergeArgs(cmArgs, getMap(vars, 'kubernetes.controller_manager.extra_args'))),
      extraVolumes: [{ name: 'host-time', hostPath: '/etc/localtime', mountPath: '/etc/localtime', readOnly: true }],
    },
    scheduler: { extraArgs: args(api, mergeArgs(schedArgs, getMap(vars, 'kubernetes.scheduler.extra_args'))) },
  };
}

// ---------------------------------------------------------------------------------------------
// KubeProxyConfiguration, KubeletConfiguration.

function kubeProxyConfiguration(model: ClusterModel): Obj {
  const base: Vars = {
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    clusterCIDR: cidrs(model, 'cni.pod_cidr', '10.233.64.0/18').text,
    mode: getNonEmptyString(model.vars, 'kubernetes.kube_proxy.mode') ?? 'ipvs',
  };
  const user = getMap(model.vars, 'kubernetes.kube_proxy.config');
  return user ? deepMerge(base, withoutTypeMeta(user)) : base;
}

function kubeletConfiguration(model: ClusterModel): Obj {
  const vars = model.vars;
  const hardened = getBool(vars, 'security_enhancement') === true;
  const nodelocal = getBool(vars, 'dns.nodelocaldns.enabled') !== false;
  const dnsIp = nodelocal
    ? (getNonEmptyString(vars, 'dns.nodelocaldns.ip') ?? '169.254.25.10')
    : (getNonEmptyString(vars, 'dns.coredns.ip') ?? nthAddress(cidrs(model, 'cni.service_cidr', '10.233.0.0/18').text, 3));
  if (!dnsIp) throw new UserError('dns.coredns.ip is not set and cni.service_cidr has no third address');
  const base: Vars = {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    clusterDomain: getNonEmptyString(vars, 'dns.domain') ?? 'cluster.local',
    clusterDNS: [dnsIp],
    maxPods: getNumber(vars, 'kubernetes.kubelet.max_pods') ?? 110,
    podPidsLimit: getNumber(vars, 'kubernetes.kubelet.pod_pids_limit') ?? 10000,
    rotateCertificates: true,
    kubeReserved: { cpu: '200m', memory: '250Mi' },
    systemReserved: { cpu: '200m', memory: '250Mi' },
    evictionHard: { 'memory.available': '5%', 'pid.available': '10%' },
    evictionSoft: { 'memory.available': '10%' },
    evictionSoftGracePeriod: { 'memory.available': '2m' },
    evictionMaxPodGracePeriod: 120,
    evictionPressureTransitionPeriod: '30s',
  };
  if (hardened) {
    Object.assign(base, {
      readOnlyPort: 0,
      protectKernelDefaults: true,
      eventRecordQPS: 1,
      streamingConnectionIdleTimeout: '5m',
      makeIPTablesUtilChains: true,
      tlsCipherSuites: [...HARDENED_CIPHERS],
    });
  }
  const gates = getMap(vars, 'kubernetes.kubelet.feature_gates');
  if (gates && Object.keys(gates).length > 0) base.featureGates = { ...gates };
  base.cgroupDriver = getNonEmptyString(vars, 'cri.cgroup_driver') ?? 'systemd';
  base.containerLogMaxSize = getNonEmptyString(vars, 'kubernetes.kubelet.container_log_max_size') ?? '5Mi';
  base.containerLogMaxFiles = getNumber(vars, 'kubernetes.kubelet.container_log_max_files') ?? 3;
  const user = getMap(vars, 'kubernetes.kubelet.extra_config');
  return user ? deepMerge(base, withoutTypeMeta(user)) : base;
}

/** A user's config map may not retype the document. */
function withoutTypeMeta(user: Vars): Vars {
  const { apiVersion: _a, kind: _k, ...rest } = user;
  return rest;
}

// ---------------------------------------------------------------------------------------------
// The documents.

function checkToken(token: string): void {
  if (!TOKEN.test(token)) throw new Error('kubeadm config: the bootstrap token must look like abcdef.0123456789abcdef ([a-z0-9]{6}.[a-z0-9]{16})');
}

function checkCertKey(key: string): void {
  if (!CERT_KEY.test(key)) throw new Error('kubeadm config: the certificate key must be 64 lower-case hex digits');
}

/** The four documents of the init node's configuration, as objects (what initConfig prints). */
export function initDocuments(model: ClusterModel, opts: InitOptions): Obj[] {
  const host = hostOf(model, opts.initHost);
  if (!inGroup(model, 'kube_control_plane', host.name)) throw new Error(`kubeadm config: init host ${host.name} is not in kube_control_plane`);
  const api = kubeadmApiVersion(kubeVersion(model));
  const endpoint = endpointOf(model, opts);
  const init: Obj = { apiVersion: api, kind: 'InitConfiguration' };
  if (opts.bootstrapToken !== undefined) {
    checkToken(opts.bootstrapToken);
    if (opts.bootstrapTokenTTL !== undefined && !GO_DURATION.test(opts.bootstrapTokenTTL)) {
      throw new Error(`kubeadm config: bootstrap token TTL "${opts.bootstrapTokenTTL}" is not a Go duration (2h, 24h0m0s)`);
    }
    init.bootstrapTokens = [
      {
        token: opts.bootstrapToken,
        description: 'kk: joins the cluster nodes',
        ttl: opts.bootstrapTokenTTL ?? DEFAULT_TOKEN_TTL,
        usages: ['signing', 'authentication'],
        groups: ['system:bootstrappers:kubeadm:default-node-token'],
      },
    ];
  }
  init.localAPIEndpoint = {
    advertiseAddress: advertiseAddress(host),
    bindPort: getNumber(host.vars, 'kubernetes.apiserver.port') ?? 6443,
  };
  if (opts.certificateKey !== undefined) {
    checkCertKey(opts.certificateKey);
    init.certificateKey = opts.certificateKey;
  }
  init.nodeRegistration = nodeRegistration(model, host, api, opts, true);
  const skip = getStringList(model.vars, 'kubernetes.skip_phases') ?? [];
  if (skip.length > 0) init.skipPhases = [...skip];
  const p = patches(model);
  if (p) init.patches = p;
  return [clusterConfiguration(model, host, api, endpoint), init, kubeProxyConfiguration(model), kubeletConfiguration(model)];
}

/** The join document of one host (a control plane gets `controlPlane`); KubeletConfiguration comes from the cluster. */
export function joinDocument(model: ClusterModel, hostName: string, opts: JoinOptions): Obj {
  const host = hostOf(model, hostName);
  if (!inGroup(model, 'k8s_cluster', host.name)) throw new Error(`kubeadm config: ${host.name} is not in k8s_cluster`);
  checkToken(opts.bootstrapToken);
  if (opts.caCertHashes.length === 0) throw new Error('kubeadm config: a join needs at least one CA certificate hash');
  for (const h of opts.caCertHashes) if (!CA_HASH.test(h)) throw new Error(`kubeadm config: "${h}" is not a sha256:<64 hex> CA hash`);
  const api = kubeadmApiVersion(kubeVersion(model));
  const controlPlane = inGroup(model, 'kube_control_plane', host.name);
  const doc: Obj = {
    apiVersion: api,
    kind: 'JoinConfiguration',
    discovery: {
      bootstrapToken: {
        apiServerEndpoint: hostPort(endpointOf(model, opts)),
        token: opts.bootstrapToken,
        caCertHashes: [...opts.caCertHashes],
      },
    },
  };
  if (controlPlane) {
    if (opts.certificateKey === undefined) throw new Error(`kubeadm config: ${host.name} joins as a control plane and needs the certificate key`);
    checkCertKey(opts.certificateKey);
    doc.controlPlane = {
      localAPIEndpoint: {
        advertiseAddress: advertiseAddress(host),
        bindPort: getNumber(host.vars, 'kubernetes.apiserver.port') ?? 6443,
      },
      certificateKey: opts.certificateKey,
    };
  }
  doc.nodeRegistration = nodeRegistration(model, host, api, opts, controlPlane);
  const p = patches(model);
  if (p) doc.patches = p;
  return doc;
}

/** YAML 1.1 quoting (what kubeadm's Go YAML reads: `on`, `yes` … stay strings), no folding. */
function emit(doc: Obj): string {
  return new Document(doc, { version: '1.1' }).toString({ lineWidth: 0 });
}

/** The init node's `/etc/kubernetes/kubeadm-config.yaml`: Cluster-, Init-, KubeProxy- and KubeletConfiguration. */
export function initConfig(model: ClusterModel, opts: InitOptions): string {
  return initDocuments(model, opts)
    .map((d) => `---\n${emit(d)}`)
    .join('');
}

/** A joining node's `/etc/kubernetes/kubeadm-config.yaml`: one JoinConfiguration. */
export function joinConfig(model: ClusterModel, host: string, opts: JoinOptions): string {
  return `---\n${emit(joinDocument(model, host, opts))}`;
}
