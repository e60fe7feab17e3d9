// The offline bundle: built from a downloaded plan and a pulled image, then imported into a clean
// work dir with the mirror and the registry stopped; a flipped byte, a tampered entry and a
// missing entry are each caught and named, and nothing is imported from a bad bundle.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, existsSync, readdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { TestMirror, fakeUpstream, throwawayCa, sha256, type FakeUpstream, type Throwaway } from '../../unit/init/artifact-mirror';
import { registryInstalled, startRegistry, type RunningRegistry } from './registry';
import { downloadPlan } from '../../../coordinator/init/artifacts/download';
import { exportBundle } from '../../../coordinator/init/artifacts/bundle-export';
import { importBundle } from '../../../coordinator/init/artifacts/bundle-import';
import { writeTarGz } from '../../../coordinator/init/artifacts/tar-writer';
import { readResolved } from '../../../coordinator/init/artifacts/cache';
import type { BundleManifest } from '../../../coordinator/init/artifacts/bundle-manifest';
import { pullImage, pushImage } from '../../../coordinator/init/images/copy';
import { ensureLayout, writeBlob, tagImage, findImage, readBlob } from '../../../coordinator/init/images/oci-layout';
import { MEDIA } from '../../../coordinator/init/images/registry-client';
import { parseReference } from '../../../coordinator/init/images/reference';
import type { ArtifactPlan } from '../../../coordinator/init/artifacts/types';

let tlsMaterial: Throwaway;
let mirror: TestMirror;
let registry: RunningRegistry;
let up: FakeUpstream;
let bundle: string;
let exported: { sha256: string; md5: string };
let imageRef: string;
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'kk-bundle-'));
  dirs.push(d);
  return d;
};
const cleanPlan = (workDir: string): ArtifactPlan => ({
  ...up.plan,
  workDir,
  binaryDir: path.join(workDir, 'kubekey'),
  artifactDir: path.join(workDir, 'artifact'),
});
const dirsOf = (p: ArtifactPlan) => ({ binaryDir: p.binaryDir, workDir: p.workDir, artifactDir: p.artifactDir });

before(async () => {
  assert.ok(registryInstalled(), 'docker-registry is not installed: run `make setup` (it is in APT_PACKAGES)');
  tlsMaterial = throwawayCa();
  mirror = new TestMirror(tlsMaterial);
  await mirror.start();
  registry = await startRegistry();
  // A one-layer image in the "upstream" registry.
  const seed = tmp();
  ensureLayout(seed);
  const layer = Buffer.from('not really a tarball, but a blob all the same\n');
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [`sha256:${sha256(layer)}`] } }));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA.ociManifest,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: writeBlob(seed, config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: writeBlob(seed, layer), size: layer.length }],
    }),
  );
  tagImage(seed, { mediaType: MEDIA.ociManifest, digest: writeBlob(seed, manifest), size: manifest.length }, 'seed/pause:3.10', '3.10');
  imageRef = `${registry.host}/kubernetes/pause:3.10`;
  await pushImage(seed, 'seed/pause:3.10', parseReference(imageRef), { host: registry.host, plainHttp: true });

  // Online side: download the plan, pull the image, export.
  up = fakeUpstream(mirror, { workDir: tmp() });
  const out = await downloadPlan(up.plan, { ca: [tlsMaterial.caPem], backoffMs: 10 });
  const layout = path.join(up.plan.artifactDir, 'images');
  const pulled = await pullImage(imageRef, layout, { platforms: ['linux/amd64'], endpoint: () => ({ plainHttp: true }) });
  bundle = path.join(tmp(), 'kk-artifact.tgz');
  const res = await exportBundle({ plan: up.plan, resolved: out.resolved, artifactDir: up.plan.artifactDir, imageLayout: layout, images: [pulled] }, bundle);
  exported = { sha256: res.sha256, md5: res.md5 };
  assert.equal(res.sha256, sha256(readFileSync(bundle)), "the reported sha256 is the file's");
  // From here on there is no network: the mirror and the registry are gone.
  await mirror.stop();
  await registry.stop();
});

