// `artifact download / export / import` end to end on the real plan of a config: a local HTTPS
// mirror (download.base_url) serves small fake files at every real upstream path with checksum
// files in each upstream's format; the bundle is exported, the mirror stopped, and the bundle
// imported into a clean work dir with artifact_sha256 checked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { TestMirror, sha256, sha512, throwawayCa, type Throwaway } from '../../unit/init/artifact-mirror';
import { artifactCommand, loadModel } from '../../../coordinator/cli/commands/artifact';
import { planArtifacts } from '../../../coordinator/init/artifacts/plan';
import { TestCoordinator } from '../lib/coordinator';
import type { ArtifactPlan } from '../../../coordinator/init/artifacts/types';

let tlsMaterial: Throwaway;
let mirror: TestMirror;
let dir: string;
const bodies = new Map<string, Buffer>();

const config = (workDir: string, extra = '') => `apiVersion: kubekey.kubesphere.io/v1
kind: Config
spec:
  work_dir: ${workDir}
  kubernetes:
    kube_version: v1.33.1
  download:
    arch: [amd64, arm64]
    base_url: ${mirror.url}/mirror
    tools: {oras_version: v1.3.0, nerdctl_version: v2.2.1}
${extra}`;

async function run(...args: string[]): Promise<string> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  }) as typeof process.stdout.write;
  try {
    await artifactCommand().exitOverride().parseAsync(args, { from: 'user' });
  } finally {
    process.stdout.write = write;
  }
  return chunks.join('');
}

/** Serves every file of the plan, and its checksum file in the format the plan expects. */
function serve(plan: ArtifactPlan): void {
  const local = (url: string) => new URL(url).pathname;
  const lists = new Map<string, string[]>();
  for (const a of plan.artifacts) {
    const body = randomBytes(4096 + Math.floor(Math.random() * 4096));
    bodies.set(a.id, body);
    mirror.files.set(local(a.url), body);
    const c = a.checksum;
    if (!c?.url) continue;
    const sum = c.algorithm === 'sha512' ? sha512(body) : sha256(body);
    if (c.format === 'list') {
      const lines = lists.get(c.url) ?? [`${sha256(randomBytes(8))}  decoy-file.tar.gz`];
      lines.push(`${sum}  ${c.entry}`);
      lists.set(c.url, lines);
    } else mirror.files.set(local(c.url), Buffer.from(`${sum}  ${path.basename(a.dest)}\n`));
  }
  for (const [url, lines] of lists) mirror.files.set(local(url), Buffer.from(lines.join('\n') + '\n'));
}

before(async () => {
  tlsMaterial = throwawayCa();
  mirror = new TestMirror(tlsMaterial);
  await mirror.start();
  dir = mkdtempSync(path.join(os.tmpdir(), 'kk-art-cli-'));
  writeFileSync(path.join(dir, 'ca.pem'), tlsMaterial.caPem);
});

