import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planArtifacts, artifactPath, artifactUrls } from '../../../coordinator/init/artifacts/plan';
import type { ArtifactPlan, PlannedArtifact } from '../../../coordinator/init/artifacts/types';
import { inventory, loadModel } from './helpers';

const INV = inventory(
  [
    { name: 'n1', ipv4: '10.0.0.1' },
    { name: 'r1', ipv4: '10.0.0.9' },
    { name: 'r2', ipv4: '10.0.0.8' },
  ],
  { kube_control_plane: ['n1'], kube_worker: ['n1'], etcd: ['n1'], image_registry: ['r1', 'r2'] },
);

function plan(spec: string): ArtifactPlan {
  return planArtifacts(loadModel(INV, `  kubernetes: {kube_version: v1.33.1}\n${spec}`), { cwd: '/srv/kk' });
}
function get(p: ArtifactPlan, id: string): PlannedArtifact {
  const a = p.artifacts.find((x) => x.id === id);
  assert.ok(a, `${id} in plan: ${p.artifacts.map((x) => x.id).join(' ')}`);
  return a;
}

test('a v1.33 config plans every component for amd64 and arm64 with upstream URLs and KubeKey destinations', () => {
  const p = plan(
    '  download: {arch: [amd64, aarch64], tools: {oras_version: v1.3.0, nerdctl_version: v2.2.1}}\n  image_registry: {type: harbor, ha_vip: 10.0.0.100}',
  );
  assert.deepEqual(p.arches, ['amd64', 'arm64']);
  for (const arch of ['amd64', 'arm64']) {
    for (const id of [
      'kubeadm/v1.33.1',
      'kubelet/v1.33.1',
      'kubectl/v1.33.1',
      'etcd/v3.5.24',
      'helm/v3.18.5',
      'cni-plugins/v1.9.1',
      'crictl/v1.33.0',
      'containerd/v1.7.13',
      'runc/v1.1.12',
      'calicoctl/v3.31.3',
      'docker/25.0.5',
      'docker-compose/v2.20.3',
      'harbor/v2.10.2',
      'keepalived/2.3.4',
      'oras/v1.3.0',
      'nerdctl/v2.2.1',
    ])
      get(p, `${id}/${arch}`);
  }
  get(p, 'tigera-operator/v3.31.3');
  get(p, 'localpv-provisioner/4.4.0');
  const kubeadm = get(p, 'kubeadm/v1.33.1/arm64');
  assert.equal(kubeadm.url, 'https://dl.k8s.io/release/v1.33.1/bin/linux/arm64/kubeadm');
  assert.equal(kubeadm.mirrorUrl, null);
  assert.equal(kubeadm.dest, 'kube/v1.33.1/arm64/kubeadm');
  assert.equal(artifactPath(p, kubeadm), '/srv/kk/kubekey/kube/v1.33.1/arm64/kubeadm');
  assert.equal(get(p, 'etcd/v3.5.24/amd64').url, 'https://github.com/etcd-io/etcd/releases/download/v3.5.24/etcd-v3.5.24-linux-amd64.tar.gz');
  assert.equal(
    get(p, 'containerd/v1.7.13/arm64').url,
    'https://github.com/containerd/containerd/releases/download/v1.7.13/containerd-1.7.13-linux-arm64.tar.gz',
  );
  assert.equal(get(p, 'runc/v1.1.12/arm64').dest, 'runc/v1.1.12/arm64/runc.arm64');
  assert.equal(get(p, 'docker/25.0.5/arm64').url, 'https://download.docker.com/linux/static/stable/aarch64/docker-25.0.5.tgz');
  assert.equal(get(p, 'docker-compose/v2.20.3/amd64').url, 'https://github.com/docker/compose/releases/download/v2.20.3/docker-compose-linux-x86_64');
  assert.equal(get(p, 'docker-compose/v2.20.3/amd64').dest, 'image-registry/docker-compose/v2.20.3/amd64/docker-compose');
  assert.equal(get(p, 'calicoctl/v3.31.3/amd64').dest, 'cni/calico/v3.31.3/amd64/calicoctl');
  assert.equal(get(p, 'oras/v1.3.0/arm64').base, 'work_dir');
  assert.equal(artifactPath(p, get(p, 'oras/v1.3.0/arm64')), '/srv/kk/tools/arm64/oras_1.3.0_linux_arm64.tar.gz');
  assert.equal(new Set(p.artifacts.map((a) => a.id)).size, p.artifacts.length, 'ids unique');
  assert.ok(p.images.some((i) => i.ref === 'registry.k8s.io/kube-apiserver:v1.33.1' && i.pushRef === '10.0.0.100/kubernetes/kube-apiserver:v1.33.1'));
  assert.ok(p.images.some((i) => i.ref === 'quay.io/tigera/operator:v1.40.3' && i.pushRef === '10.0.0.100/tigera/operator:v1.40.3'));
  assert.deepEqual(p.images[0]!.platforms, ['linux/amd64', 'linux/arm64']);
});

