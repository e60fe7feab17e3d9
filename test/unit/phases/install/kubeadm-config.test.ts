import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  caCertHash,
  initConfig,
  initDocuments,
  joinConfig,
  kubeadmApiVersion,
  nodeName,
  type InitOptions,
  type JoinOptions,
} from '../../../../coordinator/phases/install/kubeadm/config';
import type { ClusterModel } from '../../../../coordinator/model/cluster';
import { model, tempDir } from '../helpers';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const TOKEN = 'abcdef.0123456789abcdef';
const CERT_KEY = '0123456789abcdef'.repeat(4);
const CA_HASH = `sha256:${'ab'.repeat(32)}`;
const INIT: InitOptions = { initHost: 'node1', bootstrapToken: TOKEN, certificateKey: CERT_KEY };
const JOIN: JoinOptions = { bootstrapToken: TOKEN, caCertHashes: [CA_HASH], certificateKey: CERT_KEY };

// Three control planes (node1 also a worker), two workers, a dual-stack address on every host.
const HA_INV = `apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
metadata: {name: t}
spec:
  hosts:
    node1: {internal_ipv4: 10.0.0.1, internal_ipv6: "fd00::1"}
    node2: {internal_ipv4: 10.0.0.2, internal_ipv6: "fd00::2"}
    node3: {internal_ipv4: 10.0.0.3, internal_ipv6: "fd00::3"}
    node4: {internal_ipv4: 10.0.0.4, internal_ipv6: "fd00::4"}
    node5: {internal_ipv4: 10.0.0.5, internal_ipv6: "fd00::5"}
  groups:
    kube_control_plane: {hosts: [node1, node2, node3]}
    kube_worker: {hosts: [node1, node4, node5]}
    k8s_cluster: {groups: [kube_control_plane, kube_worker]}
    etcd: {hosts: [node1, node2, node3]}
`;

const v134 = '  kubernetes: {kube_version: v1.34.3}\n';
const v130 = '  kubernetes: {kube_version: v1.30.4}\n';
const DUAL = '  cni: {pod_cidr: "10.233.64.0/18,fd85:ee78:d8a6:8600::/56", service_cidr: "10.233.0.0/18,fd85:ee78:d8a6:8607::1000/116"}\n';

const docs = (yamlText: string): Doc[] =>
  parseAllDocuments(yamlText).map((d) => {
    assert.deepEqual(d.errors, [], 'the output parses as YAML');
    return d.toJS() as Doc;
  });
const kind = (list: Doc[], k: string): Doc => {
  const d = list.find((x) => x.kind === k);
  assert.ok(d, `a ${k} document`);
  return d;
};
const init = (m: ClusterModel, opts: InitOptions = INIT): Doc[] => docs(initConfig(m, opts));
const join = (m: ClusterModel, host: string, opts: JoinOptions = JOIN): Doc => {
  const list = docs(joinConfig(m, host, opts));
  assert.equal(list.length, 1, 'a join is one JoinConfiguration (the kubelet configuration comes from the cluster)');
  return list[0]!;
};
/** An extraArgs value read the same way from a v1beta4 list or a v1beta3 map. */
const arg = (args: unknown, name: string): string | undefined => {
  if (Array.isArray(args)) {
    const hits = (args as Array<{ name: string; value: string }>).filter((a) => a.name === name);
    assert.ok(hits.length <= 1, `argument ${name} appears once`);
    return hits[0]?.value;
  }
  return (args as Record<string, string> | undefined)?.[name];
};

test('API version: v1beta4 from v1.31.0 on, v1beta3 before', () => {
  assert.equal(kubeadmApiVersion('v1.34.3'), 'kubeadm.k8s.io/v1beta4');
  assert.equal(kubeadmApiVersion('v1.31.0'), 'kubeadm.k8s.io/v1beta4');
  assert.equal(kubeadmApiVersion('v1.30.14'), 'kubeadm.k8s.io/v1beta3');
  assert.equal(kubeadmApiVersion('v1.23.0'), 'kubeadm.k8s.io/v1beta3');
});

