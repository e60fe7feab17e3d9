import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { downloadPlan } from '../../../coordinator/init/artifacts/download';
import { readResolved } from '../../../coordinator/init/artifacts/cache';
import { parseChecksumFile } from '../../../coordinator/init/artifacts/checksum-file';
import { TestMirror, fakeUpstream, sha256, throwawayCa, type Throwaway } from './artifact-mirror';

let tlsMaterial: Throwaway;
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'kk-dl-'));
  dirs.push(d);
  return d;
};
const fast = (ca: string) => ({ ca: [ca], connectTimeoutMs: 2_000, stallTimeoutMs: 400, backoffMs: 20, maxBackoffMs: 50, attempts: 3 });

/** A local HTTPS mirror serving a fake upstream of the whole plan, stopped whatever the test does. */
async function withUpstream(fn: (mirror: TestMirror, up: ReturnType<typeof fakeUpstream>) => Promise<void>): Promise<void> {
  const mirror = new TestMirror(tlsMaterial);
  await mirror.start();
  try {
    await fn(mirror, fakeUpstream(mirror, { workDir: tmp() }));
  } finally {
    await mirror.stop();
  }
}

/** A primary and a mirror serving the same fake upstream (the plan's mirror base is the second). */
async function withPrimaryAndMirror(fn: (primary: TestMirror, secondary: TestMirror, up: ReturnType<typeof fakeUpstream>) => Promise<void>): Promise<void> {
  const primary = new TestMirror(tlsMaterial);
  const secondary = new TestMirror(tlsMaterial);
  await primary.start();
  await secondary.start();
  try {
    const up = fakeUpstream(primary, { workDir: tmp() }, { mirrorBase: secondary.url });
    for (const [k, v] of primary.files) secondary.files.set(k, v);
    await fn(primary, secondary, up);
  } finally {
    await primary.stop();
    await secondary.stop();
  }
}

before(() => {
  tlsMaterial = throwawayCa();
});
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('the whole plan is downloaded, verified and placed at KubeKey paths; a re-run fetches nothing', async () => {
  await withUpstream(async (mirror, up) => {
    const out = await downloadPlan(up.plan, fast(tlsMaterial.caPem));
    assert.equal(out.downloaded, up.plan.artifacts.length);
    for (const a of up.plan.artifacts) {
      const file = path.join(up.plan.binaryDir, a.dest);
      assert.ok(readFileSync(file).equals(up.bodies.get(a.id)!), `${a.dest} has the upstream bytes`);
    }
    const resolved = readResolved(up.plan.artifactDir);
    assert.equal(resolved.length, up.plan.artifacts.length);
    const cni = resolved.find((r) => r.name === 'cni-plugins')!;
    assert.match(cni.verified, /^sha512:[0-9a-f]{128}$/);
    assert.equal(cni.sha256, sha256(up.bodies.get(cni.id)!));
    assert.equal(resolved.find((r) => r.name === 'calico-chart')!.verified, 'first-download');
    assert.ok(
      out.notes.some((n) => n.includes('calico-chart') && n.includes('no checksum')),
      'a file without a published checksum is called out',
    );
    // Cache keyed by checksum: sha256/<hex> for every file, sha512/<hex> for the sha512-published one.
    assert.ok(existsSync(path.join(up.plan.artifactDir, 'cache', 'sha256', sha256(up.bodies.get('kubeadm/v1.33.1/amd64')!))));
    assert.equal(readdirSync(path.join(up.plan.artifactDir, 'cache', 'sha512')).length, 1);

    mirror.requests.length = 0;
    const again = await downloadPlan(up.plan, fast(tlsMaterial.caPem));
    assert.equal(again.downloaded, 0);
    assert.deepEqual(mirror.requests, [], 'a re-run sends no request at all (bodies and checksum files are cached)');
    for (const a of up.plan.artifacts) assert.ok(existsSync(path.join(up.plan.binaryDir, a.dest)));

    // A placed file removed by hand is put back from the cache, still without a request.
    rmSync(path.join(up.plan.binaryDir, up.plan.artifacts[0]!.dest));
    await downloadPlan(up.plan, fast(tlsMaterial.caPem));
    assert.deepEqual(mirror.requests, []);
    assert.ok(existsSync(path.join(up.plan.binaryDir, up.plan.artifacts[0]!.dest)));
  });
});