test('conditions follow the config: docker CRI, cilium, internal etcd, no registry', () => {
  const p = plan('  cri: {container_manager: docker}\n  cni: {type: cilium}\n  etcd: {deployment_type: internal}');
  const names = new Set(p.artifacts.map((a) => a.name));
  for (const n of ['docker', 'cri-dockerd', 'cilium']) assert.ok(names.has(n), n);
  for (const n of ['containerd', 'runc', 'calicoctl', 'tigera-operator', 'etcd', 'harbor', 'docker-compose']) assert.ok(!names.has(n), n);
  assert.equal(get(p, 'cri-dockerd/v0.3.21/amd64').url, 'https://github.com/Mirantis/cri-dockerd/releases/download/v0.3.21/cri-dockerd-0.3.21.amd64.tgz');
  assert.equal(get(p, 'cilium/1.19.1').url, 'https://helm.cilium.io/cilium-1.19.1.tgz');
  assert.ok(p.images.some((i) => i.ref === 'registry.k8s.io/etcd:3.5.24-0'));
  assert.ok(
    p.notes.some((n) => n.includes('cilium/cilium 1.19.1')),
    'uncatalogued cilium version is reported, not guessed',
  );
});

test('zone cn adds KubeKey mirrors (docker from Aliyun) tried first; base_url replaces every source', () => {
  const cn = plan('  zone: cn\n  cri: {container_manager: docker}');
  const kubelet = get(cn, 'kubelet/v1.33.1/amd64');
  assert.equal(kubelet.mirrorUrl, 'https://kubekey.pek3b.qingstor.com/dl.k8s.io/release/v1.33.1/bin/linux/amd64/kubelet');
  assert.deepEqual(artifactUrls(cn, kubelet), [kubelet.mirrorUrl, kubelet.url]);
  assert.equal(kubelet.checksum?.mirrorUrl, 'https://kubekey.pek3b.qingstor.com/dl.k8s.io/release/v1.33.1/bin/linux/amd64/kubelet.sha256');
  assert.equal(get(cn, 'docker/25.0.5/amd64').mirrorUrl, 'https://mirrors.aliyun.com/docker-ce/linux/static/stable/x86_64/docker-25.0.5.tgz');
  assert.ok(cn.images.some((i) => i.ref === 'hub.kubesphere.com.cn/kubernetes/kube-apiserver:v1.33.1'));
  assert.ok(cn.images.some((i) => i.ref === 'hub.kubesphere.com.cn/calico/node:v3.31.3'));

  const own = plan('  zone: cn\n  download: {base_url: "http://mirror.lan:8080/kk/"}');
  assert.equal(own.baseUrl, 'http://mirror.lan:8080/kk');
  for (const a of own.artifacts) {
    assert.ok(a.url.startsWith('http://mirror.lan:8080/kk/'), a.url);
    assert.equal(a.mirrorUrl, null);
    if (a.checksum?.url) assert.ok(a.checksum.url.startsWith('http://mirror.lan:8080/kk/'), a.checksum.url);
  }
  assert.equal(get(own, 'helm/v3.18.5/amd64').url, 'http://mirror.lan:8080/kk/get.helm.sh/helm-v3.18.5-linux-amd64.tar.gz');
  assert.throws(() => plan('  download: {base_url: "ftp://x"}'), /download\.base_url: "ftp:\/\/x" must be an http/);
  assert.throws(() => plan('  download: {arch: [s390x]}'), /download\.arch: "s390x"/);
});

