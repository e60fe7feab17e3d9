import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { UserError } from '../../../../shared/errors';
import type { CommandSpec } from '../../../../coordinator/phases/executor';
import type { ExecCommand, FetchCommand, ServiceCommand, WriteFileCommand } from '../../../../shared/commands/codec';
import { stepInputs, type StepInputs } from '../../../../coordinator/phases/install/inputs';
import type { StepTask } from '../../../../coordinator/phases/install/step';
import {
  HARBOR_REFUSAL,
  KEEPALIVED_CHECK,
  REGISTRY_BIN,
  REGISTRY_CONFIG,
  REGISTRY_HTPASSWD,
  REGISTRY_SSL,
  REGISTRY_UNIT,
  htpasswdScript,
  keepalivedConfScript,
  registryBinaryScript,
  registryGateScript,
  registryStep,
} from '../../../../coordinator/phases/install/steps/registry';
import type { ResolvedArtifact } from '../../../../coordinator/init/artifacts/cache';
import { model, tempDir } from '../helpers';
import { selfSignedEc } from '../../../lib/openssl';

const UNCHANGED = 80;
const ARCHIVE = '/opt/kubekey/artifacts/docker-registry/docker-registry-2.8.3-linux-amd64.tgz';

function inventory(registryHosts: string[]): string {
  return `apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
metadata: {name: default}
spec:
  hosts:
    node1: {internal_ipv4: 10.0.0.1}
    reg1: {internal_ipv4: 10.0.1.11}
    reg2: {internal_ipv4: 10.0.1.12}
  groups:
    kube_control_plane: {hosts: [node1]}
    kube_worker: {hosts: [node1]}
    k8s_cluster: {groups: [kube_control_plane, kube_worker]}
    etcd: {hosts: [node1]}
    image_registry: {hosts: [${registryHosts.join(', ')}]}
`;
}

const PKI = { 'root.crt': 'ROOT CA PEM\n', 'image_registry.crt': 'REGISTRY CERT PEM\n', 'image_registry.key': 'REGISTRY KEY PEM\n' };

function artifact(version: string): ResolvedArtifact {
  const file = `docker-registry-${version}-linux-amd64.tgz`;
  return {
    id: `docker-registry/${version}/amd64`,
    name: 'docker-registry',
    kind: 'image-archive',
    arch: 'amd64',
    version,
    base: 'binary_dir',
    dest: `image-registry/docker-registry/${version}/amd64/${file}`,
    sha256: 'ab'.repeat(32),
    size: 1,
    url: 'https://example/x',
    verified: 'first-download',
  };
}

/** StepInputs for a registry config (`spec` lines under image_registry:) on the given registry hosts. */
function inputs(registryLines: string[], registryHosts = ['reg1']): StepInputs {
  const pkiDir = tempDir('kk-pki-');
  for (const [f, text] of Object.entries(PKI)) writeFileSync(path.join(pkiDir, f), text);
  const spec = `  image_registry:\n${registryLines.map((l) => `    ${l}\n`).join('')}`;
  return stepInputs({ model: model(spec, inventory(registryHosts)), resolved: [artifact('2.8.3')], pkiDir, arches: ['amd64'], param: (_k, make) => make() });
}

/** A task whose spec is read without narrowing the union first (a missing part is undefined). */
type Loose = Omit<StepTask, 'spec'> & { spec: { exec?: ExecCommand; writeFile?: WriteFileCommand; fetch?: FetchCommand; service?: ServiceCommand } };
const loose = (t: StepTask): Loose => t as Loose;
const byName = (tasks: StepTask[], name: string): Loose => {
  const t = tasks.find((x) => x.task === name);
  assert.ok(t, `task ${name} in ${tasks.map((x) => x.task).join(', ')}`);
  return loose(t);
};
const fileOf = (tasks: StepTask[], name: string) => {
  const w = byName(tasks, name).spec.writeFile;
  assert.ok(w, `${name} writes a file`);
  return w;
};
const scriptOf = (t: StepTask | Loose): string => loose(t as StepTask).spec.exec?.script ?? assert.fail(`${t.task} is not a script`);
const configOf = (tasks: StepTask[]) => YAML.parse(fileOf(tasks, 'write config.yml').text ?? '') as Record<string, Record<string, unknown>>;