test('a file whose bytes differ from the published checksum is rejected, naming the file, URL and both sums', async () => {
  await withUpstream(async (mirror, up) => {
    const kubelet = up.plan.artifacts.find((a) => a.name === 'kubelet')!;
    const good = up.bodies.get(kubelet.id)!;
    const bad = Buffer.from(good);
    bad[100] = bad[100]! ^ 0xff;
    mirror.files.set(up.paths.get(kubelet.id)!, bad);
    up.plan.artifacts = [kubelet];
    await assert.rejects(downloadPlan(up.plan, fast(tlsMaterial.caPem)), (err: Error) => {
      assert.match(err.message, /sha256 mismatch for kube\/v1\.33\.1\/amd64\/kubelet/);
      assert.ok(err.message.includes(kubelet.url), 'names the URL');
      assert.ok(err.message.includes(sha256(bad)), 'names the sum received');
      assert.ok(err.message.includes(sha256(good)), 'names the published sum');
      return true;
    });
    assert.equal(existsSync(path.join(up.plan.binaryDir, kubelet.dest)), false, 'nothing is placed');
    assert.equal(existsSync(path.join(up.plan.artifactDir, 'cache', 'sha256', sha256(bad))), false, 'nothing is cached');
  });
});

test('a transfer that stalls mid-body times out and the retry resumes with a Range request', async () => {
  await withUpstream(async (mirror, up) => {
    const etcd = up.plan.artifacts.find((a) => a.name === 'etcd')!;
    const p = up.paths.get(etcd.id)!;
    mirror.stallAfter.set(p, 20_000);
    up.plan.artifacts = [etcd];
    const out = await downloadPlan(up.plan, fast(tlsMaterial.caPem));
    const hits = mirror.hits(p);
    assert.equal(hits.length, 2, 'one stalled attempt, one resumed attempt');
    assert.equal(hits[0]!.range, undefined);
    assert.equal(hits[1]!.range, 'bytes=20000-', 'the retry asks only for the missing bytes');
    assert.ok(readFileSync(path.join(up.plan.binaryDir, etcd.dest)).equals(up.bodies.get(etcd.id)!));
    assert.equal(out.bytes, up.bodies.get(etcd.id)!.length, 'no byte was fetched twice');
  });
});

test('a 404 on the primary falls back to the mirror', async () => {
  await withPrimaryAndMirror(async (primary, secondary, up) => {
    const helm = up.plan.artifacts.find((a) => a.name === 'helm')!;
    const p = up.paths.get(helm.id)!;
    primary.missing.add(p);
    up.plan.artifacts = [helm];
    await downloadPlan(up.plan, fast(tlsMaterial.caPem));
    assert.equal(primary.hits(p).length, 1, 'a 404 is not retried on the same server');
    assert.equal(secondary.hits(p).length, 1);
    assert.ok(readFileSync(path.join(up.plan.binaryDir, helm.dest)).equals(up.bodies.get(helm.id)!));
  });
});

test('a primary that is down (connection refused) falls back to the mirror after its retries', async () => {
  await withPrimaryAndMirror(async (primary, secondary, up) => {
    await primary.stop();
    const runc = up.plan.artifacts.find((a) => a.name === 'runc')!;
    up.plan.artifacts = [runc];
    await downloadPlan(up.plan, fast(tlsMaterial.caPem));
    assert.ok(readFileSync(path.join(up.plan.binaryDir, runc.dest)).equals(up.bodies.get(runc.id)!));
    assert.equal(secondary.hits(up.paths.get(runc.id)!).length, 1);
    assert.ok(statSync(path.join(up.plan.binaryDir, runc.dest)).size > 0);
  });
});

test('an untrusted server certificate is refused (no silent TLS downgrade)', async () => {
  await withUpstream(async (mirror, up) => {
    up.plan.artifacts = up.plan.artifacts.slice(0, 1);
    await assert.rejects(downloadPlan(up.plan, { ...fast(tlsMaterial.caPem), ca: undefined, attempts: 1 }), /certificate/i);
  });
});

test('checksum files in each upstream format are read', () => {
  const hex = 'a'.repeat(64);
  assert.equal(parseChecksumFile(`${hex}\n`, { algorithm: 'sha256', format: 'digest' }, 'u'), hex);
  assert.equal(parseChecksumFile(`${hex}  helm.tgz\n`, { algorithm: 'sha256', format: 'digest' }, 'u'), hex);
  assert.equal(parseChecksumFile(`${'b'.repeat(64)}  x.tgz\n${hex}  ./y.tgz\n`, { algorithm: 'sha256', format: 'list', entry: 'y.tgz' }, 'u'), hex);
  assert.equal(parseChecksumFile(`SHA256 (y.tgz) = ${hex.toUpperCase()}\n`, { algorithm: 'sha256', format: 'list', entry: 'y.tgz' }, 'u'), hex);
  assert.throws(
    () => parseChecksumFile('<html>not found</html>', { algorithm: 'sha256', format: 'digest' }, 'https://m/x.sha256'),
    /https:\/\/m\/x\.sha256 does not start with a sha256 digest/,
  );
  assert.throws(() => parseChecksumFile(`${hex}  x.tgz\n`, { algorithm: 'sha256', format: 'list', entry: 'y.tgz' }, 'S'), /S has no sha256 line for y\.tgz/);
});