test('v1.34 init: four documents, v1beta4, KubeKey defaults, args as {name, value} lists', () => {
  const list = init(model(v134));
  assert.deepEqual(
    list.map((d) => `${d.apiVersion} ${d.kind}`),
    [
      'kubeadm.k8s.io/v1beta4 ClusterConfiguration',
      'kubeadm.k8s.io/v1beta4 InitConfiguration',
      'kubeproxy.config.k8s.io/v1alpha1 KubeProxyConfiguration',
      'kubelet.config.k8s.io/v1beta1 KubeletConfiguration',
    ],
  );
  const cc = kind(list, 'ClusterConfiguration');
  assert.equal(cc.kubernetesVersion, 'v1.34.3');
  assert.equal(cc.imageRepository, 'registry.k8s.io');
  assert.deepEqual(cc.dns, { imageRepository: 'registry.k8s.io/coredns', imageTag: 'v1.12.1' });
  assert.equal(cc.certificatesDir, '/etc/kubernetes/pki');
  assert.equal(cc.clusterName, 'kubekey');
  assert.equal(cc.controlPlaneEndpoint, 'lb.kubesphere.local:6443');
  assert.deepEqual(cc.networking, { dnsDomain: 'cluster.local', podSubnet: '10.233.64.0/18', serviceSubnet: '10.233.0.0/18' });
  assert.deepEqual(cc.apiServer.extraArgs, [{ name: 'bind-address', value: '0.0.0.0' }]);
  assert.equal(cc.apiServer.extraVolumes, undefined, 'no audit volume unless audit');
  assert.deepEqual(cc.controllerManager.extraArgs, [
    { name: 'node-cidr-mask-size-ipv4', value: '24' },
    { name: 'bind-address', value: '0.0.0.0' },
    { name: 'cluster-signing-duration', value: '87600h' },
  ]);
  assert.deepEqual(cc.controllerManager.extraVolumes, [{ name: 'host-time', hostPath: '/etc/localtime', mountPath: '/etc/localtime', readOnly: true }]);
  assert.deepEqual(cc.scheduler.extraArgs, [{ name: 'bind-address', value: '0.0.0.0' }]);
  const sans = cc.apiServer.certSANs as string[];
  for (const s of [
    'localhost',
    '127.0.0.1',
    '::1',
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    'kubernetes.default.svc.kubekey',
    'kubernetes.default.svc.kubekey.cluster.local',
    '10.233.0.1',
    'lb.kubesphere.local',
    'node1',
    'node1.kubekey',
    'node1.kubekey.cluster.local',
    '10.0.0.1',
    'node3',
    '10.0.0.3',
  ])
    assert.ok(sans.includes(s), `certSANs has ${s}`);
  assert.equal(new Set(sans).size, sans.length, 'no duplicate SANs');

  const ic = kind(list, 'InitConfiguration');
  assert.deepEqual(ic.bootstrapTokens, [
    {
      token: TOKEN,
      description: 'kk: joins the cluster nodes',
      ttl: '24h0m0s',
      usages: ['signing', 'authentication'],
      groups: ['system:bootstrappers:kubeadm:default-node-token'],
    },
  ]);
  assert.equal(ic.certificateKey, CERT_KEY);
  assert.deepEqual(ic.localAPIEndpoint, { advertiseAddress: '10.0.0.1', bindPort: 6443 });
  assert.deepEqual(ic.nodeRegistration, {
    name: 'node1',
    criSocket: 'unix:///var/run/containerd/containerd.sock',
    kubeletExtraArgs: [
      { name: 'cgroup-driver', value: 'systemd' },
      { name: 'pod-infra-container-image', value: 'registry.k8s.io/pause:3.10.1' },
      { name: 'node-ip', value: '10.0.0.1' },
    ],
  });
  assert.equal('taints' in ic.nodeRegistration, false, "a pure control plane keeps kubeadm's default taint");
  assert.equal(ic.skipPhases, undefined);
  assert.equal(ic.patches, undefined);

  assert.deepEqual(kind(list, 'KubeProxyConfiguration'), {
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    clusterCIDR: '10.233.64.0/18',
    mode: 'ipvs',
    iptables: { masqueradeAll: false, masqueradeBit: 14, minSyncPeriod: '0s', syncPeriod: '30s' },
  });
  const kc = kind(list, 'KubeletConfiguration');
  assert.deepEqual(kc, {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    clusterDomain: 'cluster.local',
    clusterDNS: ['169.254.25.10'],
    maxPods: 110,
    podPidsLimit: 10000,
    rotateCertificates: true,
    kubeReserved: { cpu: '200m', memory: '250Mi' },
    systemReserved: { cpu: '200m', memory: '250Mi' },
    evictionHard: { 'memory.available': '5%', 'pid.available': '10%' },
    evictionSoft: { 'memory.available': '10%' },
    evictionSoftGracePeriod: { 'memory.available': '2m' },
    evictionMaxPodGracePeriod: 120,
    evictionPressureTransitionPeriod: '30s',
    cgroupDriver: 'systemd',
    containerLogMaxSize: '5Mi',
    containerLogMaxFiles: 3,
  });
});