test('hosts: the image_registry group for docker-registry and harbor; none when the type is empty or the group is', () => {
  assert.deepEqual(registryStep.hosts(inputs(['type: docker-registry'], ['reg1', 'reg2']).model), ['reg1', 'reg2']);
  assert.deepEqual(registryStep.hosts(inputs(['type: harbor']).model), ['reg1']);
  assert.deepEqual(registryStep.hosts(inputs(['type: ""']).model), []);
  assert.deepEqual(registryStep.hosts(model('  image_registry:\n    type: docker-registry\n')), []);
  assert.deepEqual(registryStep.stage(inputs(['type: docker-registry']), ['reg1']), { mode: 'parallel' });
});

test('TLS (the default): archive, binary, user, certificates, config.yml, unit, restart only on change, and the gate', () => {
  const inp = inputs(['type: docker-registry']);
  const tasks = registryStep.plan(inp, 'reg1');
  assert.deepEqual(
    tasks.map((t) => t.task),
    [
      'fetch image archive',
      'install binary',
      'user and data dir',
      'write ca.crt',
      'write server.crt',
      'write server.key',
      'write config.yml',
      'write unit',
      'daemon-reload',
      'enable',
      'restart',
      'start',
    ],
  );
  assert.deepEqual(byName(tasks, 'fetch image archive').spec.fetch, {
    urlPath: `/artifacts/${'ab'.repeat(32)}`,
    sha256: 'ab'.repeat(32),
    dest: ARCHIVE,
    mode: 0o644,
    makeParents: true,
  });
  const install = scriptOf(byName(tasks, 'install binary'));
  assert.match(install, /want='2\.8\.3'/);
  assert.match(install, new RegExp(`bin='${REGISTRY_BIN}'`));
  assert.match(install, new RegExp(`archive='${ARCHIVE}'`));
  assert.match(scriptOf(byName(tasks, 'user and data dir')), /useradd --system --user-group .*docker-registry/);
  assert.match(scriptOf(byName(tasks, 'user and data dir')), /install -d -m 0750 -o docker-registry -g docker-registry '\/var\/lib\/docker-registry\/data'/);

  assert.deepEqual(fileOf(tasks, 'write ca.crt'), { path: `${REGISTRY_SSL}/ca.crt`, text: PKI['root.crt'], mode: 0o644, makeParents: true });
  assert.deepEqual(fileOf(tasks, 'write server.crt'), { path: `${REGISTRY_SSL}/server.crt`, text: PKI['image_registry.crt'], mode: 0o644, makeParents: true });
  assert.deepEqual(fileOf(tasks, 'write server.key'), {
    path: `${REGISTRY_SSL}/server.key`,
    text: PKI['image_registry.key'],
    mode: 0o600,
    makeParents: true,
    owner: 'docker-registry',
    group: 'docker-registry',
  });

  const cfgFile = fileOf(tasks, 'write config.yml');
  assert.equal(cfgFile.path, REGISTRY_CONFIG);
  assert.equal(cfgFile.mode, 0o640);
  assert.equal(cfgFile.owner, 'root');
  assert.equal(cfgFile.group, 'docker-registry');
  const cfg = configOf(tasks);
  assert.equal(cfg.version, 0.1);
  assert.equal(cfg.http!.addr, '0.0.0.0:443');
  assert.deepEqual(cfg.http!.tls, { certificate: `${REGISTRY_SSL}/server.crt`, key: `${REGISTRY_SSL}/server.key` });
  assert.match(String(cfg.http!.secret), /^[0-9a-f]{64}$/);
  assert.deepEqual(cfg.storage!.filesystem, { rootdirectory: '/var/lib/docker-registry/data', maxthreads: 100 });
  assert.deepEqual(cfg.storage!.delete, { enabled: false });
  assert.deepEqual((cfg.storage!.maintenance as Record<string, unknown>).uploadpurging, { enabled: true, age: '168h', interval: '24h', dryrun: false });
  assert.deepEqual(cfg.health!.storagedriver, { enabled: true, interval: '10s', threshold: 3 });
  assert.equal(cfg.auth, undefined, "KubeKey's default password: no authentication, as KubeKey");

  const unit = fileOf(tasks, 'write unit');
  assert.equal(unit.path, REGISTRY_UNIT);
  for (const line of [
    'User=docker-registry',
    'Group=docker-registry',
    'AmbientCapabilities=CAP_NET_BIND_SERVICE',
    'Restart=always',
    `ExecStart=${REGISTRY_BIN} serve ${REGISTRY_CONFIG}`,
    'WantedBy=multi-user.target',
  ]) {
    assert.ok(unit.text!.split('\n').includes(line), line);
  }
  assert.deepEqual(byName(tasks, 'daemon-reload').onlyIfChanged, ['write unit']);
  assert.deepEqual(byName(tasks, 'enable').spec.service?.action, 'enable');
  const restart = byName(tasks, 'restart');
  assert.equal(restart.spec.service?.unit, 'docker-registry.service');
  assert.equal(restart.spec.service?.action, 'restart');
  assert.deepEqual(restart.onlyIfChanged, ['install binary', 'user and data dir', 'write server.crt', 'write server.key', 'write config.yml', 'write unit']);
  assert.equal(byName(tasks, 'start').onlyIfChanged, undefined);

  // The same inputs plan the same commands (a re-run sends identical files: nothing changes).
  assert.deepEqual(registryStep.plan(inp, 'reg1'), tasks);

  const gate = registryStep.gate!(inp, ['reg1'])!;
  assert.equal(gate.host, 'reg1');
  const g = scriptOf(gate.task);
  assert.match(g, /--cacert '\/etc\/docker-registry\/ssl\/ca\.crt'/);
  assert.match(g, /pending=\('reg1=https:\/\/10\.0\.1\.11:443\/v2\/'\)/);
  assert.match(g, /deadline=\$\(\(SECONDS \+ 300\)\)/);
  assert.match(g, /sleep 2/);
  assert.equal(loose(gate.task).spec.exec?.stdin, undefined);
});

