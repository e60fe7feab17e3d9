// The coordinator's HTTPS server serves the artifact cache at /artifacts/<sha256> (ranges, sha256
// header), and the agent's own fetch executor downloads from it, resuming a partial file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { CertificateAuthority } from '../../../coordinator/pki/authority';
import { loadOrCreateServingCert } from '../../../coordinator/serve/identity';
import { createHttpsServer } from '../../../coordinator/server/http';
import { ArtifactCache, cacheLookup } from '../../../coordinator/init/artifacts/cache';
import { cachePath, runFetch } from '../../../agent/commands/fetch';
import { createLogger } from '../../../shared/log';
import { tempDir, testContext } from '../commands/helpers';

let t: ReturnType<typeof tempDir>;
let caPem: string;
let server: https.Server;
let serverUrl: string;
const body = randomBytes(2 * 1024 * 1024 + 123);
const sha = createHash('sha256').update(body).digest('hex');

before(async () => {
  t = tempDir('kk-serve-art-');
  const artifactDir = path.join(t.dir, 'artifact');
  const cache = new ArtifactCache(artifactDir);
  const staged = path.join(t.dir, 'staged');
  writeFileSync(staged, body);
  cache.commit(staged, sha);
  const ca = await CertificateAuthority.loadOrCreate(path.join(t.dir, 'pki'));
  caPem = ca.caPem;
  const serving = await loadOrCreateServingCert(ca, path.join(t.dir, 'pki'), ['kk-coordinator'], []);
  server = createHttpsServer({
    certPem: serving.certPem,
    keyPem: serving.keyPem,
    caPem,
    bootstrapScript: '#!/bin/sh\n',
    info: () => ({}),
    agentFiles: new Map(),
    artifacts: cacheLookup(artifactDir),
    log: createLogger('test', 'silent'),
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  serverUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server?.close();
  t?.cleanup();
});

function get(p: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    https
      .get(`${serverUrl}${p}`, { ca: caPem, servername: 'kk-coordinator', checkServerIdentity: () => undefined, headers }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      })
      .on('error', reject);
  });
}

test('/artifacts/<sha256> serves the cached file with its sha256 header and byte ranges; unknown sums are 404', async () => {
  const whole = await get(`/artifacts/${sha}`);
  assert.equal(whole.status, 200);
  assert.equal(whole.headers['x-content-sha256'], sha);
  assert.ok(whole.body.equals(body));
  const part = await get(`/artifacts/${sha}`, { Range: 'bytes=1000-' });
  assert.equal(part.status, 206);
  assert.equal(part.headers['content-range'], `bytes 1000-${body.length - 1}/${body.length}`);
  assert.ok(part.body.equals(body.subarray(1000)));
  assert.equal((await get(`/artifacts/${'0'.repeat(64)}`)).status, 404);
  assert.equal((await get('/artifacts/../../etc/passwd')).status, 404);
});

test('the agent fetch executor downloads from the route, resuming a partial file', async () => {
  const dataDir = path.join(t.dir, 'agent');
  const dest = path.join(t.dir, 'node', 'usr', 'local', 'bin', 'kubelet');
  // An earlier attempt left the first 1 MiB behind.
  const cached = cachePath(dataDir, sha);
  mkdirSync(path.dirname(cached), { recursive: true });
  writeFileSync(`${cached}.partial`, body.subarray(0, 1 << 20));
  const r = await runFetch({ urlPath: `/artifacts/${sha}`, sha256: sha, dest, mode: 0o755, makeParents: true }, testContext({ dataDir, caPem, serverUrl }));
  assert.equal(r.status, 'ok', r.error);
  assert.equal(r.data?.resumedFrom, String(1 << 20));
  assert.ok(readFileSync(dest).equals(body));
});
