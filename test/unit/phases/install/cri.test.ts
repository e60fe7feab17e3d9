import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import {
  CNI_MARKER,
  CONTAINERD_CONFIG,
  CONTAINERD_UNIT_TEXT,
  VERSION_PROBES,
  binaryInstallScript,
  cniPluginsScript,
  criStep,
  ownedFileScript,
  pruneRegistriesScript,
  registries,
  toToml,
} from '../../../../coordinator/phases/install/steps/containerd';
import { stepInputs, type StepInputs } from '../../../../coordinator/phases/install/inputs';
import { UNCHANGED, script, type StepTask } from '../../../../coordinator/phases/install/step';
import type { ResolvedArtifact } from '../../../../coordinator/init/artifacts/cache';
import type { CommandSpec } from '../../../../coordinator/phases/executor';
import { model, tempDir } from '../helpers';

const INV = `apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
metadata: {name: t}
spec:
  hosts:
    node1: {internal_ipv4: 10.0.0.1}
    node2: {internal_ipv4: 10.0.0.2}
    nfs1: {internal_ipv4: 10.0.0.7}
  groups:
    kube_control_plane: {hosts: [node1]}
    kube_worker: {hosts: [node2]}
    k8s_cluster: {groups: [kube_control_plane, kube_worker]}
    nfs: {hosts: [nfs1]}
`;
const INV_REGISTRY = `${INV}    image_registry: {hosts: [reg]}\n`.replace(
  '    nfs1: {internal_ipv4: 10.0.0.7}\n',
  '    nfs1: {internal_ipv4: 10.0.0.7}\n    reg: {internal_ipv4: 10.0.0.9}\n',
);

/** smol-toml's tables have no prototype; plain objects compare with deepEqual. */
const parseToml = (text: string): unknown => JSON.parse(JSON.stringify(parse(text)));
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const art = (name: string, version: string, dest: string): ResolvedArtifact => ({
  id: `${name}/${version}/amd64`,
  name,
  kind: 'binary',
  arch: 'amd64',
  version,
  base: 'binary_dir',
  dest,
  sha256: sha(name),
  size: 1,
  url: 'https://x',
  verified: 'sha256',
});
const ARTIFACTS: ResolvedArtifact[] = [
  art('runc', 'v1.1.12', 'runc/v1.1.12/amd64/runc.amd64'),
  art('cni-plugins', 'v1.9.1', 'cni/plugins/v1.9.1/amd64/cni-plugins-linux-amd64-v1.9.1.tgz'),
  art('crictl', 'v1.34.0', 'crictl/v1.34.0/amd64/crictl-v1.34.0-linux-amd64.tar.gz'),
  art('containerd', 'v1.7.13', 'containerd/v1.7.13/amd64/containerd-1.7.13-linux-amd64.tar.gz'),
  art('docker', '25.0.5', 'docker/25.0.5/amd64/docker-25.0.5.tgz'),
  art('cri-dockerd', 'v0.3.21', 'cri-dockerd/v0.3.21/amd64/cri-dockerd-0.3.21.amd64.tgz'),
];
const ROOT_CA = '-----BEGIN CERTIFICATE-----\nROOT CA of init\n-----END CERTIFICATE-----\n';

function inputs(spec = '', inventory = INV): StepInputs {
  const pki = tempDir('kk-pki-');
  writeFileSync(path.join(pki, 'root.crt'), ROOT_CA);
  return stepInputs({
    model: model(`  kubernetes:\n    kube_version: v1.34.3\n${spec}`, inventory),
    resolved: ARTIFACTS,
    pkiDir: pki,
    arches: ['amd64'],
    param: (_k, make) => make(),
  });
}

const find = (tasks: StepTask[], name: string): StepTask => {
  const t = tasks.find((x) => x.task === name);
  assert.ok(t, `task "${name}" in ${tasks.map((x) => x.task).join(' | ')}`);
  return t;
};
const written = (t: StepTask): { path: string; mode: number; text: string } => {
  assert.ok('writeFile' in t.spec, `${t.task} writes a file`);
  const w = t.spec.writeFile;
  return { path: w.path ?? '', mode: w.mode ?? 0, text: String(w.text) };
};
const execOf = (spec: CommandSpec): { script: string; env: Record<string, string> } => {
  assert.ok('exec' in spec, 'an exec command');
  return { script: spec.exec.script ?? '', env: spec.exec.env ?? {} };
};
/** What an owned-file task (config.toml, daemon.json) writes. */
const ownedContent = (t: StepTask): string => Buffer.from(execOf(t.spec).env.KK_CONTENT ?? '', 'base64').toString('utf8');
const configToml = (tasks: StepTask[]): Record<string, unknown> => parseToml(ownedContent(find(tasks, 'write config.toml'))) as Record<string, unknown>;
interface CriPlugin {
  sandbox_image: string;
  enable_cdi?: boolean;
  cni: unknown;
  containerd: { default_runtime_name: string; runtimes: { runc: { runtime_type: string; options: { SystemdCgroup: boolean } } } };
  registry: { config_path: string; configs?: Record<string, unknown> };
}
const criPlugin = (cfg: Record<string, unknown>): CriPlugin => (cfg.plugins as Record<string, unknown>)['io.containerd.grpc.v1.cri'] as CriPlugin;