test('plain_http: no certificates, http on :80, the gate over http', () => {
  const inp = inputs(['type: docker-registry', 'auth: {plain_http: true}']);
  const tasks = registryStep.plan(inp, 'reg1');
  assert.ok(!tasks.some((t) => t.task.startsWith('write server') || t.task === 'write ca.crt'));
  const cfg = configOf(tasks);
  assert.equal(cfg.http!.addr, '0.0.0.0:80');
  assert.equal(cfg.http!.tls, undefined);
  assert.deepEqual(byName(tasks, 'restart').onlyIfChanged, ['install binary', 'user and data dir', 'write config.yml', 'write unit']);
  const g = scriptOf(registryStep.gate!(inp, ['reg1'])!.task);
  assert.match(g, /pending=\('reg1=http:\/\/10\.0\.1\.11:80\/v2\/'\)/);
  assert.doesNotMatch(g, /--cacert/);
});

test('custom ports and rootdir; otherwise the port auth.registry names', () => {
  const tls = inputs(['type: docker-registry', 'https_port: 8443', 'http_port: 8080', 'docker_registry: {storage: {filesystem: {rootdir: /data/registry}}}']);
  const tasks = registryStep.plan(tls, 'reg1');
  const cfg = configOf(tasks);
  assert.equal(cfg.http!.addr, '0.0.0.0:8443');
  assert.equal((cfg.storage!.filesystem as Record<string, unknown>).rootdirectory, '/data/registry');
  assert.match(scriptOf(byName(tasks, 'user and data dir')), /'\/data\/registry'/);
  assert.match(scriptOf(registryStep.gate!(tls, ['reg1'])!.task), /https:\/\/10\.0\.1\.11:8443\/v2\//);

  const plain = inputs(['type: docker-registry', 'https_port: 8443', 'http_port: 8080', 'auth: {plain_http: true}']);
  assert.equal(configOf(registryStep.plan(plain, 'reg1')).http!.addr, '0.0.0.0:8080');

  const named = inputs(['type: docker-registry', 'auth: {registry: "registry.example.com:5000/library"}']);
  assert.equal(configOf(registryStep.plan(named, 'reg1')).http!.addr, '0.0.0.0:5000');
});

test('storage other than the filesystem, and nfs_mount, are refused', () => {
  assert.throws(
    () => registryStep.plan(inputs(['type: docker-registry', 'docker_registry: {storage: {s3: {bucket: b}}}']), 'reg1'),
    (e: unknown) => e instanceof UserError && /storage\.s3: kk runs docker-registry with filesystem storage only/.test(e.message),
  );
  assert.throws(
    () => registryStep.plan(inputs(['type: docker-registry', 'docker_registry: {storage: {filesystem: {nfs_mount: /x}}}']), 'reg1'),
    (e: unknown) => e instanceof UserError && /nfs_mount: kk does not mount NFS/.test(e.message),
  );
});

test('a password other than the default: htpasswd auth, the password only on stdin, the gate authenticates', () => {
  const inp = inputs(['type: docker-registry', "auth: {username: ops, password: 's3cr\"et'}"]);
  const tasks = registryStep.plan(inp, 'reg1');
  const ht = byName(tasks, 'write htpasswd');
  assert.equal(Buffer.from(ht.spec.exec!.stdin as Uint8Array).toString(), 's3cr"et');
  assert.doesNotMatch(scriptOf(ht), /s3cr/);
  assert.match(scriptOf(ht), /htpasswd -iBc "\$tmp" 'ops'/);
  assert.deepEqual(configOf(tasks).auth, { htpasswd: { realm: 'kk-registry', path: REGISTRY_HTPASSWD } });
  assert.ok(byName(tasks, 'restart').onlyIfChanged!.includes('write htpasswd'));
  const gate = registryStep.gate!(inp, ['reg1'])!;
  assert.equal(Buffer.from(loose(gate.task).spec.exec!.stdin as Uint8Array).toString(), 'user = "ops:s3cr\\"et"\n');
  assert.doesNotMatch(scriptOf(gate.task), /s3cr/);
});

test('ha_vip with two hosts: keepalived MASTER on the first, BACKUP on the second; the gate also asks the VIP', () => {
  const inp = inputs(['type: docker-registry', 'ha_vip: 10.0.1.100'], ['reg1', 'reg2']);
  const first = registryStep.plan(inp, 'reg1');
  const second = registryStep.plan(inp, 'reg2');
  assert.deepEqual(
    first.slice(-6).map((t) => t.task),
    ['install keepalived', 'write check script', 'write keepalived.conf', 'enable keepalived', 'restart keepalived', 'start keepalived'],
  );
  assert.match(scriptOf(byName(first, 'install keepalived')), /apt-get install -y keepalived/);
  assert.match(scriptOf(byName(first, 'install keepalived')), /yum install -y keepalived/);
  assert.deepEqual(byName(first, 'restart keepalived').onlyIfChanged, ['install keepalived', 'write check script', 'write keepalived.conf']);
  const check = fileOf(first, 'write check script');
  assert.equal(check.path, KEEPALIVED_CHECK);
  assert.equal(check.mode, 0o755);
  assert.match(check.text!, /\/dev\/tcp\/127\.0\.0\.1\/443/);

  const conf = (tasks: StepTask[]): string =>
    /<<'KK_KEEPALIVED_CONF'\n([\s\S]*?)\nKK_KEEPALIVED_CONF/.exec(scriptOf(byName(tasks, 'write keepalived.conf')))![1]!;
  const c1 = conf(first);
  const c2 = conf(second);
  assert.match(c1, /vrrp_instance VI_1 \{\n {2}state MASTER\n {2}interface @INTERFACE@\n {2}virtual_router_id 31\n {2}priority 50\n {2}advert_int 1\n/);
  assert.match(c2, /state BACKUP\n/);
  assert.match(c1, /unicast_src_ip 10\.0\.1\.11\n {2}unicast_peer \{\n {4}10\.0\.1\.12\n {2}\}/);
  assert.match(c2, /unicast_src_ip 10\.0\.1\.12\n {2}unicast_peer \{\n {4}10\.0\.1\.11\n {2}\}/);
  assert.match(c1, /virtual_ipaddress \{\n {4}10\.0\.1\.100\n {2}\}/);
  assert.match(c1, /auth_type PASS\n {4}auth_pass [0-9a-f]{8}\n/);
  assert.equal(/auth_pass (\w+)/.exec(c1)![1], /auth_pass (\w+)/.exec(c2)![1], 'both routers share the word');
  assert.match(c1, /vrrp_script chk_registry \{\n {2}script "\/etc\/keepalived\/check-registry\.sh"\n {2}interval 10\n {2}fall 2\n {2}rise 2\n/);
  assert.match(c1, /track_script \{\n {4}chk_registry\n/);

  const g = scriptOf(registryStep.gate!(inp, ['reg1', 'reg2'])!.task);
  assert.match(
    g,
    /pending=\('reg1=https:\/\/10\.0\.1\.11:443\/v2\/' 'reg2=https:\/\/10\.0\.1\.12:443\/v2\/' 'ha_vip 10\.0\.1\.100=https:\/\/10\.0\.1\.100:443\/v2\/'\)/,
  );

  // One registry host: no VRRP partner, so no keepalived (as KubeKey).
  assert.ok(!registryStep.plan(inputs(['type: docker-registry', 'ha_vip: 10.0.1.100']), 'reg1').some((t) => t.task.includes('keepalived')));
});

test('harbor is refused in plan with what to do instead', () => {
  const inp = inputs(['type: harbor']);
  assert.throws(
    () => registryStep.plan(inp, 'reg1'),
    (e: unknown) => e instanceof UserError && e.message === HARBOR_REFUSAL,
  );
  assert.match(HARBOR_REFUSAL, /kk does not install Harbor in this version/);
  assert.match(HARBOR_REFUSAL, /Nothing was installed/);
  assert.match(HARBOR_REFUSAL, /image_registry\.type: docker-registry/);
  assert.match(HARBOR_REFUSAL, /install Harbor yourself, leave image_registry\.type empty and point image_registry\.auth/);
  assert.equal(registryStep.gate!(inp, ['reg1']), null);
});

// ---- the node-side scripts, run for real ----

function run(spec: CommandSpec | string, opts: { path?: string; stdin?: string } = {}): { code: number | null; out: string; err: string } {
  const exec = typeof spec === 'string' ? undefined : (spec as { exec?: ExecCommand }).exec;
  const text = exec ? exec.script! : String(spec);
  const stdin = opts.stdin ?? (exec?.stdin ? Buffer.from(exec.stdin as Uint8Array).toString() : '');
  const r = spawnSync('/bin/bash', ['--noprofile', '--norc', '-c', `set -euo pipefail\nUNCHANGED=${UNCHANGED}\n${text}`], {
    encoding: 'utf8',
    input: stdin,
    env: { PATH: `${opts.path ? `${opts.path}:` : ''}${process.env.PATH}`, LANG: 'C.UTF-8' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const fakeRegistry = (version: string): string => `#!/bin/sh\necho "registry github.com/docker/distribution v${version}"\n`;

/** A layer tar of `files` (path → [content, mode]). */
function layer(dir: string, files: Record<string, [string, number]>): Buffer {
  const stage = tempDir('kk-layer-');
  for (const [f, [text, mode]] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(stage, f)), { recursive: true });
    writeFileSync(path.join(stage, f), text);
    chmodSync(path.join(stage, f), mode);
  }
  const out = path.join(dir, `layer-${Math.random().toString(16).slice(2)}.tar`);
  execFileSync('tar', ['-cf', out, '-C', stage, ...readdirSync(stage)]);
  return readFileSync(out);
}

/**
 * A docker-save archive of a registry image: a base layer, a lower layer with a stale
 * bin/registry, the layer with the real one, and one on top without it.
 */
function imageArchive(layout: 'docker' | 'oci', version: string, opts: { withRegistry?: boolean; reports?: string } = {}): string {
  const work = tempDir('kk-image-');
  const image = path.join(work, 'image');
  mkdirSync(image);
  const layers = [
    layer(work, { 'etc/alpine-release': ['3.18.0\n', 0o644] }),
    layer(work, { 'bin/registry': [fakeRegistry('0.0.1'), 0o755] }),
    ...(opts.withRegistry === false ? [] : [layer(work, { 'bin/registry': [fakeRegistry(opts.reports ?? version), 0o755] })]),
    layer(work, { 'etc/docker/registry/config.yml': ['version: 0.1\n', 0o644] }),
  ];
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: layers.map((l) => `sha256:${sha(l)}`) } }),
  );
  if (layout === 'docker') {
    const names = layers.map((l) => `${sha(l)}/layer.tar`);
    layers.forEach((l, i) => {
      mkdirSync(path.join(image, path.dirname(names[i]!)));
      writeFileSync(path.join(image, names[i]!), l);
    });
    writeFileSync(path.join(image, `${sha(config)}.json`), config);
    writeFileSync(path.join(image, 'manifest.json'), JSON.stringify([{ Config: `${sha(config)}.json`, RepoTags: [`registry:${version}`], Layers: names }]));
  } else {
    const blobs = path.join(image, 'blobs', 'sha256');
    mkdirSync(blobs, { recursive: true });
    const blob = (b: Buffer): string => {
      writeFileSync(path.join(blobs, sha(b)), b);
      return `sha256:${sha(b)}`;
    };
    for (const l of layers) blob(l);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: blob(config), size: config.length },
        layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${sha(l)}`, size: l.length })),
      }),
    );
    // A nested index, as docker with the containerd image store writes: index.json → index → manifest.
    const inner = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: blob(manifest),
            size: manifest.length,
            platform: { architecture: 'amd64', os: 'linux' },
          },
        ],
      }),
    );
    writeFileSync(
      path.join(image, 'index.json'),
      JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: blob(inner), size: inner.length }] }),
    );
    writeFileSync(path.join(image, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  }
  const archive = path.join(work, `docker-registry-${version}-linux-amd64.tgz`);
  execFileSync('tar', ['-czf', archive, '-C', image, ...readdirSync(image)]);
  return archive;
}

const installed = (bin: string): string => execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();

for (const layout of ['docker', 'oci'] as const) {
  test(`binary extraction (${layout === 'docker' ? 'manifest.json' : 'OCI index.json'} layout): installs, then unchanged, then replaced by another version`, () => {
    const bin = path.join(tempDir('kk-bin-'), 'usr/local/bin/docker-registry');
    const first = run(registryBinaryScript({ archive: imageArchive(layout, '2.8.3'), version: '2.8.3', dest: bin, force: false }));
    assert.equal(first.code, 0, first.err);
    assert.equal(installed(bin), 'registry github.com/docker/distribution v2.8.3', 'the top layer holding bin/registry wins');
    assert.equal(statSync(bin).mode & 0o777, 0o755);
    assert.match(first.out, /docker-registry \(none\) -> 2\.8\.3/);

    const again = run(registryBinaryScript({ archive: imageArchive(layout, '2.8.3'), version: 'v2.8.3', dest: bin, force: false }));
    assert.equal(again.code, UNCHANGED, again.err);
    assert.match(again.out, /already installed/);

    const newer = run(registryBinaryScript({ archive: imageArchive(layout, '2.8.4'), version: '2.8.4', dest: bin, force: false }));
    assert.equal(newer.code, 0, newer.err);
    assert.equal(installed(bin), 'registry github.com/docker/distribution v2.8.4');
    assert.match(newer.out, /2\.8\.3 -> 2\.8\.4/);
    assert.deepEqual(readdirSync(path.dirname(bin)), ['docker-registry'], 'no temporary file is left');
  });
}

test('binary extraction: a downgrade needs --force; an archive without the registry, or of another version, changes nothing', () => {
  const bin = path.join(tempDir('kk-bin-'), 'docker-registry');
  assert.equal(run(registryBinaryScript({ archive: imageArchive('docker', '2.8.4'), version: '2.8.4', dest: bin, force: false })).code, 0);
  const down = run(registryBinaryScript({ archive: imageArchive('docker', '2.8.3'), version: '2.8.3', dest: bin, force: false }));
  assert.equal(down.code, 3);
  assert.match(down.err, /refusing to downgrade docker-registry from 2\.8\.4 to 2\.8\.3: pass --force/);
  assert.equal(installed(bin), 'registry github.com/docker/distribution v2.8.4');

  const missing = run(registryBinaryScript({ archive: imageArchive('oci', '2.8.5', { withRegistry: false }), version: '2.8.5', dest: bin, force: false }));
  // The stale lower layer still holds a bin/registry, which reports 0.0.1, so it is refused too.
  assert.equal(missing.code, 1);
  assert.match(missing.err, /reports version '0\.0\.1', not 2\.8\.5/);
  const wrong = run(registryBinaryScript({ archive: imageArchive('docker', '2.8.5', { reports: '2.9.0' }), version: '2.8.5', dest: bin, force: false }));
  assert.equal(wrong.code, 1);
  assert.match(wrong.err, /reports version '2\.9\.0', not 2\.8\.5/);
  assert.equal(installed(bin), 'registry github.com/docker/distribution v2.8.4');
  assert.ok(!existsSync(`${bin}.kk-new`));

  const forced = run(registryBinaryScript({ archive: imageArchive('oci', '2.8.3'), version: '2.8.3', dest: bin, force: true }));
  assert.equal(forced.code, 0, forced.err);
  assert.equal(installed(bin), 'registry github.com/docker/distribution v2.8.3');

  const work = tempDir('kk-image-');
  writeFileSync(path.join(work, 'x.json'), '{}');
  const empty = path.join(work, 'empty.tgz');
  execFileSync('tar', ['-czf', empty, '-C', work, 'x.json']);
  const none = run(registryBinaryScript({ archive: empty, version: '2.8.6', dest: bin, force: true }));
  assert.equal(none.code, 1);
  assert.match(none.err, /no layer of .*empty\.tgz holds bin\/registry/);
});

/** A bin dir with a fake `ip` printing $KK_FAKE_IP_FILE. */
function fakeIp(lines: string): { dir: string; set(lines: string): void } {
  const dir = tempDir('kk-fakebin-');
  const data = path.join(dir, 'addrs');
  writeFileSync(data, lines);
  writeFileSync(path.join(dir, 'ip'), `#!/bin/sh\ncat ${JSON.stringify(data)}\n`);
  chmodSync(path.join(dir, 'ip'), 0o755);
  return { dir, set: (l) => writeFileSync(data, l) };
}

test('keepalived.conf: the VIP on the interface whose subnet holds it (not docker0, not the VIP itself); unchanged on a re-run', () => {
  const conf = registryStep.plan(inputs(['type: docker-registry', 'ha_vip: 10.0.1.100'], ['reg1', 'reg2']), 'reg1');
  const template = /<<'KK_KEEPALIVED_CONF'\n([\s\S]*?)\nKK_KEEPALIVED_CONF/.exec(scriptOf(byName(conf, 'write keepalived.conf')))![1]!;
  const ip = fakeIp(
    [
      '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever',
      '3: docker0    inet 10.0.1.1/24 brd 10.0.1.255 scope global docker0\\       valid_lft forever preferred_lft forever',
      '4: eth0    inet 192.168.7.5/24 brd 192.168.7.255 scope global eth0\\       valid_lft forever preferred_lft forever',
      '5: eth1    inet 10.0.1.11/24 brd 10.0.1.255 scope global eth1\\       valid_lft forever preferred_lft forever',
      '',
    ].join('\n'),
  );
  const dest = path.join(tempDir('kk-keepalived-'), 'etc/keepalived/keepalived.conf');
  const first = run(keepalivedConfScript(`${template}\n`, '10.0.1.100', dest), { path: ip.dir });
  assert.equal(first.code, 0, first.err);
  assert.equal(readFileSync(dest, 'utf8'), `${template.replace('@INTERFACE@', 'eth1')}\n`);
  assert.equal(statSync(dest).mode & 0o777, 0o600);
  assert.match(first.out, /VIP 10\.0\.1\.100 on eth1/);

  // keepalived holds the VIP now (a /32 on eth1): same interface, nothing to change.
  ip.set(
    [
      '5: eth1    inet 10.0.1.11/24 brd 10.0.1.255 scope global eth1\\       valid_lft forever preferred_lft forever',
      '5: eth1    inet 10.0.1.100/32 scope global eth1\\       valid_lft forever preferred_lft forever',
      '',
    ].join('\n'),
  );
  assert.equal(run(keepalivedConfScript(`${template}\n`, '10.0.1.100', dest), { path: ip.dir }).code, UNCHANGED);

  ip.set('4: eth0    inet 192.168.7.5/24 brd 192.168.7.255 scope global eth0\\       valid_lft forever preferred_lft forever\n');
  const none = run(keepalivedConfScript(`${template}\n`, '10.0.1.100', dest), { path: ip.dir });
  assert.equal(none.code, 1);
  assert.match(none.err, /has an IPv4 subnet holding image_registry\.ha_vip 10\.0\.1\.100/);
});

/** A fake curl answering 200 for URLs containing one of `up`, logging its arguments and -K file. */
function fakeCurl(up: string[]): { dir: string; log: string } {
  const dir = tempDir('kk-fakecurl-');
  const log = path.join(dir, 'log');
  writeFileSync(
    path.join(dir, 'curl'),
    `#!/bin/bash
echo "$*" >> ${JSON.stringify(log)}
prev=""; for a in "$@"; do [ "$prev" = -K ] && cat "$a" >> ${JSON.stringify(log)}; prev=$a; done
url=\${!#}
for u in ${up.map((u) => JSON.stringify(u)).join(' ')}; do case "$url" in *"$u"*) printf 200; exit 0 ;; esac; done
echo "curl: (7) Failed to connect to $url" >&2; printf 000; exit 7
`,
  );
  chmodSync(path.join(dir, 'curl'), 0o755);
  return { dir, log };
}

test('gate script: passes once every registry answers 200; otherwise fails naming the host that did not', () => {
  const targets = [
    { name: 'reg1', url: 'https://10.0.1.11:443/v2/' },
    { name: 'reg2', url: 'https://10.0.1.12:443/v2/' },
  ];
  const ok = fakeCurl(['10.0.1.11', '10.0.1.12']);
  const pass = run(registryGateScript(targets, { cacert: '/etc/docker-registry/ssl/ca.crt', auth: false, timeoutS: 2, intervalS: 1 }), { path: ok.dir });
  assert.equal(pass.code, 0, pass.err);
  assert.match(pass.out, /reg2: https:\/\/10\.0\.1\.12:443\/v2\/ answered 200/);
  assert.match(readFileSync(ok.log, 'utf8'), /--cacert \/etc\/docker-registry\/ssl\/ca\.crt/);

  const half = fakeCurl(['10.0.1.11']);
  const started = Date.now();
  const fail = run(registryGateScript(targets, { cacert: null, auth: false, timeoutS: 2, intervalS: 1 }), { path: half.dir });
  assert.equal(fail.code, 1);
  assert.match(
    fail.err,
    /the registry on reg2 did not answer GET https:\/\/10\.0\.1\.12:443\/v2\/ with 200 within 2 s \(last: HTTP 000 curl: \(7\) Failed to connect/,
  );
  assert.doesNotMatch(fail.err, /on reg1/);
  assert.ok(Date.now() - started >= 2000, 'it polls until the deadline');
  const calls = readFileSync(half.log, 'utf8')
    .split('\n')
    .filter((l) => l.includes('10.0.1.11'));
  assert.equal(calls.length, 1, 'a host that answered is not asked again');

  const withAuth = fakeCurl(['10.0.1.11', '10.0.1.12']);
  const authed = run(registryGateScript(targets, { cacert: null, auth: true, timeoutS: 2, intervalS: 1 }), { path: withAuth.dir, stdin: 'user = "ops:pw"\n' });
  assert.equal(authed.code, 0, authed.err);
  assert.match(readFileSync(withAuth.log, 'utf8'), /user = "ops:pw"/);
});

const haveHtpasswd = spawnSync('sh', ['-c', 'command -v htpasswd'], { encoding: 'utf8' }).status === 0;
const isRoot = process.getuid?.() === 0;

test(
  'htpasswd script: writes a bcrypt entry from stdin, unchanged while it verifies, rewritten for a new password',
  { skip: !(haveHtpasswd && isRoot) && 'needs htpasswd and root' },
  () => {
    const file = path.join(tempDir('kk-htpasswd-'), 'htpasswd');
    const s = htpasswdScript(file, 'ops', 'root');
    const first = run(s, { stdin: 'pw-one' });
    assert.equal(first.code, 0, first.err);
    assert.match(readFileSync(file, 'utf8'), /^ops:\$2y\$/);
    assert.equal(statSync(file).mode & 0o777, 0o640);
    assert.equal(run(s, { stdin: 'pw-one' }).code, UNCHANGED);
    assert.equal(run(s, { stdin: 'pw-two' }).code, 0);
    assert.equal(run(s, { stdin: 'pw-two' }).code, UNCHANGED);
  },
);

test('a registry certificate that does not name the host is refused before anything is installed', () => {
  const make = (sans: string): StepInputs => {
    const pkiDir = tempDir('kk-pki-');
    selfSignedEc({
      key: path.join(pkiDir, 'image_registry.key'),
      cert: path.join(pkiDir, 'image_registry.crt'),
      subject: '/CN=image_registry',
      extraArgs: ['-addext', `subjectAltName=${sans}`],
    });
    writeFileSync(path.join(pkiDir, 'root.crt'), 'ROOT\n');
    return stepInputs({
      model: model('  image_registry:\n    type: docker-registry\n', inventory(['reg1'])),
      resolved: [artifact('2.8.3')],
      pkiDir,
      arches: ['amd64'],
      param: (_k, make) => make(),
    });
  };
  assert.throws(
    () => registryStep.plan(make('IP:10.0.1.99'), 'reg1'),
    /the image registry certificate \(pki\/image_registry\.crt\) does not name 10\.0\.1\.11/,
  );
  assert.ok(registryStep.plan(make('IP:10.0.1.11'), 'reg1').length > 0, 'a certificate naming the host is used');
});
