import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { gzipSync, gunzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { writeTarGz } from '../../../coordinator/init/artifacts/tar-writer';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('entries from files and memory, long names, stored and deflated content, read back by tar', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kk-tarw-'));
  try {
    const text = Buffer.from('kubelet '.repeat(20_000));
    const tarball = gzipSync(randomBytes(50_000), { level: 0 });
    const longName = `kubekey/${'deep/'.repeat(30)}file.bin`;
    writeFileSync(path.join(dir, 'tarball'), tarball);
    const out = path.join(dir, 'b.tgz');
    const res = await writeTarGz(
      [
        { name: 'a.txt', size: text.length, source: text, sha256: sha(text) },
        { name: 'cni/plugins.tgz', size: tarball.length, source: path.join(dir, 'tarball'), sha256: sha(tarball) },
        { name: longName, size: text.length, source: text },
        { name: 'empty', size: 0, source: Buffer.alloc(0) },
      ],
      createWriteStream(out),
    );
    const bytes = readFileSync(out);
    assert.equal(res.sha256, sha(bytes));
    assert.equal(res.size, bytes.length);
    assert.ok(bytes.length < text.length, 'the text was compressed');
    gunzipSync(bytes); // concatenated gzip members read as one stream
    // GNU tar (what KubeKey and operators use) reads it too.
    assert.deepEqual(execFileSync('tar', ['-tzf', out]).toString().trim().split('\n'), ['a.txt', 'cni/plugins.tgz', longName, 'empty']);
    const seen = new Map<string, Buffer>();
    await tar.t({
      file: out,
      onReadEntry: (e) => {
        const parts: Buffer[] = [];
        e.on('data', (c: Buffer) => parts.push(c));
        e.on('end', () => seen.set(e.path, Buffer.concat(parts)));
      },
    });
    assert.deepEqual([...seen.keys()], ['a.txt', 'cni/plugins.tgz', longName, 'empty']);
    assert.ok(seen.get('cni/plugins.tgz')!.equals(tarball));
    assert.ok(seen.get(longName)!.equals(text));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a source whose bytes do not match its expected sha256 abandons the archive', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kk-tarw-'));
  try {
    const body = Buffer.from('tampered cache entry');
    await assert.rejects(
      writeTarGz([{ name: 'kubekey/x', size: body.length, source: body, sha256: '0'.repeat(64) }], createWriteStream(path.join(dir, 'x.tgz'))),
      /kubekey\/x: its source hashes to [0-9a-f]{64}, expected 0{64}/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