test('v1.30 init: v1beta3, extraArgs and kubeletExtraArgs as maps, the v1.30 pins', () => {
  const list = init(model(`  kubernetes:\n    kube_version: v1.30.4\n    apiserver: {extra_args: {v: 2}}\n`));
  const cc = kind(list, 'ClusterConfiguration');
  assert.equal(cc.apiVersion, 'kubeadm.k8s.io/v1beta3');
  assert.deepEqual(cc.apiServer.extraArgs, { 'bind-address': '0.0.0.0', v: '2' });
  assert.deepEqual(cc.controllerManager.extraArgs, { 'node-cidr-mask-size-ipv4': '24', 'bind-address': '0.0.0.0', 'cluster-signing-duration': '87600h' });
  assert.deepEqual(cc.dns, { imageRepository: 'registry.k8s.io/coredns', imageTag: 'v1.11.3' });
  const ic = kind(list, 'InitConfiguration');
  assert.equal(ic.apiVersion, 'kubeadm.k8s.io/v1beta3');
  assert.deepEqual(ic.nodeRegistration.kubeletExtraArgs, {
    'cgroup-driver': 'systemd',
    'pod-infra-container-image': 'registry.k8s.io/pause:3.9',
    'node-ip': '10.0.0.1',
  });
  assert.equal(join(model(v130), 'node2').apiVersion, 'kubeadm.k8s.io/v1beta3');
  assert.deepEqual(join(model(v130), 'node2').nodeRegistration.kubeletExtraArgs['node-ip'], '10.0.0.2');
});

test("external etcd: every etcd host's client URL and the client files; internal: kubeadm's etcd image", () => {
  const ext = kind(init(model(v134)), 'ClusterConfiguration');
  assert.deepEqual(ext.etcd, {
    external: {
      endpoints: ['https://10.0.0.1:2379', 'https://10.0.0.2:2379'],
      caFile: '/etc/kubernetes/pki/etcd/ca.crt',
      certFile: '/etc/kubernetes/pki/etcd/client.crt',
      keyFile: '/etc/kubernetes/pki/etcd/client.key',
    },
  });
  const port = kind(init(model(`${v134}  etcd: {port: 12379}\n`)), 'ClusterConfiguration');
  assert.deepEqual(port.etcd.external.endpoints, ['https://10.0.0.1:12379', 'https://10.0.0.2:12379']);
  const int = kind(init(model(`${v134}  etcd: {deployment_type: internal}\n`)), 'ClusterConfiguration');
  assert.deepEqual(int.etcd, { local: { imageRepository: 'registry.k8s.io', imageTag: '3.6.5-0', serverCertSANs: ['10.0.0.1', '10.0.0.2'] } });
});

test('dual stack: comma-joined CIDRs (also from the a/n/b/m form), both mask sizes, node-ip of both families', () => {
  const list = init(model(`${v134}${DUAL}`, HA_INV));
  const cc = kind(list, 'ClusterConfiguration');
  assert.deepEqual(cc.networking, {
    dnsDomain: 'cluster.local',
    podSubnet: '10.233.64.0/18,fd85:ee78:d8a6:8600::/56',
    serviceSubnet: '10.233.0.0/18,fd85:ee78:d8a6:8607::1000/116',
  });
  assert.equal(arg(cc.controllerManager.extraArgs, 'node-cidr-mask-size-ipv4'), '24');
  assert.equal(arg(cc.controllerManager.extraArgs, 'node-cidr-mask-size-ipv6'), '64');
  assert.ok((cc.apiServer.certSANs as string[]).includes('fd00::4'));
  assert.equal(kind(list, 'KubeProxyConfiguration').clusterCIDR, '10.233.64.0/18,fd85:ee78:d8a6:8600::/56');
  const ic = kind(list, 'InitConfiguration');
  assert.equal(arg(ic.nodeRegistration.kubeletExtraArgs, 'node-ip'), '10.0.0.1,fd00::1');
  assert.equal(ic.localAPIEndpoint.advertiseAddress, '10.0.0.1');
  assert.equal(arg(join(model(`${v134}${DUAL}`, HA_INV), 'node5').nodeRegistration.kubeletExtraArgs, 'node-ip'), '10.0.0.5,fd00::5');
  // Single-stack IPv4 cluster on dual-stack hosts: only the IPv4 address.
  assert.equal(arg(kind(init(model(v134, HA_INV)), 'InitConfiguration').nodeRegistration.kubeletExtraArgs, 'node-ip'), '10.0.0.1');
  // KubeKey's slash form.
  const slash = kind(init(model(`${v134}  cni: {pod_cidr: "10.233.64.0/18/fd85:ee78:d8a6:8600::/56"}\n`, HA_INV)), 'ClusterConfiguration');
  assert.equal(slash.networking.podSubnet, '10.233.64.0/18,fd85:ee78:d8a6:8600::/56');
});