after(async () => {
  await mirror.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('export builds a bundle of the whole plan for two arches; import restores it offline with artifact_sha256 checked', async () => {
  const online = path.join(dir, 'online');
  writeFileSync(path.join(dir, 'online.yaml'), config(online));
  const plan = planArtifacts(loadModel(path.join(dir, 'online.yaml')), { cwd: dir });
  assert.ok(plan.artifacts.some((a) => a.arch === 'arm64') && plan.artifacts.some((a) => a.base === 'work_dir'));
  serve(plan);

  const bundle = path.join(dir, 'kk-artifact.tgz');
  const out = await run('export', '-c', path.join(dir, 'online.yaml'), '-o', bundle, '--no-images', '--ca-file', path.join(dir, 'ca.pem'));
  const sum = /sha256 ([0-9a-f]{64})/.exec(out)?.[1];
  assert.equal(sum, sha256(readFileSync(bundle)), `export prints the bundle's sha256: ${out}`);
  for (const a of plan.artifacts) {
    const file = path.join(a.base === 'work_dir' ? plan.workDir : plan.binaryDir, a.dest);
    assert.ok(readFileSync(file).equals(bodies.get(a.id)!), `${a.id} downloaded to ${file}`);
  }

  // A second export downloads nothing (every body request is counted).
  const bodyPaths = new Set(plan.artifacts.map((a) => new URL(a.url).pathname));
  mirror.requests.length = 0;
  await run('download', '-c', path.join(dir, 'online.yaml'), '--ca-file', path.join(dir, 'ca.pem'));
  assert.equal(mirror.requests.filter((r) => bodyPaths.has(r.path)).length, 0);

  await mirror.stop();
  const offline = path.join(dir, 'offline');
  writeFileSync(path.join(dir, 'offline.yaml'), config(offline, `    artifact_file: ${bundle}\n    artifact_sha256: "${sum}"\n`));
  const imported = await run('import', bundle, '-c', path.join(dir, 'offline.yaml'));
  assert.match(imported, new RegExp(`${plan.artifacts.length} files under ${path.join(offline, 'kubekey')}`));
  for (const a of plan.artifacts) {
    const file = path.join(a.base === 'work_dir' ? offline : path.join(offline, 'kubekey'), a.dest);
    assert.ok(readFileSync(file).equals(bodies.get(a.id)!), `${a.id} restored at ${file}`);
  }

  writeFileSync(path.join(dir, 'wrong.yaml'), config(path.join(dir, 'wrong'), `    artifact_sha256: "${'1'.repeat(64)}"\n`));
  await assert.rejects(run('import', bundle, '-c', path.join(dir, 'wrong.yaml')), /download\.artifact_sha256 says 1{64}/);
  assert.equal(existsSync(path.join(dir, 'wrong', 'kubekey')), false);
});

test('create cluster --artifact: init takes every file from the bundle, offline, and a tampered bundle stops the run naming the entry', async () => {
  const bundle = path.join(dir, 'kk-artifact.tgz');
  assert.ok(existsSync(bundle), 'the bundle from the export test');
  const coord = new TestCoordinator();
  await coord.start();
  try {
    const work = path.join(dir, 'from-bundle');
    writeFileSync(path.join(dir, 'cluster.yaml'), config(work));
    writeFileSync(
      path.join(dir, 'inventory.yaml'),
      'apiVersion: kubekey.kubesphere.io/v1\nkind: Inventory\nspec:\n  hosts:\n    node1: { internal_ipv4: 10.0.0.1 }\n  groups:\n    kube_control_plane: { hosts: [node1] }\n    k8s_cluster: { groups: [kube_control_plane] }\n    etcd: { hosts: [node1] }\n',
    );
    // The mirror is stopped: anything not in the bundle would have to be downloaded, and fail.
    const ok = await coord.cli([
      'create',
      'cluster',
      '-y',
      '--phases',
      'init',
      '-i',
      path.join(dir, 'inventory.yaml'),
      '-c',
      path.join(dir, 'cluster.yaml'),
      '--artifact',
      bundle,
    ]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /every entry verified/);
    const plan = planArtifacts(loadModel(path.join(dir, 'cluster.yaml')), { cwd: dir });
    for (const a of plan.artifacts) {
      const file = path.join(a.base === 'work_dir' ? work : path.join(work, 'kubekey'), a.dest);
      assert.ok(readFileSync(file).equals(bodies.get(a.id)!), `${a.id} placed from the bundle`);
    }
    // One flipped byte deep inside the bundle: the run fails and says which entry.
    const tampered = path.join(dir, 'tampered.tgz');
    const bytes = readFileSync(bundle);
    const at = Math.floor(bytes.length * 0.6);
    bytes[at] = (bytes[at] ?? 0) ^ 0xff;
    writeFileSync(tampered, bytes);
    const bad = await coord.cli([
      'create',
      'cluster',
      '-y',
      '--phases',
      'init',
      '-i',
      path.join(dir, 'inventory.yaml'),
      '-c',
      path.join(dir, 'cluster.yaml'),
      '--artifact',
      tampered,
    ]);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /offline bundle .*tampered\.tgz/);
  } finally {
    await coord.stop();
    coord.cleanup();
  }
});