function run(spec: CommandSpec, extraEnv: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const { script: text, env } = execOf(spec);
  const r = spawnSync('bash', ['-c', text], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...env, ...extraEnv }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('containerd (default): crictl, CNI plugins, runc, containerd, its config and unit, restart only on change, then a CRI check', () => {
  const inp = inputs();
  assert.deepEqual(criStep.hosts(inp.model), ['node1', 'node2']);
  assert.deepEqual(criStep.stage(inp, ['node1', 'node2']), { mode: 'parallel' });
  const tasks = criStep.plan(inp, 'node2');
  assert.deepEqual(
    tasks.map((t) => t.task),
    [
      'fetch runc',
      'install runc',
      'fetch cni-plugins',
      'install cni-plugins',
      'fetch crictl',
      'install crictl',
      'write crictl.yaml',
      'fetch containerd',
      'install containerd',
      'prune containerd certs.d',
      'write config.toml',
      'write containerd.service',
      'daemon-reload',
      'enable containerd',
      'restart containerd',
      'start containerd',
      'runtime answers',
    ],
  );
  const fetch = find(tasks, 'fetch containerd').spec as { fetch: { urlPath: string; sha256: string; dest: string } };
  assert.deepEqual(
    [fetch.fetch.urlPath, fetch.fetch.dest],
    [`/artifacts/${sha('containerd')}`, '/opt/kubekey/artifacts/containerd/containerd-1.7.13-linux-amd64.tar.gz'],
  );

  assert.deepEqual(written(find(tasks, 'write crictl.yaml')), {
    path: '/etc/crictl.yaml',
    mode: 0o644,
    text: '# Written by kk (docs/install.md).\nruntime-endpoint: unix:///var/run/containerd/containerd.sock\nimage-endpoint: unix:///var/run/containerd/containerd.sock\ntimeout: 5\ndebug: false\npull-image-on-create: false\n',
  });
  const unit = written(find(tasks, 'write containerd.service'));
  assert.deepEqual([unit.path, unit.mode, unit.text], ['/etc/systemd/system/containerd.service', 0o644, CONTAINERD_UNIT_TEXT]);
  for (const line of [
    'Type=notify',
    'ExecStartPre=-/sbin/modprobe overlay',
    'ExecStart=/usr/local/bin/containerd',
    'Delegate=yes',
    'KillMode=process',
    'Restart=always',
    'RestartSec=5',
    'LimitNPROC=infinity',
    'LimitCORE=infinity',
    'TasksMax=infinity',
    'OOMScoreAdjust=-999',
    'WantedBy=multi-user.target',
  ]) {
    assert.ok(unit.text.split('\n').includes(line), line);
  }
  assert.ok(!unit.text.includes('LimitNOFILE'));

  const install = execOf(find(tasks, 'install containerd').spec).script;
  assert.match(install, /bin\/containerd' 'bin\/containerd-shim-runc-v2' 'bin\/ctr'/);
  assert.match(install, /: > '\/etc\/containerd\/\.kk-reinstalled'$/, 'a (re)install makes the config task rewrite config.toml');
  assert.match(
    execOf(find(tasks, 'install runc').spec).script,
    /install -D -m 0755 '\/opt\/kubekey\/artifacts\/runc\/runc\.amd64' '\/usr\/local\/bin\/runc\.kk-new'/,
  );

  const cfg = configToml(tasks);
  assert.equal(cfg.version, 2);
  assert.equal(cfg.root, '/var/lib/containerd');
  assert.equal(cfg.state, '/run/containerd');
  assert.equal(cfg.imports, undefined);
  assert.deepEqual(cfg.grpc, { address: '/run/containerd/containerd.sock', uid: 0, gid: 0, max_recv_message_size: 16777216, max_send_message_size: 16777216 });
  assert.deepEqual(cfg.timeouts, {
    'io.containerd.timeout.shim.cleanup': '5s',
    'io.containerd.timeout.shim.load': '5s',
    'io.containerd.timeout.shim.shutdown': '3s',
    'io.containerd.timeout.task.state': '2s',
  });
  const cri = criPlugin(cfg);
  assert.equal(cri.sandbox_image, 'registry.k8s.io/pause:3.10.1');
  assert.deepEqual(cri.cni, { bin_dir: '/opt/cni/bin', conf_dir: '/etc/cni/net.d', max_conf_num: 1 });
  assert.deepEqual(cri.containerd, {
    default_runtime_name: 'runc',
    runtimes: { runc: { runtime_type: 'io.containerd.runc.v2', options: { SystemdCgroup: true } } },
  });
  assert.deepEqual(cri.registry, { config_path: '/etc/containerd/certs.d' }, 'no deprecated mirrors/configs, no credentials');
  assert.match(execOf(find(tasks, 'write config.toml').spec).script, /install -D -m 644 /, 'no credentials: world-readable');

  // The default mirror list names Docker Hub itself: nothing to write into certs.d.
  assert.ok(!tasks.some((t) => t.task.startsWith('write /etc/containerd/certs.d')));
  assert.match(execOf(find(tasks, 'prune containerd certs.d').spec).script, /printf '%s\\n' {2}\|/);

  assert.deepEqual(find(tasks, 'daemon-reload').onlyIfChanged, ['write containerd.service']);
  assert.deepEqual(find(tasks, 'restart containerd').onlyIfChanged, ['install containerd', 'write config.toml', 'write containerd.service']);
  assert.ok(!find(tasks, 'restart containerd').onlyIfChanged!.some((t) => t.includes('certs.d')), 'containerd reads certs.d on every pull');
  const check = find(tasks, 'runtime answers');
  assert.equal(check.always, true);
  assert.match(execOf(check.spec).script, /\/usr\/local\/bin\/crictl --runtime-endpoint 'unix:\/\/\/var\/run\/containerd\/containerd\.sock' info/);
  assert.match(execOf(check.spec).script, /exit \$UNCHANGED/, 'a passing check changes nothing');
});

test('cgroup driver: SystemdCgroup follows cri.cgroup_driver', () => {
  assert.equal(
    criPlugin(configToml(criStep.plan(inputs('  cri: {cgroup_driver: cgroupfs}\n'), 'node1'))).containerd.runtimes.runc.options.SystemdCgroup,
    false,
  );
  assert.equal(criPlugin(configToml(criStep.plan(inputs('  cri: {cgroup_driver: systemd}\n'), 'node1'))).containerd.runtimes.runc.options.SystemdCgroup, true);
});

test('docker.io mirrors: a hosts.toml that tries each mirror, in order, before Docker Hub', () => {
  const tasks = criStep.plan(
    inputs('  cri:\n    registry:\n      mirrors: ["https://mirror.example.com", "registry-1.docker.io", "http://10.0.0.50:5000/"]\n'),
    'node1',
  );
  const f = written(find(tasks, 'write /etc/containerd/certs.d/docker.io/hosts.toml'));
  assert.equal(f.mode, 0o644);
  const hosts = parseToml(f.text) as { server: string; host: Record<string, { capabilities: string[]; skip_verify?: boolean }> };
  assert.equal(hosts.server, 'https://registry-1.docker.io');
  assert.deepEqual(Object.keys(hosts.host), ['https://mirror.example.com', 'http://10.0.0.50:5000']);
  assert.deepEqual(hosts.host['https://mirror.example.com'], { capabilities: ['pull', 'resolve'] });
  assert.ok(f.text.indexOf('mirror.example.com') < f.text.indexOf('10.0.0.50'), 'the order of the config');
  assert.match(execOf(find(tasks, 'prune containerd certs.d').spec).script, /printf '%s\\n' 'docker\.io' \|/);
  assert.deepEqual(criPlugin(configToml(tasks)).registry, { config_path: '/etc/containerd/certs.d' });
});

test('cri.registry.auths: credentials in config.toml (0600), CA and client certificate in certs.d, referenced by hosts.toml', () => {
  const dir = tempDir('kk-auth-');
  writeFileSync(path.join(dir, 'ca.pem'), 'PEM my CA\n');
  writeFileSync(path.join(dir, 'client.pem'), 'PEM client cert\n');
  writeFileSync(path.join(dir, 'client-key.pem'), 'PEM client key\n');
  const tasks = criStep.plan(
    inputs(`  cri:
    registry:
      auths:
        - {registry: "https://reg.example.com:5000/project", username: bob, password: "p'w\\"d", ca_file: ${dir}/ca.pem, cert_file: ${dir}/client.pem, key_file: ${dir}/client-key.pem}
        - {registry: docker.io, username: hubuser, password: hubpw}
`),
    'node1',
  );
  const base = '/etc/containerd/certs.d/reg.example.com:5000';
  assert.deepEqual(written(find(tasks, `write ${base}/ca.crt`)), { path: `${base}/ca.crt`, mode: 0o644, text: 'PEM my CA\n' });
  assert.deepEqual(written(find(tasks, `write ${base}/client.crt`)), { path: `${base}/client.crt`, mode: 0o644, text: 'PEM client cert\n' });
  assert.deepEqual(written(find(tasks, `write ${base}/client.key`)), { path: `${base}/client.key`, mode: 0o600, text: 'PEM client key\n' });
  const hosts = parseToml(written(find(tasks, `write ${base}/hosts.toml`)).text) as { server: string; host: Record<string, unknown> };
  assert.equal(hosts.server, 'https://reg.example.com:5000');
  assert.deepEqual(hosts.host, {
    'https://reg.example.com:5000': { capabilities: ['pull', 'resolve', 'push'], ca: `${base}/ca.crt`, client: [[`${base}/client.crt`, `${base}/client.key`]] },
  });
  // Credentials only: no hosts.toml for Docker Hub, its credentials keyed by the host pulls go to.
  assert.ok(!tasks.some((t) => t.task.includes('certs.d/docker.io')));
  const cri = criPlugin(configToml(tasks));
  assert.deepEqual(cri.registry, {
    config_path: '/etc/containerd/certs.d',
    configs: {
      'reg.example.com:5000': { auth: { username: 'bob', password: 'p\'w"d' } },
      'registry-1.docker.io': { auth: { username: 'hubuser', password: 'hubpw' } },
    },
  });
  assert.match(execOf(find(tasks, 'write config.toml').spec).script, /install -D -m 600 /, 'holds passwords: root only');
  assert.match(execOf(find(tasks, 'prune containerd certs.d').spec).script, /'reg\.example\.com:5000'/);

  assert.throws(
    () => criStep.plan(inputs(`  cri: {registry: {auths: [{registry: r.example.com, ca_file: ${dir}/missing.pem}]}}\n`), 'node1'),
    /cri\.registry\.auths\[0\]\.ca_file: cannot read .*missing\.pem: ENOENT/,
  );
  assert.throws(
    () => criStep.plan(inputs(`  cri: {registry: {auths: [{registry: r.example.com, cert_file: ${dir}/client.pem}]}}\n`), 'node1'),
    /cert_file and key_file go together/,
  );
  assert.throws(() => criStep.plan(inputs('  cri: {registry: {auths: [{registry: "../../etc"}]}}\n'), 'node1'), /is not a registry host/);
});

test('plain_http and insecure registries: HTTP only, or HTTPS without verification then HTTP', () => {
  const tasks = criStep.plan(
    inputs(`  cri:
    registry:
      insecure_registries: ["10.0.0.60:5000", "http://lab.example.com"]
      auths:
        - {registry: "10.0.0.70", plain_http: true, username: u, password: p}
        - {registry: "selfsigned.example.com", skip_tls_verify: true}
`),
    'node1',
  );
  const toml = (h: string) =>
    parseToml(written(find(tasks, `write /etc/containerd/certs.d/${h}/hosts.toml`)).text) as { server: string; host: Record<string, unknown> };
  assert.deepEqual(toml('10.0.0.70'), { server: 'http://10.0.0.70', host: { 'http://10.0.0.70': { capabilities: ['pull', 'resolve', 'push'] } } });
  const insecure = toml('10.0.0.60:5000');
  assert.equal(insecure.server, 'http://10.0.0.60:5000');
  assert.deepEqual(Object.entries(insecure.host), [
    ['https://10.0.0.60:5000', { capabilities: ['pull', 'resolve', 'push'], skip_verify: true }],
    ['http://10.0.0.60:5000', { capabilities: ['pull', 'resolve', 'push'] }],
  ]);
  assert.equal(toml('lab.example.com').server, 'http://lab.example.com');
  assert.deepEqual(toml('selfsigned.example.com'), {
    server: 'https://selfsigned.example.com',
    host: { 'https://selfsigned.example.com': { capabilities: ['pull', 'resolve', 'push'], skip_verify: true } },
  });
  assert.deepEqual(criPlugin(configToml(tasks)).registry.configs, { '10.0.0.70': { auth: { username: 'u', password: 'p' } } });
});

test("the cluster registry (image_registry.type set) is trusted with init's root CA and reached with its credentials", () => {
  const inp = inputs('  image_registry: {type: harbor}\n', INV_REGISTRY);
  assert.deepEqual(criStep.hosts(inp.model), ['node1', 'node2'], 'registry hosts run no container runtime of the cluster');
  const tasks = criStep.plan(inp, 'node1');
  assert.deepEqual(written(find(tasks, 'write /etc/containerd/certs.d/10.0.0.9/ca.crt')), {
    path: '/etc/containerd/certs.d/10.0.0.9/ca.crt',
    mode: 0o644,
    text: ROOT_CA,
  });
  assert.ok(!tasks.some((t) => t.task.includes('client.key')), 'the registry client key is not spread to the nodes');
  const hosts = parseToml(written(find(tasks, 'write /etc/containerd/certs.d/10.0.0.9/hosts.toml')).text) as { server: string; host: Record<string, unknown> };
  assert.deepEqual(hosts, {
    server: 'https://10.0.0.9',
    host: { 'https://10.0.0.9': { capabilities: ['pull', 'resolve', 'push'], ca: '/etc/containerd/certs.d/10.0.0.9/ca.crt' } },
  });
  const cri = criPlugin(configToml(tasks));
  assert.equal(cri.sandbox_image, '10.0.0.9/kubernetes/pause:3.10.1');
  assert.deepEqual(cri.registry.configs, { '10.0.0.9': { auth: { username: 'admin', password: 'Harbor12345' } } });

  // plain HTTP cluster registry: no CA, HTTP only
  const plain = criStep.plan(inputs('  image_registry: {type: docker-registry, auth: {plain_http: true}}\n', INV_REGISTRY), 'node1');
  assert.ok(!plain.some((t) => t.task.endsWith('ca.crt')));
  assert.equal((parseToml(written(find(plain, 'write /etc/containerd/certs.d/10.0.0.9/hosts.toml')).text) as { server: string }).server, 'http://10.0.0.9');

  // An external registry (no type): KubeKey's default is to skip verification; zone cn's public hub needs nothing.
  const ext = criStep.plan(inputs('  image_registry: {auth: {registry: "hub.corp.example.com/library", username: me, password: pw}}\n'), 'node1');
  assert.deepEqual(
    (parseToml(written(find(ext, 'write /etc/containerd/certs.d/hub.corp.example.com/hosts.toml')).text) as { host: Record<string, unknown> }).host,
    { 'https://hub.corp.example.com': { capabilities: ['pull', 'resolve', 'push'], skip_verify: true } },
  );
  const cn = criStep.plan(inputs('  zone: cn\n'), 'node1');
  assert.ok(!cn.some((t) => t.task.includes('hub.kubesphere.com.cn')));
});

test("config policy: merge imports the node's drop-ins; the config's cri.containerd.config is laid on top; deprecated registry tables refused", () => {
  const merged = configToml(
    criStep.plan(
      inputs(`  cri:
    containerd:
      config_policy: merge
      data_root: /data/containerd
      config:
        plugins:
          io.containerd.grpc.v1.cri: {enable_cdi: true, cni: {max_conf_num: 2}}
        timeouts: {io.containerd.timeout.task.state: null}
`),
      'node1',
    ),
  );
  assert.deepEqual(merged.imports, ['/etc/containerd/conf.d/*.toml']);
  assert.equal(merged.root, '/data/containerd');
  const cri = criPlugin(merged);
  assert.equal(cri.enable_cdi, true);
  assert.deepEqual(cri.cni, { bin_dir: '/opt/cni/bin', conf_dir: '/etc/cni/net.d', max_conf_num: 2 });
  assert.equal((merged.timeouts as Record<string, string>)['io.containerd.timeout.task.state'], undefined, 'null removes a kk key');
  assert.throws(
    () =>
      criStep.plan(
        inputs(`  cri:
    containerd:
      config: {plugins: {io.containerd.grpc.v1.cri: {registry: {mirrors: {docker.io: {endpoint: ["https://m"]}}}}}}
`),
        'node1',
      ),
    /refuses next to config_path: configure registries with cri\.registry\.mirrors/,
  );
  assert.throws(() => model('  cri: {container_manager: cri-o}\n', INV), /container_manager/, 'an unknown container manager never gets this far');
});

test('docker with cri-dockerd (Kubernetes ≥ 1.24): docker binaries, its containerd, daemon.json, units, cri-dockerd, a CRI check', () => {
  const dir = tempDir('kk-dauth-');
  writeFileSync(path.join(dir, 'ca.pem'), 'PEM docker CA\n');
  const inp = inputs(`  cri:
    container_manager: docker
    cgroup_driver: cgroupfs
    registry:
      mirrors: ["https://mirror.example.com"]
      insecure_registries: ["10.0.0.60:5000"]
      auths: [{registry: "reg.example.com", ca_file: ${dir}/ca.pem}]
    docker: {bridge_ip: 172.31.0.1/16}
`);
  const tasks = criStep.plan(inp, 'node1');
  const names = tasks.map((t) => t.task);
  assert.deepEqual(
    names.filter((n) => !n.startsWith('write /etc/')),
    [
      'fetch cni-plugins',
      'install cni-plugins',
      'fetch crictl',
      'install crictl',
      'write crictl.yaml',
      'fetch docker',
      'install docker',
      'prune containerd certs.d',
      'write config.toml',
      'write containerd.service',
      'prune docker certs.d',
      'write daemon.json',
      'write docker.service',
      'fetch cri-dockerd',
      'install cri-dockerd',
      'write cri-dockerd.service',
      'daemon-reload',
      'enable containerd',
      'restart containerd',
      'start containerd',
      'enable docker',
      'restart docker',
      'start docker',
      'enable cri-dockerd',
      'restart cri-dockerd',
      'start cri-dockerd',
      'runtime answers',
    ],
  );
  assert.ok(!names.includes('install runc') && !names.includes('install containerd'), "docker's tarball brings both");
  const install = execOf(find(tasks, 'install docker').spec).script;
  for (const b of ['containerd', 'containerd-shim-runc-v2', 'ctr', 'docker', 'docker-init', 'docker-proxy', 'dockerd', 'runc'])
    assert.ok(install.includes(`'docker/${b}'`), b);
  assert.match(install, /\.kk-reinstalled'\nmkdir -p '\/etc\/docker' && : > '\/etc\/docker\/\.kk-reinstalled'$/);
  assert.match(written(find(tasks, 'write crictl.yaml')).text, /runtime-endpoint: unix:\/\/\/var\/run\/cri-dockerd\.sock\n/);

  const daemon = JSON.parse(ownedContent(find(tasks, 'write daemon.json'))) as Record<string, unknown>;
  assert.deepEqual(daemon, {
    'data-root': '/var/lib/docker',
    'exec-opts': ['native.cgroupdriver=cgroupfs'],
    'log-opts': { 'max-size': '5m', 'max-file': '3' },
    'live-restore': true,
    'registry-mirrors': ['https://mirror.example.com'],
    'insecure-registries': ['10.0.0.60:5000'],
    bip: '172.31.0.1/16',
  });
  assert.deepEqual(written(find(tasks, 'write /etc/docker/certs.d/reg.example.com/ca.crt')), {
    path: '/etc/docker/certs.d/reg.example.com/ca.crt',
    mode: 0o644,
    text: 'PEM docker CA\n',
  });
  assert.match(execOf(find(tasks, 'prune docker certs.d').spec).script, /printf '%s\\n' 'reg\.example\.com' \|/);
  // docker's containerd gets the same registry files and config (its socket is docker's --containerd).
  assert.ok(names.includes('write /etc/containerd/certs.d/docker.io/hosts.toml'));
  const cfg = configToml(tasks);
  assert.equal((cfg.grpc as { address: string }).address, '/run/containerd/containerd.sock');
  assert.equal(criPlugin(cfg).containerd.runtimes.runc.options.SystemdCgroup, false);

  const docker = written(find(tasks, 'write docker.service'));
  assert.equal(docker.path, '/etc/systemd/system/docker.service');
  assert.ok(docker.text.includes('\nExecStart=/usr/local/bin/dockerd --containerd=/run/containerd/containerd.sock\n'));
  const cd = written(find(tasks, 'write cri-dockerd.service'));
  assert.equal(cd.path, '/etc/systemd/system/cri-dockerd.service');
  assert.ok(
    cd.text.includes(
      '\nExecStart=/usr/local/bin/cri-dockerd --container-runtime-endpoint=unix:///var/run/cri-dockerd.sock ' +
        '--pod-infra-container-image=registry.k8s.io/pause:3.10.1 --network-plugin=cni --cni-bin-dir=/opt/cni/bin --cni-conf-dir=/etc/cni/net.d\n',
    ),
  );
  assert.ok(cd.text.includes('\nRequires=docker.service\n'));
  assert.deepEqual(find(tasks, 'daemon-reload').onlyIfChanged, ['write containerd.service', 'write docker.service', 'write cri-dockerd.service']);
  assert.deepEqual(find(tasks, 'restart containerd').onlyIfChanged, ['install docker', 'write config.toml', 'write containerd.service']);
  assert.deepEqual(find(tasks, 'restart docker').onlyIfChanged, ['install docker', 'write daemon.json', 'write docker.service']);
  assert.deepEqual(find(tasks, 'restart cri-dockerd').onlyIfChanged, ['install cri-dockerd', 'write cri-dockerd.service']);
  assert.match(execOf(find(tasks, 'runtime answers').spec).script, /crictl --runtime-endpoint 'unix:\/\/\/var\/run\/cri-dockerd\.sock' info/);

  // A user daemon map is laid on top of kk's.
  const custom = JSON.parse(
    ownedContent(
      find(
        criStep.plan(inputs('  cri: {container_manager: docker, docker: {daemon: {log-opts: {max-file: "9"}, debug: true}}}\n'), 'node1'),
        'write daemon.json',
      ),
    ),
  );
  assert.deepEqual(custom['log-opts'], { 'max-size': '5m', 'max-file': '9' });
  assert.equal(custom.debug, true);
});

test("docker on Kubernetes 1.23: no cri-dockerd; crictl talks to the kubelet's dockershim; the check asks docker", () => {
  const pki = tempDir('kk-pki-');
  const inp = stepInputs({
    model: model('  kubernetes: {kube_version: v1.23.17}\n  cri: {container_manager: docker}\n', INV),
    resolved: ARTIFACTS,
    pkiDir: pki,
    arches: ['amd64'],
    param: (_k, m) => m(),
  });
  const tasks = criStep.plan(inp, 'node1');
  assert.ok(!tasks.some((t) => t.task.includes('cri-dockerd')));
  assert.match(written(find(tasks, 'write crictl.yaml')).text, /runtime-endpoint: unix:\/\/\/var\/run\/dockershim\.sock\n/);
  assert.match(execOf(find(tasks, 'runtime answers').spec).script, /\/usr\/local\/bin\/docker info/);
  assert.equal(criPlugin(configToml(tasks)).sandbox_image, 'registry.k8s.io/pause:3.6');
});

test('toToml: nested tables with quoted keys, arrays, escapes; smol-toml reads back the same tree', () => {
  const tree = { a: 1, s: 'x"y\\z\u007f', list: ['p', 'q'], pairs: [['c', 'k']], t: { 'dotted.key': { on: true }, empty: {} } };
  const text = toToml(tree);
  assert.deepEqual(parseToml(text), tree);
  assert.match(text, /\n\[t\."dotted\.key"\]\non = true\n/);
});

// ---- the node-side scripts, run for real against temp directories ----

test('CNI plugins: installed from the tarball with a version marker; same version unchanged; other plugins kept; downgrade refused', () => {
  const dir = tempDir('kk-cni-');
  const mk = (v: string): string => {
    const stage = path.join(dir, `stage-${v}`);
    mkdirSync(stage, { recursive: true });
    for (const p of ['bridge', 'host-local', 'loopback']) {
      writeFileSync(path.join(stage, p), `#!/bin/sh\necho ${p} ${v}\n`);
      chmodSync(path.join(stage, p), 0o755);
    }
    writeFileSync(path.join(stage, 'LICENSE'), 'license\n');
    const tgz = path.join(dir, `cni-${v}.tgz`);
    execFileSync('tar', ['-czf', tgz, '-C', stage, './bridge', './host-local', './loopback', './LICENSE']);
    return tgz;
  };
  const bin = path.join(dir, 'opt', 'cni', 'bin');
  const install = (v: string, force = false) => run(script(cniPluginsScript({ version: v, tarball: mk(v), binDir: bin, force })));
  const first = install('v1.9.1');
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /CNI plugins \(none\) -> v1\.9\.1 \(3 plugins/);
  assert.deepEqual(readdirSync(bin).sort(), [CNI_MARKER, 'bridge', 'host-local', 'loopback']);
  assert.equal(statSync(path.join(bin, 'bridge')).mode & 0o777, 0o755);
  assert.equal(readFileSync(path.join(bin, CNI_MARKER), 'utf8'), 'v1.9.1\n');
  writeFileSync(path.join(bin, 'calico'), "a CNI's own plugin");
  assert.equal(install('v1.9.1').status, UNCHANGED);
  const down = install('v1.8.0');
  assert.equal(down.status, 3);
  assert.match(down.stderr, /refusing to downgrade the CNI plugins from v1\.9\.1 to v1\.8\.0: pass --force/);
  assert.equal(install('v1.10.0').status, 0);
  assert.match(readFileSync(path.join(bin, 'bridge'), 'utf8'), /bridge v1\.10\.0/);
  assert.equal(readFileSync(path.join(bin, 'calico'), 'utf8'), "a CNI's own plugin");
  assert.equal(install('v1.8.0', true).status, 0, '--force allows it');
});

test('runc: replaced only when `runc --version` differs; a newer one is not downgraded', () => {
  const dir = tempDir('kk-runc-');
  const fake = (v: string): string => {
    const f = path.join(dir, `runc-${v}`);
    writeFileSync(f, `#!/bin/sh\necho "runc version ${v}"\necho "commit: v${v}-0-g51d5e946"\necho "spec: 1.0.2-dev"\n`);
    chmodSync(f, 0o755);
    return f;
  };
  const dest = path.join(dir, 'bin', 'runc');
  const install = (v: string) =>
    run(script(binaryInstallScript({ name: 'runc', version: v, src: fake(v), dest, force: false, installedVersion: VERSION_PROBES.runc(dest) })));
  assert.equal(install('1.1.12').status, 0);
  assert.equal(statSync(dest).mode & 0o777, 0o755);
  assert.equal(install('1.1.12').status, UNCHANGED);
  assert.equal(install('1.2.0').status, 0);
  const down = install('1.1.12');
  assert.equal(down.status, 3);
  assert.match(down.stderr, /refusing to downgrade runc from 1\.2\.0 to 1\.1\.12/);
});

test('version probes read what each binary prints (containerd 1.x and 2.x, docker, crictl, cri-dockerd on stderr); nothing when absent', () => {
  const dir = tempDir('kk-probe-');
  const fake = (name: string, body: string): string => {
    const f = path.join(dir, name);
    writeFileSync(f, `#!/bin/sh\n${body}\n`);
    chmodSync(f, 0o755);
    return f;
  };
  const probe = (cmd: string): string => execFileSync('bash', ['-c', `set -o pipefail; { ${cmd}; } 2>/dev/null || true`], { encoding: 'utf8' });
  assert.equal(
    probe(VERSION_PROBES.containerd(fake('c1', 'echo "containerd github.com/containerd/containerd v1.7.13 7c3aca7a610df76212171d200ca3811ff6096eb8"'))),
    '1.7.13\n',
  );
  assert.equal(
    probe(VERSION_PROBES.containerd(fake('c2', 'echo "containerd github.com/containerd/containerd/v2 v2.1.4 75cb2b7193e4e490e9fbdc236c0e811ccaba3376"'))),
    '2.1.4\n',
  );
  assert.equal(probe(VERSION_PROBES.dockerd(fake('d', 'echo "Docker version 25.0.5, build e63daec"'))), '25.0.5\n');
  assert.equal(probe(VERSION_PROBES.crictl(fake('cr', 'echo "crictl version v1.34.0"'))), '1.34.0\n');
  assert.equal(probe(VERSION_PROBES.criDockerd(fake('cd', 'echo "cri-dockerd 0.3.21 (c9d1b5e)" >&2'))), '0.3.21\n');
  assert.equal(probe(VERSION_PROBES.containerd(path.join(dir, 'absent'))), '');
});

test('config.toml policy "": written when absent or still kk\'s; a hand-edited file is kept until a reinstall; override replaces it', () => {
  const dir = tempDir('kk-owned-');
  const file = path.join(dir, 'etc', 'containerd', 'config.toml');
  const marker = path.join(dir, 'etc', 'containerd', '.marker');
  const flag = path.join(dir, 'etc', 'containerd', '.kk-reinstalled');
  const write = (content: string, policy: '' | 'override' = '', mode = 0o644) =>
    run(ownedFileScript({ path: file, content, mode, marker, reinstalled: flag, key: 'cri.containerd.config_policy', policy }));
  const bak = () => readdirSync(path.dirname(file)).filter((f) => f.endsWith('.kk-bak'));

  assert.equal(write('v1\n').status, 0);
  assert.equal(readFileSync(file, 'utf8'), 'v1\n');
  assert.equal(write('v1\n').status, UNCHANGED, 'converged: nothing to do');
  const upd = write('v2\n');
  assert.equal(upd.status, 0, "still kk's file: a changed config reaches the node");
  assert.match(upd.stdout, /updated/);
  assert.deepEqual(bak(), [], "kk's own previous file needs no backup");

  writeFileSync(file, 'edited by hand\n');
  const kept = write('v3\n');
  assert.equal(kept.status, UNCHANGED);
  assert.match(kept.stderr, /kept: it was changed on this node after kk wrote it.*cri\.containerd\.config_policy: override replaces it/);
  assert.equal(readFileSync(file, 'utf8'), 'edited by hand\n');

  writeFileSync(flag, '');
  const re = write('v3\n');
  assert.equal(re.status, 0, 'after a (re)install the file is rewritten, as KubeKey does');
  assert.equal(readFileSync(file, 'utf8'), 'v3\n');
  assert.ok(!existsSync(flag));
  assert.equal(bak().length, 1);
  assert.equal(readFileSync(path.join(path.dirname(file), bak()[0]!), 'utf8'), 'edited by hand\n');

  writeFileSync(file, 'edited again\n');
  assert.equal(write('v3\n', 'override').status, 0);
  assert.equal(readFileSync(file, 'utf8'), 'v3\n');
  assert.equal(write('v3\n', 'override', 0o600).status, 0, 'a mode change alone is a change');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(write('v3\n', 'override', 0o600).status, UNCHANGED);
});

test("daemon.json policy merge: kk's keys laid onto the node's file (python3), keys only the node has kept; idempotent", (t) => {
  if (spawnSync('python3', ['--version']).status !== 0) {
    t.skip('python3 is not on this machine');
    return;
  }
  const dir = tempDir('kk-merge-');
  const file = path.join(dir, 'daemon.json');
  writeFileSync(file, JSON.stringify({ debug: true, 'log-opts': { compress: 'true', 'max-size': '100m' }, 'live-restore': false }));
  const kk = `${JSON.stringify({ 'log-opts': { 'max-size': '5m', 'max-file': '3' }, 'live-restore': true, 'exec-opts': ['native.cgroupdriver=systemd'], name: 'ü' }, null, 2)}\n`;
  const spec = ownedFileScript({
    path: file,
    content: kk,
    mode: 0o644,
    marker: path.join(dir, '.m'),
    reinstalled: path.join(dir, '.r'),
    key: 'cri.docker.daemon_policy',
    policy: 'merge',
    jsonMerge: true,
  });
  const first = run(spec);
  assert.equal(first.status, 0, first.stderr);
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), {
    debug: true,
    'log-opts': { compress: 'true', 'max-size': '5m', 'max-file': '3' },
    'live-restore': true,
    'exec-opts': ['native.cgroupdriver=systemd'],
    name: 'ü',
  });
  assert.equal(run(spec).status, UNCHANGED, 'a merged file merges to itself');
  // Without a node file the result is exactly kk's text.
  const fresh = path.join(dir, 'fresh.json');
  assert.equal(
    run(
      ownedFileScript({
        path: fresh,
        content: kk,
        mode: 0o644,
        marker: path.join(dir, '.m2'),
        reinstalled: path.join(dir, '.r2'),
        key: 'k',
        policy: 'merge',
        jsonMerge: true,
      }),
    ).status,
    0,
  );
  assert.equal(readFileSync(fresh, 'utf8'), kk);
});

test('certs.d pruning: registries kk wrote and the config dropped are removed; directories kk did not write are kept', () => {
  const dir = tempDir('kk-certsd-');
  for (const h of ['a.example.com', 'b.example.com:5000', 'theirs.example.com']) mkdirSync(path.join(dir, h));
  assert.equal(run(script(pruneRegistriesScript(dir, ['b.example.com:5000', 'a.example.com']))).status, UNCHANGED);
  assert.equal(readFileSync(path.join(dir, '.kk-registries'), 'utf8'), 'a.example.com\nb.example.com:5000\n');
  const pruned = run(script(pruneRegistriesScript(dir, ['a.example.com'])));
  assert.equal(pruned.status, 0);
  assert.match(pruned.stdout, /removed .*b\.example\.com:5000 \(no longer in the config\)/);
  assert.deepEqual(readdirSync(dir).sort(), ['.kk-registries', 'a.example.com', 'theirs.example.com']);
  assert.equal(run(script(pruneRegistriesScript(dir, ['a.example.com']))).status, UNCHANGED);
  assert.equal(run(script(pruneRegistriesScript(dir, []))).status, 0);
  assert.deepEqual(readdirSync(dir).sort(), ['.kk-registries', 'theirs.example.com']);
  const empty = tempDir('kk-certsd-none-');
  assert.equal(run(script(pruneRegistriesScript(path.join(empty, 'certs.d'), []))).status, UNCHANGED);
  assert.ok(!existsSync(path.join(empty, 'certs.d')), 'nothing to configure: no directory made');
});

test('registries(): an auths entry overrides what the cluster registry settings say for the same host', () => {
  const inp = inputs(
    '  image_registry: {type: harbor}\n  cri: {registry: {auths: [{registry: "10.0.0.9", username: robot, password: s3cret, skip_tls_verify: true}]}}\n',
    INV_REGISTRY,
  );
  const r = registries(inp, inp.model.hosts[0]!.vars).find((x) => x.host === '10.0.0.9')!;
  assert.deepEqual(
    [r.auth, r.skipVerify, r.ca, r.from],
    [{ username: 'robot', password: 's3cret' }, true, ROOT_CA, ['image_registry.auth', 'cri.registry.auths[0]']],
  );
  assert.equal(CONTAINERD_CONFIG, '/etc/containerd/config.toml');
});