test('user extra_args maps become v1beta4 lists and replace built-in arguments of the same name', () => {
  const spec = `  kubernetes:
    kube_version: v1.34.3
    apiserver: {extra_args: {bind-address: 10.0.0.1, v: 2, enable-aggregator-routing: true}}
    controller_manager: {extra_args: {cluster-signing-duration: 8760h, node-monitor-grace-period: 20s}}
    scheduler: {extra_args: {v: 4}}
    kubelet: {extra_args: {node-ip: 10.9.9.9, max-open-files: 100000}}
`;
  const list = init(model(spec));
  const cc = kind(list, 'ClusterConfiguration');
  assert.deepEqual(cc.apiServer.extraArgs, [
    { name: 'bind-address', value: '10.0.0.1' },
    { name: 'v', value: '2' },
    { name: 'enable-aggregator-routing', value: 'true' },
  ]);
  assert.deepEqual(cc.controllerManager.extraArgs, [
    { name: 'node-cidr-mask-size-ipv4', value: '24' },
    { name: 'bind-address', value: '0.0.0.0' },
    { name: 'cluster-signing-duration', value: '8760h' },
    { name: 'node-monitor-grace-period', value: '20s' },
  ]);
  assert.deepEqual(cc.scheduler.extraArgs, [
    { name: 'bind-address', value: '0.0.0.0' },
    { name: 'v', value: '4' },
  ]);
  const kubelet = kind(list, 'InitConfiguration').nodeRegistration.kubeletExtraArgs;
  assert.equal(arg(kubelet, 'node-ip'), '10.9.9.9');
  assert.equal(arg(kubelet, 'max-open-files'), '100000');
  assert.equal(arg(join(model(spec), 'node3').nodeRegistration.kubeletExtraArgs, 'max-open-files'), '100000');
});

test("security_enhancement: KubeKey's hardened arguments and kubelet settings", () => {
  const list = init(model(`${v134}  security_enhancement: true\n`));
  const cc = kind(list, 'ClusterConfiguration');
  const api = cc.apiServer.extraArgs;
  assert.equal(arg(api, 'authorization-mode'), 'Node,RBAC');
  assert.match(arg(api, 'enable-admission-plugins')!, /^AlwaysPullImages,.*NodeRestriction.*PodSecurity$/);
  assert.equal(arg(api, 'profiling'), 'false');
  assert.equal(arg(api, 'request-timeout'), '120s');
  assert.equal(arg(api, 'service-account-lookup'), 'true');
  assert.equal(arg(api, 'tls-min-version'), 'VersionTLS12');
  assert.equal(
    arg(api, 'tls-cipher-suites'),
    'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
  );
  assert.equal(arg(cc.controllerManager.extraArgs, 'bind-address'), '127.0.0.1');
  assert.equal(arg(cc.controllerManager.extraArgs, 'terminated-pod-gc-threshold'), '50');
  assert.equal(arg(cc.controllerManager.extraArgs, 'use-service-account-credentials'), 'true');
  assert.deepEqual(cc.scheduler.extraArgs, [
    { name: 'bind-address', value: '127.0.0.1' },
    { name: 'profiling', value: 'false' },
  ]);
  const kc = kind(list, 'KubeletConfiguration');
  assert.equal(kc.readOnlyPort, 0);
  assert.equal(kc.protectKernelDefaults, true);
  assert.equal(kc.eventRecordQPS, 1);
  assert.equal(kc.streamingConnectionIdleTimeout, '5m');
  assert.equal(kc.makeIPTablesUtilChains, true);
  assert.equal((kc.tlsCipherSuites as string[]).length, 3);
  // Off by default.
  const plain = kind(init(model(v134)), 'KubeletConfiguration');
  assert.equal(plain.protectKernelDefaults, undefined);
});

test("audit: a JSON audit log under /var/log/kubernetes/audit by kk's policy, both mounted into the API server", () => {
  const cc = kind(init(model(`${v134}  audit: true\n`)), 'ClusterConfiguration');
  assert.equal(arg(cc.apiServer.extraArgs, 'audit-policy-file'), '/etc/kubernetes/audit/policy.yaml');
  assert.equal(arg(cc.apiServer.extraArgs, 'audit-webhook-config-file'), undefined, 'no webhook: there is no KubeSphere to send to');
  assert.equal(arg(cc.apiServer.extraArgs, 'audit-log-path'), '/var/log/kubernetes/audit/audit.log');
  assert.equal(arg(cc.apiServer.extraArgs, 'audit-log-format'), 'json');
  assert.equal(arg(cc.apiServer.extraArgs, 'audit-log-maxage'), '30');
  assert.deepEqual(cc.apiServer.extraVolumes, [
    { name: 'k8s-audit', hostPath: '/etc/kubernetes/audit', mountPath: '/etc/kubernetes/audit', readOnly: true, pathType: 'DirectoryOrCreate' },
    { name: 'k8s-audit-log', hostPath: '/var/log/kubernetes/audit', mountPath: '/var/log/kubernetes/audit', pathType: 'DirectoryOrCreate' },
  ]);
});