test("checksum sources match each upstream's published layout; unknown ones are null with a reason", () => {
  const p = plan('  image_registry: {type: harbor}\n  download: {tools: {nerdctl_version: v2.2.1}}');
  const sum = (id: string) => get(p, id).checksum;
  assert.deepEqual(sum('kubectl/v1.33.1/amd64'), {
    algorithm: 'sha256',
    url: 'https://dl.k8s.io/release/v1.33.1/bin/linux/amd64/kubectl.sha256',
    mirrorUrl: null,
    format: 'digest',
  });
  assert.deepEqual(sum('etcd/v3.5.24/amd64'), {
    algorithm: 'sha256',
    url: 'https://github.com/etcd-io/etcd/releases/download/v3.5.24/SHA256SUMS',
    mirrorUrl: null,
    format: 'list',
    entry: 'etcd-v3.5.24-linux-amd64.tar.gz',
  });
  assert.equal(
    sum('containerd/v1.7.13/amd64')?.url,
    'https://github.com/containerd/containerd/releases/download/v1.7.13/containerd-1.7.13-linux-amd64.tar.gz.sha256sum',
  );
  assert.equal(sum('helm/v3.18.5/amd64')?.url, 'https://get.helm.sh/helm-v3.18.5-linux-amd64.tar.gz.sha256sum');
  assert.equal(
    sum('cni-plugins/v1.9.1/amd64')?.url,
    'https://github.com/containernetworking/plugins/releases/download/v1.9.1/cni-plugins-linux-amd64-v1.9.1.tgz.sha256',
  );
  assert.equal(
    sum('crictl/v1.33.0/amd64')?.url,
    'https://github.com/kubernetes-sigs/cri-tools/releases/download/v1.33.0/crictl-v1.33.0-linux-amd64.tar.gz.sha256',
  );
  assert.deepEqual(
    [sum('runc/v1.1.12/amd64')?.url, sum('runc/v1.1.12/amd64')?.entry],
    ['https://github.com/opencontainers/runc/releases/download/v1.1.12/runc.sha256sum', 'runc.amd64'],
  );
  assert.deepEqual([sum('calicoctl/v3.31.3/amd64')?.format, sum('calicoctl/v3.31.3/amd64')?.entry], ['list', 'calicoctl-linux-amd64']);
  assert.equal(sum('nerdctl/v2.2.1/amd64')?.entry, 'nerdctl-2.2.1-linux-amd64.tar.gz');
  for (const id of ['harbor/v2.10.2/amd64', 'docker/25.0.5/amd64', 'tigera-operator/v3.31.3']) {
    assert.equal(sum(id), null, id);
    assert.ok(get(p, id).checksumNote, `${id} says why`);
  }
  assert.ok(p.notes.some((n) => /no published checksum/.test(n) && n.includes('harbor')));
});

test('images pulled through download.images.registry keep their upstream names for the layout and the bundle', () => {
  const p = plan('  download: {images: {registry: "mirror.example:5000"}}\n  cni: {type: flannel}\n  image_registry: {auth: {registry: "10.0.0.100"}}');
  const api = p.images.find((i) => i.name === 'registry.k8s.io/kube-apiserver:v1.33.1');
  assert.ok(api, p.images.map((i) => i.name).join(' '));
  assert.equal(api.ref, 'mirror.example:5000/kubernetes/kube-apiserver:v1.33.1');
  assert.equal(api.pushRef, '10.0.0.100/kubernetes/kube-apiserver:v1.33.1');
  const flannel = p.images.find((i) => i.name === 'ghcr.io/flannel-io/flannel:v0.27.4');
  assert.equal(flannel?.ref, 'mirror.example:5000/flannel-io/flannel:v0.27.4');
  const direct = plan('  cni: {type: flannel}');
  assert.ok(
    direct.images.every((i) => i.ref === i.name),
    'without a mirror the source is the upstream name',
  );
});

test('a docker-registry needs no docker engine: docker is planned only for the docker CRI or Harbor', () => {
  const reg = plan('  image_registry: {type: docker-registry}');
  assert.ok(reg.artifacts.some((a) => a.name === 'docker-registry'));
  assert.ok(!reg.artifacts.some((a) => a.name === 'docker'), reg.artifacts.map((a) => a.id).join(' '));
  assert.ok(plan('  image_registry: {type: harbor}').artifacts.some((a) => a.name === 'docker'));
});

test('oras and nerdctl are planned only when the config names their versions (kk copies images itself)', () => {
  const p = plan('');
  assert.ok(!p.artifacts.some((a) => a.kind === 'tool'), p.artifacts.map((a) => a.id).join(' '));
  assert.deepEqual(
    plan('  download: {tools: {oras_version: v1.3.0}}')
      .artifacts.filter((a) => a.kind === 'tool')
      .map((a) => a.id),
    ['oras/v1.3.0/amd64'],
  );
});
