// Images round-trip through Debian's real docker-registry: a generated two-platform image is pushed
// to a plain-HTTP "upstream", pulled into an OCI layout for one platform, pushed to a TLS registry
// with token auth, and pulled back byte-identical.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { throwawayCa, type Throwaway } from '../../unit/init/artifact-mirror';
import { registryInstalled, startRegistry, startTokenService, type RunningRegistry, type TokenService } from './registry';
import { ensureLayout, readIndex, tagImage, writeBlob, blobPath, findImage } from '../../../coordinator/init/images/oci-layout';
import { pullImage, pushImage } from '../../../coordinator/init/images/copy';
import { MEDIA, sha256Digest, RegistryClient } from '../../../coordinator/init/images/registry-client';
import { parseReference } from '../../../coordinator/init/images/reference';

let tlsMaterial: Throwaway;
let upstream: RunningRegistry;
let target: RunningRegistry;
let tokens: TokenService;
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'kk-img-'));
  dirs.push(d);
  return d;
};

/** A real image: one gzip layer holding a file, a config naming its diff_id, per platform; plus an index. */
function buildImage(dir: string): { ref: string; layers: Map<string, string> } {
  ensureLayout(dir);
  const layers = new Map<string, string>();
  const children = [];
  for (const arch of ['amd64', 'arm64']) {
    const src = tmp();
    writeFileSync(path.join(src, 'hello.txt'), `hello from ${arch}\n`);
    tar.c({ cwd: src, sync: true, file: path.join(src, 'layer.tar'), portable: true }, ['hello.txt']);
    const raw = readFileSync(path.join(src, 'layer.tar'));
    const gz = gzipSync(raw);
    const layerDigest = writeBlob(dir, gz);
    layers.set(arch, layerDigest);
    const config = Buffer.from(JSON.stringify({ architecture: arch, os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256Digest(raw)] }, config: {} }));
    const configDigest = writeBlob(dir, config);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA.ociManifest,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: gz.length }],
      }),
    );
    children.push({ mediaType: MEDIA.ociManifest, digest: writeBlob(dir, manifest), size: manifest.length, platform: { os: 'linux', architecture: arch } });
  }
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: children }));
  const ref = 'build.local/kk-test/hello:v1';
  tagImage(dir, { mediaType: MEDIA.ociIndex, digest: writeBlob(dir, index), size: index.length }, ref, 'v1');
  return { ref, layers };
}

before(async () => {
  assert.ok(registryInstalled(), 'docker-registry is not installed: run `make setup` (it is in APT_PACKAGES)');
  tlsMaterial = throwawayCa();
  upstream = await startRegistry();
  tokens = await startTokenService(tlsMaterial, tmp());
  target = await startRegistry({ tls: tlsMaterial, token: tokens });
});

after(async () => {
  await upstream?.stop();
  await target?.stop();
  await tokens?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('an image goes upstream → OCI layout (one platform) → TLS registry with token auth → back, unchanged', async () => {
  const built = tmp();
  const { ref, layers } = buildImage(built);
  const upstreamRef = `${upstream.host}/kk-test/hello:v1`;
  const seeded = await pushImage(built, ref, parseReference(upstreamRef), { host: upstream.host, plainHttp: true });
  assert.equal(seeded.blobsPushed, 4, 'two layers and two configs');

  // Every platform: the upstream index is kept byte for byte (same digest).
  const full = tmp();
  const all = await pullImage(upstreamRef, full, { platforms: ['linux/amd64', 'linux/arm64'], endpoint: () => ({ plainHttp: true }) });
  assert.equal(all.digest, seeded.digest);

  // One platform: only its blobs, under a new index of what was pulled.
  const layout = tmp();
  const pulled = await pullImage(upstreamRef, layout, { platforms: ['linux/amd64'], endpoint: () => ({ plainHttp: true }) });
  assert.deepEqual(pulled.platforms, ['linux/amd64']);
  assert.notEqual(pulled.digest, seeded.digest);
  assert.ok(readFileSync(blobPath(layout, layers.get('amd64')!)).length > 0);
  assert.throws(() => readFileSync(blobPath(layout, layers.get('arm64')!)), /ENOENT/, 'the arm64 layer was not fetched');
  assert.equal(readIndex(layout).manifests[0]!.annotations!['io.containerd.image.name'], upstreamRef);

  // A platform the image lacks: strict fails naming it, warn notes it.
  await assert.rejects(pullImage(upstreamRef, tmp(), { platforms: ['linux/s390x'], endpoint: () => ({ plainHttp: true }) }), /no image for linux\/s390x/);
  const notes: string[] = [];
  await pullImage(upstreamRef, tmp(), {
    platforms: ['linux/amd64', 'linux/s390x'],
    policy: 'warn',
    endpoint: () => ({ plainHttp: true }),
    onNote: (n) => notes.push(n),
  });
  assert.match(notes.join('\n'), /linux\/s390x/);

  // Push to the TLS + token registry, as KubeKey does for registry.k8s.io images (kubernetes/<name>).
  const dest = parseReference(`${target.host}/kubernetes/hello:v1`);
  const ep = { host: target.host, ca: [tlsMaterial.caPem], username: 'admin', password: 'secret' };
  const pushed = await pushImage(layout, upstreamRef, dest, ep);
  assert.equal(pushed.digest, pulled.digest);
  assert.equal(pushed.blobsPushed, 2);
  assert.ok(
    tokens.requests.some((q) => q.includes('scope=repository%3Akubernetes%2Fhello%3Apull%2Cpush')),
    'a push-scoped token was requested',
  );
  const again = await pushImage(layout, upstreamRef, dest, ep);
  assert.equal(again.blobsPushed, 0, 'blobs the registry has are not sent again');

  const back = tmp();
  const round = await pullImage(`${target.host}/kubernetes/hello:v1`, back, {
    platforms: ['linux/amd64'],
    endpoint: () => ({ ca: [tlsMaterial.caPem], username: 'admin', password: 'secret' }),
  });
  assert.equal(round.digest, pulled.digest, 'the same index digest came back');
  assert.ok(readFileSync(blobPath(back, layers.get('amd64')!)).equals(readFileSync(blobPath(layout, layers.get('amd64')!))));
  assert.ok(findImage(back, `${target.host}/kubernetes/hello:v1`));
});

test('the target registry refuses wrong credentials and an unknown CA, with a clear error', async () => {
  await assert.rejects(
    new RegistryClient({ host: target.host, ca: [tlsMaterial.caPem], username: 'admin', password: 'wrong' }).getManifest('kubernetes/hello', 'v1'),
    /token service https:\/\/127\.0\.0\.1:\d+ refused user admin/,
  );
  await assert.rejects(new RegistryClient({ host: target.host, username: 'admin', password: 'secret' }).ping(), /certificate/i);
  await new RegistryClient({ host: target.host, ca: [tlsMaterial.caPem], username: 'admin', password: 'secret' }).ping();
  mkdirSync(tmp(), { recursive: true });
});