test('nodelocaldns on → its address is the cluster DNS; off → the CoreDNS service address', () => {
  assert.deepEqual(kind(init(model(v134)), 'KubeletConfiguration').clusterDNS, ['169.254.25.10']);
  assert.deepEqual(kind(init(model(`${v134}  dns: {nodelocaldns: {enabled: false}}\n`)), 'KubeletConfiguration').clusterDNS, ['10.233.0.3']);
  const moved = kind(
    init(model(`${v134}  dns: {nodelocaldns: {enabled: false}, domain: corp.local}\n  cni: {service_cidr: 10.96.0.0/16}\n`)),
    'KubeletConfiguration',
  );
  assert.deepEqual(moved.clusterDNS, ['10.96.0.3']);
  assert.equal(moved.clusterDomain, 'corp.local');
  assert.deepEqual(kind(init(model(`${v134}  dns: {nodelocaldns: {ip: 169.254.20.10}}\n`)), 'KubeletConfiguration').clusterDNS, ['169.254.20.10']);
});

test('private registry: every image redirected under <registry>/kubernetes (CoreDNS under <registry>/coredns)', () => {
  const m = model(`${v134}  etcd: {deployment_type: internal}\n  image_registry: {auth: {registry: "dockerhub.kubekey.local:5000/kubesphere"}}\n`);
  const list = init(m);
  const cc = kind(list, 'ClusterConfiguration');
  assert.equal(cc.imageRepository, 'dockerhub.kubekey.local:5000/kubesphere/kubernetes');
  assert.deepEqual(cc.dns, { imageRepository: 'dockerhub.kubekey.local:5000/kubesphere/coredns', imageTag: 'v1.12.1' });
  assert.equal(cc.etcd.local.imageRepository, 'dockerhub.kubekey.local:5000/kubesphere/kubernetes');
  assert.equal(
    arg(kind(list, 'InitConfiguration').nodeRegistration.kubeletExtraArgs, 'pod-infra-container-image'),
    'dockerhub.kubekey.local:5000/kubesphere/kubernetes/pause:3.10.1',
  );
  assert.equal(
    arg(join(m, 'node2').nodeRegistration.kubeletExtraArgs, 'pod-infra-container-image'),
    'dockerhub.kubekey.local:5000/kubesphere/kubernetes/pause:3.10.1',
  );
  // An explicit image_repository wins.
  assert.equal(
    kind(init(model('  kubernetes: {kube_version: v1.34.3, image_repository: mirror.example.com/k8s}\n')), 'ClusterConfiguration').imageRepository,
    'mirror.example.com/k8s',
  );
});

test('kubelet extra_config and kube_proxy.config are merged over the defaults (no duplicate keys)', () => {
  const spec = `  kubernetes:
    kube_version: v1.34.3
    kubelet:
      max_pods: 150
      feature_gates: {ImageVolume: true}
      extra_config: {maxPods: 200, evictionHard: {nodefs.available: 10%}, serializeImagePulls: false, kind: Bogus}
    kube_proxy:
      mode: iptables
      config: {iptables: {syncPeriod: 10s}, metricsBindAddress: "0.0.0.0:10249"}
`;
  const text = initConfig(model(spec), INIT);
  assert.equal((text.match(/^maxPods:/gm) ?? []).length, 1, 'maxPods once');
  const list = docs(text);
  const kc = kind(list, 'KubeletConfiguration');
  assert.equal(kc.maxPods, 200, 'extra_config wins over max_pods');
  assert.deepEqual(kc.evictionHard, { 'memory.available': '5%', 'pid.available': '10%', 'nodefs.available': '10%' });
  assert.equal(kc.serializeImagePulls, false);
  assert.deepEqual(kc.featureGates, { ImageVolume: true });
  assert.equal(kc.kind, 'KubeletConfiguration', 'the document type cannot be overridden');
  const kp = kind(list, 'KubeProxyConfiguration');
  assert.equal(kp.mode, 'iptables');
  assert.deepEqual(kp.iptables, { masqueradeAll: false, masqueradeBit: 14, minSyncPeriod: '0s', syncPeriod: '10s' });
  assert.equal(kp.metricsBindAddress, '0.0.0.0:10249');
});

