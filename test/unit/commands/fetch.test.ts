import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { CertificateAuthority } from '../../../coordinator/pki/authority';
import { loadOrCreateServingCert } from '../../../coordinator/serve/identity';
import { cachePath, runFetch, artifactUrl } from '../../../agent/commands/fetch';
import { tempDir, testContext } from './helpers';

// A real coordinator CA and serving certificate (made by the coordinator's own code), and an
// HTTPS server that records Range headers and can cut a response short.
let t: ReturnType<typeof tempDir>;
let caPem: string;
let server: https.Server;
let serverUrl: string;
const blob = Buffer.alloc(3 * 1024 * 1024);
for (let i = 0; i < blob.length; i++) blob[i] = (i * 7 + (i >> 10)) % 256;
const blobSha = createHash('sha256').update(blob).digest('hex');
const ranges: string[] = [];
let cutNextAfter = 0;

before(async () => {
  t = tempDir('kk-fetch-');
  const ca = await CertificateAuthority.loadOrCreate(path.join(t.dir, 'pki'));
  caPem = ca.caPem;
  // Only the coordinator's fixed TLS name, no IP: the agent must verify by that name.
  const serving = await loadOrCreateServingCert(ca, path.join(t.dir, 'pki'), ['kk-coordinator'], []);
  server = https.createServer({ cert: serving.certPem, key: serving.keyPem }, (req, res) => {
    if (req.url === '/artifacts/missing') return void res.writeHead(404).end();
    if (req.url !== '/artifacts/blob' && req.url !== '/artifacts/other') return void res.writeHead(404).end();
    const body = req.url === '/artifacts/other' ? Buffer.from('not the blob') : blob;
    ranges.push(req.headers.range ?? '');
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    if (start >= body.length) return void res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
    res.writeHead(m ? 206 : 200, {
      'Content-Length': body.length - start,
      ...(m ? { 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    if (cutNextAfter > 0) {
      const cut = cutNextAfter;
      cutNextAfter = 0;
      res.write(body.subarray(start, start + cut), () => res.destroy());
      return;
    }
    res.end(body.subarray(start));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  serverUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server?.close();
  t?.cleanup();
});

const ctxFor = (dataDir: string) => testContext({ dataDir, caPem, serverUrl });

test('downloads, verifies, installs with mode; the second fetch comes from the cache and is unchanged', async () => {
  const dataDir = path.join(t.dir, 'agent1');
  const dest = path.join(t.dir, 'out', 'blob.bin');
  ranges.length = 0;
  const r = await runFetch({ urlPath: '/artifacts/blob', sha256: blobSha, dest, mode: 0o755, makeParents: true }, ctxFor(dataDir));
  assert.equal(r.status, 'ok', r.error);
  assert.equal(r.changed, true);
  assert.ok(readFileSync(dest).equals(blob));
  assert.equal(statSync(dest).mode & 0o777, 0o755);
  assert.ok(existsSync(cachePath(dataDir, blobSha)));
  assert.deepEqual(ranges, ['']);
  const again = await runFetch({ urlPath: '/artifacts/blob', sha256: blobSha, dest, mode: 0o755 }, ctxFor(dataDir));
  assert.equal(again.changed, false);
  assert.equal(again.data?.fromCache, 'true');
  assert.deepEqual(ranges, [''], 'no second download');
  // The installed file is remembered as verified; changed in place (same size), it is caught and replaced.
  assert.equal(readdirSync(path.join(dataDir, 'cache', 'verified')).length, 1);
  const tampered = Buffer.from(blob);
  tampered[0] = tampered[0]! ^ 0xff;
  writeFileSync(dest, tampered);
  chmodSync(dest, 0o755);
  const third = await runFetch({ urlPath: '/artifacts/blob', sha256: blobSha, dest, mode: 0o755 }, ctxFor(dataDir));
  assert.equal(third.changed, true, 'a file changed since it was verified is hashed again and replaced');
  assert.ok(readFileSync(dest).equals(blob));
});

test('a connection cut mid-download is resumed with a Range request', async () => {
  const dataDir = path.join(t.dir, 'agent2');
  ranges.length = 0;
  cutNextAfter = 1024 * 1024;
  const r = await runFetch({ urlPath: '/artifacts/blob', sha256: blobSha }, ctxFor(dataDir));
  assert.equal(r.status, 'ok', r.error);
  assert.equal(ranges.length, 2);
  assert.equal(ranges[0], '');
  const resumedAt = Number(/^bytes=(\d+)-$/.exec(ranges[1] ?? '')?.[1]);
  assert.ok(resumedAt > 0 && resumedAt <= 1024 * 1024, `resumed at ${ranges[1]}`);
  assert.ok(readFileSync(cachePath(dataDir, blobSha)).equals(blob));
});

test('a partial file left by an earlier attempt is resumed, not restarted', async () => {
  const dataDir = path.join(t.dir, 'agent3');
  const partial = `${cachePath(dataDir, blobSha)}.partial`;
  mkdirSync(path.dirname(partial), { recursive: true });
  writeFileSync(partial, blob.subarray(0, 1_000_000));
  ranges.length = 0;
  const r = await runFetch({ urlPath: '/artifacts/blob', sha256: blobSha }, ctxFor(dataDir));
  assert.equal(r.status, 'ok', r.error);
  assert.deepEqual(ranges, ['bytes=1000000-']);
  assert.equal(r.data?.resumedFrom, '1000000');
});

test('a sha256 mismatch fails, installs nothing and keeps nothing in the cache', async () => {
  const dataDir = path.join(t.dir, 'agent4');
  const dest = path.join(t.dir, 'never.bin');
  const r = await runFetch({ urlPath: '/artifacts/other', sha256: blobSha, dest }, ctxFor(dataDir));
  assert.equal(r.status, 'failed');
  assert.match(r.error ?? '', /sha256 mismatch: expected [0-9a-f]{64}, got [0-9a-f]{64}/);
  assert.equal(existsSync(dest), false);
  assert.equal(existsSync(cachePath(dataDir, blobSha)), false);
  assert.equal(existsSync(`${cachePath(dataDir, blobSha)}.partial`), false);
});

test('a server not signed by the coordinator CA is refused', async () => {
  const other = await CertificateAuthority.loadOrCreate(path.join(t.dir, 'other-pki'));
  const r = await runFetch(
    { urlPath: '/artifacts/blob', sha256: blobSha },
    testContext({ dataDir: path.join(t.dir, 'agent5'), caPem: other.caPem, serverUrl }),
  );
  assert.equal(r.status, 'failed');
  assert.match(r.error ?? '', /certificate|self.signed|issuer/i);
});

test('urls never leave the coordinator origin; bad sha is refused', async () => {
  assert.equal(typeof artifactUrl('https://10.0.0.1:9441', '//evil.example/x'), 'string');
  assert.equal(typeof artifactUrl('https://10.0.0.1:9441', 'http://evil.example/x'), 'string');
  assert.equal((artifactUrl('https://10.0.0.1:9441', '/artifacts/a?b') as URL).href, 'https://10.0.0.1:9441/artifacts/a?b');
  assert.match((await runFetch({ urlPath: '/artifacts/blob', sha256: 'abc' }, ctxFor(t.dir))).error ?? '', /64 hex/);
  const r = await runFetch({ urlPath: '/artifacts/missing', sha256: blobSha }, ctxFor(path.join(t.dir, 'agent6')));
  assert.match(r.error ?? '', /HTTP 404/);
});