after(async () => {
  await mirror?.stop();
  await registry?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('a bundle imports on a clean work dir with the network off, and a download run afterwards asks for nothing', async () => {
  const plan = cleanPlan(tmp());
  const res = await importBundle(bundle, { ...dirsOf(plan), expectSha256: exported.sha256, expectMd5: exported.md5 });
  assert.equal(res.resolved.length, up.plan.artifacts.length);
  for (const a of up.plan.artifacts) {
    assert.ok(readFileSync(path.join(plan.binaryDir, a.dest)).equals(up.bodies.get(a.id)!), `${a.dest} came out of the bundle intact`);
  }
  assert.equal(res.images, 1);
  const img = findImage(res.imageLayout, imageRef);
  assert.ok(img, 'the image is named in the imported OCI layout');
  assert.ok(readBlob(res.imageLayout, img.digest).length > 0);
  assert.equal(readResolved(plan.artifactDir).length, up.plan.artifacts.length);

  mirror.requests.length = 0;
  const again = await downloadPlan(plan, { ca: [tlsMaterial.caPem], attempts: 1 });
  assert.equal(again.downloaded, 0, 'every file (and its checksum) came from the bundle');
  assert.deepEqual(mirror.requests, []);
});

test('artifact_sha256 / artifact_md5 that do not match the file stop the import (precheck artifact.file)', async () => {
  const plan = cleanPlan(tmp());
  await assert.rejects(
    importBundle(bundle, { ...dirsOf(plan), expectSha256: '0'.repeat(64) }),
    /sha256 of .*kk-artifact\.tgz is [0-9a-f]{64}, download\.artifact_sha256 says 0{64}/,
  );
  await assert.rejects(importBundle(bundle, { ...dirsOf(plan), expectMd5: 'f'.repeat(32) }), /download\.artifact_md5 says f{32}/);
  assert.equal(existsSync(path.join(plan.artifactDir, 'artifacts.json')), false);
});

test('one flipped byte in the bundle is caught and the damaged entry named; nothing is imported', async () => {
  const kubelet = up.plan.artifacts.find((a) => a.name === 'kubelet')!;
  const body = up.bodies.get(kubelet.id)!;
  const bytes = readFileSync(bundle);
  // Random bytes do not compress: gzip stores them, so the file's bytes appear as they are.
  const at = bytes.indexOf(body.subarray(30_000, 30_064));
  assert.ok(at > 0, 'found the kubelet bytes inside the tgz');
  bytes[at + 10] = bytes[at + 10]! ^ 0x01;
  const bad = path.join(tmp(), 'flipped.tgz');
  writeFileSync(bad, bytes);
  const plan = cleanPlan(tmp());
  await assert.rejects(importBundle(bad, dirsOf(plan)), (err: Error) => {
    assert.match(err.message, /failed verification; nothing was imported/);
    assert.ok(err.message.includes(`kubekey/${kubelet.dest}`), `names the damaged entry: ${err.message}`);
    return true;
  });
  assert.equal(existsSync(path.join(plan.binaryDir, kubelet.dest)), false);
  assert.equal(existsSync(path.join(plan.artifactDir, 'artifacts.json')), false);
  assert.deepEqual(readdirNames(plan.artifactDir), [], 'the staging directory is gone');
});

test('a re-packed bundle with one file changed or one file left out names that file', async () => {
  const ex = tmp();
  await tar.x({ file: bundle, cwd: ex });
  const manifest = JSON.parse(readFileSync(path.join(ex, 'kk-bundle.json'), 'utf8')) as BundleManifest;
  const entry = (p: string) => ({ name: p, size: readFileSync(path.join(ex, p)).length, source: path.join(ex, p) });
  const repack = async (file: string, paths: string[]) => {
    const m = Buffer.from(JSON.stringify(manifest));
    await writeTarGz([{ name: 'kk-bundle.json', size: m.length, source: m }, ...paths.map(entry)], createWriteStream(file));
  };
  const all = manifest.entries.map((e) => e.path);
  const etcd = all.find((p) => p.includes('etcd-v3.5.21'))!;
  const helm = all.find((p) => p.includes('helm-v3'))!;

  const missing = path.join(tmp(), 'missing.tgz');
  await repack(
    missing,
    all.filter((p) => p !== etcd),
  );
  await assert.rejects(importBundle(missing, dirsOf(cleanPlan(tmp()))), new RegExp(`${etcd.replace(/\./g, '\\.')}: missing from the bundle`));

  const changed = path.join(tmp(), 'changed.tgz');
  const helmFile = path.join(ex, helm);
  const evil = Buffer.from(readFileSync(helmFile));
  evil[0] = evil[0]! ^ 0xff;
  writeFileSync(helmFile, evil);
  await repack(changed, all);
  await assert.rejects(importBundle(changed, dirsOf(cleanPlan(tmp()))), (err: Error) => {
    assert.ok(err.message.includes(`${helm}: tampered — its sha256 is ${sha256(evil)}`), err.message);
    assert.ok(err.message.includes(manifest.entries.find((e) => e.path === helm)!.sha256));
    return true;
  });

  const notKk = path.join(tmp(), 'other.tgz');
  mkdirSync(path.join(ex, 'x'), { recursive: true });
  await tar.c({ gzip: true, file: notKk, cwd: ex }, [helm]);
  await assert.rejects(importBundle(notKk, dirsOf(cleanPlan(tmp()))), /not a kk bundle/);
  const junk = path.join(tmp(), 'junk.tgz');
  writeFileSync(junk, 'this is not gzip at all\n');
  await assert.rejects(importBundle(junk, dirsOf(cleanPlan(tmp()))), /junk\.tgz is not a gzip'd tar \(incorrect header check\): not a kk bundle/);
});

function readdirNames(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}