test('patches, skip_phases, an explicit endpoint and CRI socket', () => {
  const spec = `  kubernetes:
    kube_version: v1.34.3
    patches: [{name: kube-apiserver0+strategic.yaml, content: "x"}]
    skip_phases: [addon/kube-proxy]
    control_plane_endpoint: {host: api.example.com, port: 8443}
`;
  const m = model(spec);
  const list = init(m);
  assert.equal(kind(list, 'ClusterConfiguration').controlPlaneEndpoint, 'api.example.com:8443');
  assert.ok((kind(list, 'ClusterConfiguration').apiServer.certSANs as string[]).includes('api.example.com'));
  const ic = kind(list, 'InitConfiguration');
  assert.deepEqual(ic.patches, { directory: '/etc/kubernetes/patches/' });
  assert.deepEqual(ic.skipPhases, ['addon/kube-proxy']);
  const j = join(m, 'node2', { ...JOIN, criSocket: 'unix:///run/cri-dockerd.sock' });
  assert.deepEqual(j.patches, { directory: '/etc/kubernetes/patches/' });
  assert.equal(j.discovery.bootstrapToken.apiServerEndpoint, 'api.example.com:8443');
  assert.equal(j.nodeRegistration.criSocket, 'unix:///run/cri-dockerd.sock');
  assert.deepEqual(join(m, 'node2', { ...JOIN, ignorePreflightErrors: ['ImagePull'] }).nodeRegistration.ignorePreflightErrors, ['ImagePull']);
  assert.equal(j.nodeRegistration.ignorePreflightErrors, undefined);
  const v6 = init(m, { ...INIT, endpoint: { host: 'fd00::100', port: 6443 } });
  assert.equal(kind(v6, 'ClusterConfiguration').controlPlaneEndpoint, '[fd00::100]:6443');
  assert.equal(join(m, 'node2', { ...JOIN, endpoint: { host: 'fd00::100', port: 6443 } }).discovery.bootstrapToken.apiServerEndpoint, '[fd00::100]:6443');
  // kube-vip: the VIP is a certificate SAN.
  const vip = kind(
    init(model('  kubernetes: {kube_version: v1.34.3, control_plane_endpoint: {type: kube-vip, kube_vip: {address: 10.0.0.100}}}\n')),
    'ClusterConfiguration',
  );
  assert.ok((vip.apiServer.certSANs as string[]).includes('10.0.0.100'));
});

test('join: a control plane gets controlPlane + certificate key; a worker does not; CA pinned by hash', () => {
  const m = model(v134, HA_INV);
  const cp = join(m, 'node2');
  assert.equal(cp.apiVersion, 'kubeadm.k8s.io/v1beta4');
  assert.deepEqual(cp.discovery, { bootstrapToken: { apiServerEndpoint: 'lb.kubesphere.local:6443', token: TOKEN, caCertHashes: [CA_HASH] } });
  assert.equal(JSON.stringify(cp).includes('unsafeSkipCAVerification'), false);
  assert.deepEqual(cp.controlPlane, { localAPIEndpoint: { advertiseAddress: '10.0.0.2', bindPort: 6443 }, certificateKey: CERT_KEY });
  assert.equal(cp.nodeRegistration.name, 'node2');
  assert.equal('taints' in cp.nodeRegistration, false);
  const worker = join(m, 'node4');
  assert.equal(worker.controlPlane, undefined);
  assert.equal(worker.nodeRegistration.name, 'node4');
  assert.equal('taints' in worker.nodeRegistration, false);
  assert.equal(worker.skipPhases, undefined);
  // A control plane that is also a worker registers without the control-plane taint.
  assert.deepEqual(kind(init(m), 'InitConfiguration').nodeRegistration.taints, []);
  assert.throws(() => joinConfig(m, 'node2', { ...JOIN, certificateKey: undefined }), /certificate key/);
  assert.doesNotThrow(() => joinConfig(m, 'node4', { ...JOIN, certificateKey: undefined }));
  assert.throws(() => joinConfig(m, 'node4', { ...JOIN, caCertHashes: [] }), /CA certificate hash/);
  assert.throws(() => joinConfig(m, 'node4', { ...JOIN, bootstrapToken: 'nope' }), /bootstrap token/);
  assert.throws(() => initConfig(m, { ...INIT, initHost: 'node4' }), /not in kube_control_plane/);
  assert.throws(() => initConfig(m, { ...INIT, certificateKey: 'xyz' }), /certificate key/);
  assert.throws(() => initConfig(m, { ...INIT, bootstrapTokenTTL: '1 day' }), /Go duration/);
  // Without token or key, kubeadm makes its own.
  const bare = kind(init(m, { initHost: 'node1' }), 'InitConfiguration');
  assert.equal(bare.bootstrapTokens, undefined);
  assert.equal(bare.certificateKey, undefined);
  assert.equal(kind(init(m, { ...INIT, bootstrapTokenTTL: '2h' }), 'InitConfiguration').bootstrapTokens[0].ttl, '2h');
});

test("node names: the inventory name while kk sets host names, else the host's own name", () => {
  const inv = HA_INV.replace(
    'node5: {internal_ipv4: 10.0.0.5, internal_ipv6: "fd00::5"}',
    'node5: {internal_ipv4: 10.0.0.5, hostname: Worker-Five, native: {set_hostname: false}}',
  );
  const m = model(v134, inv);
  assert.equal(nodeName(m, 'node4'), 'node4');
  assert.equal(nodeName(m, 'node5'), 'worker-five');
  assert.equal(join(m, 'node5').nodeRegistration.name, 'worker-five');
  assert.ok((kind(init(m), 'ClusterConfiguration').apiServer.certSANs as string[]).includes('worker-five.kubekey.cluster.local'));
});

test('IPv6-only control plane: advertises and binds IPv6', () => {
  const inv = `apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
metadata: {name: t}
spec:
  hosts:
    node1: {internal_ipv6: "fd00::1"}
  groups:
    kube_control_plane: {hosts: [node1]}
    k8s_cluster: {groups: [kube_control_plane]}
`;
  const list = init(
    model(`${v134}  etcd: {deployment_type: internal}\n  cni: {pod_cidr: "fd85:ee78:d8a6:8600::/56", service_cidr: "fd85:ee78:d8a6:8607::1000/116"}\n`, inv),
  );
  const cc = kind(list, 'ClusterConfiguration');
  assert.equal(arg(cc.apiServer.extraArgs, 'bind-address'), '::');
  assert.equal(arg(cc.controllerManager.extraArgs, 'node-cidr-mask-size-ipv6'), '64');
  assert.equal(arg(cc.controllerManager.extraArgs, 'node-cidr-mask-size-ipv4'), undefined);
  assert.equal(kind(list, 'InitConfiguration').localAPIEndpoint.advertiseAddress, 'fd00::1');
  assert.equal(arg(kind(list, 'InitConfiguration').nodeRegistration.kubeletExtraArgs, 'node-ip'), 'fd00::1');
});

test('YAML: strings Go would read as other types are quoted', () => {
  const text = initConfig(model(`  kubernetes:\n    kube_version: v1.34.3\n    apiserver: {extra_args: {anonymous-auth: "false", x: "on"}}\n`), INIT);
  assert.match(text, /value: "false"/);
  assert.match(text, /value: "on"/);
  assert.match(text, /value: "24"/);
});

test("caCertHash: sha256 of the certificate's SubjectPublicKeyInfo (what kubeadm pins)", (t) => {
  const dir = tempDir('kk-cahash-');
  const crt = path.join(dir, 'ca.crt');
  const gen = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=kubernetes-ca', '-days', '1', '-keyout', path.join(dir, 'ca.key'), '-out', crt],
    { encoding: 'utf8' },
  );
  if (gen.error || gen.status !== 0) {
    t.skip('openssl is not available to make a test CA');
    return;
  }
  // kubeadm's documented way: openssl x509 -pubkey | openssl rsa -pubin -outform der | sha256sum.
  const pub = spawnSync('openssl', ['x509', '-pubkey', '-noout', '-in', crt], { encoding: 'utf8' });
  const der = spawnSync('openssl', ['pkey', '-pubin', '-outform', 'der'], { input: pub.stdout });
  const sha = spawnSync('sha256sum', [], { input: der.stdout, encoding: 'utf8' });
  const expected = `sha256:${sha.stdout.split(' ')[0]}`;
  const pem = readFileSync(crt, 'utf8');
  assert.equal(caCertHash(pem), expected);
  assert.equal(caCertHash(`${pem}${pem}`), expected, 'a bundle: its first certificate');
  assert.throws(() => caCertHash('not a certificate'), /no PEM certificate/);
});

// ---------------------------------------------------------------------------------------------
// The real kubeadm validates what kk writes.

function kubeadmBinary(): string | null {
  const dir = process.env.KK_COMPONENTS_DIR ?? '/var/cache/kk-components';
  const candidates = [
    ...(existsSync(path.join(dir, 'manifest.json')) ? [path.join(dir, 'bin', 'kubeadm')] : []),
    path.join(dir, 'build', 'kubernetes', 'v1.34.3', 'kubeadm'),
    '/var/cache/kk-components/build/kubernetes/v1.34.3/kubeadm',
  ];
  return candidates.find((c) => existsSync(c)) ?? null;
}

const KUBEADM = kubeadmBinary();
const NO_KUBEADM = KUBEADM
  ? false
  : 'no kubeadm binary (make components builds it: $KK_COMPONENTS_DIR/bin/kubeadm or /var/cache/kk-components/build/kubernetes/v1.34.3/kubeadm)';

function validate(text: string, name: string): { status: number | null; stderr: string } {
  const file = path.join(tempDir('kk-kubeadm-'), `${name}.yaml`);
  writeFileSync(file, text);
  const r = spawnSync(KUBEADM!, ['config', 'validate', '--config', file], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stderr: `${r.stdout}${r.stderr}` };
}

function assertValid(text: string, name: string): string {
  const r = validate(text, name);
  assert.equal(r.status, 0, `kubeadm config validate ${name}:\n${r.stderr}\n--- config ---\n${text}`);
  return r.stderr;
}

test('kubeadm v1.34 accepts the v1beta4 init and join configurations of several variants', { skip: NO_KUBEADM }, () => {
  const variants: Array<[string, ClusterModel]> = [
    ['defaults', model(v134)],
    ['ha-dual-stack', model(`${v134}${DUAL}`, HA_INV)],
    [
      'hardened-internal-etcd-registry',
      model(
        `${v134}  security_enhancement: true\n  audit: true\n  etcd: {deployment_type: internal}\n  image_registry: {auth: {registry: "dockerhub.kubekey.local/kubesphere"}}\n  dns: {nodelocaldns: {enabled: false}}\n`,
        HA_INV,
      ),
    ],
    [
      'extras',
      model(
        `  kubernetes:
    kube_version: v1.34.3
    apiserver: {extra_args: {v: 2, enable-aggregator-routing: true}, certSANs: [api.example.com, 192.168.1.10]}
    controller_manager: {extra_args: {node-monitor-grace-period: 20s}}
    kubelet: {extra_args: {max-open-files: 100000}, feature_gates: {ImageVolume: true}, extra_config: {maxPods: 200, serializeImagePulls: false}}
    kube_proxy: {mode: iptables, config: {iptables: {syncPeriod: 10s}}}
    patches: [{name: kube-apiserver0+strategic.yaml, content: "x"}]
    skip_phases: [addon/kube-proxy]
    control_plane_endpoint: {type: kube-vip, kube_vip: {address: 10.0.0.100}}
`,
        HA_INV,
      ),
    ],
  ];
  for (const [name, m] of variants) {
    const warnings = assertValid(initConfig(m, INIT), `${name}-init`);
    assert.doesNotMatch(warnings, /deprecated/i, `${name}: v1beta4 draws no deprecation warning`);
    for (const host of ['node2', m.groups.kube_worker?.at(-1) ?? 'node3']) assertValid(joinConfig(m, host, JOIN), `${name}-join-${host}`);
  }
});

test("kubeadm v1.34 still reads kk's v1beta3 (Kubernetes < v1.31) output", { skip: NO_KUBEADM }, () => {
  for (const [name, m] of [
    ['v1.30', model(v130, HA_INV)],
    [
      'v1.30-dual-hardened-internal',
      model(
        `  kubernetes: {kube_version: v1.30.4, apiserver: {extra_args: {v: 2}}, kubelet: {extra_args: {v: 3}}}\n${DUAL}  security_enhancement: true\n  etcd: {deployment_type: internal}\n`,
        HA_INV,
      ),
    ],
  ] as Array<[string, ClusterModel]>) {
    const text = initConfig(m, INIT);
    assert.match(text, /kubernetesVersion: v1\.30\.4/);
    // kubeadm v1.34 refuses to deploy a control plane older than v1.33 (version skew, not schema):
    // the v1beta3 document is checked with only kubernetesVersion moved into its window.
    const warnings = assertValid(text.replace('kubernetesVersion: v1.30.4', 'kubernetesVersion: v1.33.0'), `${name}-init`);
    // kubeadm v1.34's `config validate` reads v1beta3 without a deprecation warning; keep an eye on it.
    if (/deprecat/i.test(warnings)) console.log(`kubeadm on v1beta3 (${name}): ${warnings.trim()}`);
    for (const host of ['node2', 'node5']) assertValid(joinConfig(m, host, JOIN), `${name}-join-${host}`);
  }
  // Left as is, the version check fires: proof the document's version was read.
  const r = validate(initConfig(model(v130), INIT), 'v1.30-as-is');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /control plane version >= 1\.33\.0/);
});

test('kubeadm rejects broken configurations (the check checks)', { skip: NO_KUBEADM }, () => {
  const m = model(v134, HA_INV);
  const good = initConfig(m, INIT);
  // v1beta4 lists read as v1beta3 maps.
  const wrongApi = validate(good.replaceAll('kubeadm.k8s.io/v1beta4', 'kubeadm.k8s.io/v1beta3'), 'wrong-api');
  assert.notEqual(wrongApi.status, 0);
  assert.match(wrongApi.stderr, /cannot unmarshal array/);
  // KubeKey's way of adding kubelet.extra_config (appending its keys) makes duplicate keys.
  const dup = validate(`${good}maxPods: 200\n`, 'duplicate-key');
  assert.notEqual(dup.status, 0);
  assert.match(dup.stderr, /already set/);
  // A malformed token in a join.
  const badToken = validate(joinConfig(m, 'node4', JOIN).replace(TOKEN, 'abcdef.short'), 'bad-token');
  assert.notEqual(badToken.status, 0);
  assert.match(badToken.stderr, /bootstrap token is invalid/);
  // An unknown field.
  const unknown = validate(good.replace('clusterName: kubekey', 'clusterName: kubekey\nclusterNmae: typo'), 'unknown-field');
  assert.notEqual(unknown.status, 0);
  assert.match(unknown.stderr, /unknown field "clusterNmae"/);
});

// Keep the document helpers honest: initDocuments is what initConfig prints.
test('initDocuments are the printed documents', () => {
  const m = model(v134);
  assert.deepEqual(docs(initConfig(m, INIT)), JSON.parse(JSON.stringify(initDocuments(m, INIT))));
});
