import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { lineProgress, progressFor, ttyProgress } from '../../../coordinator/init/artifacts/progress';

function sink(isTTY: boolean): Writable & { text: () => string; isTTY: boolean; columns: number } {
  const parts: string[] = [];
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      parts.push(chunk.toString());
      cb();
    },
  }) as Writable & { text: () => string; isTTY: boolean; columns: number };
  w.text = () => parts.join('');
  w.isTTY = isTTY;
  w.columns = 100;
  return w;
}

test('on a terminal: a bar per active file and an overall bar, redrawn in place', () => {
  const out = sink(true);
  const p = ttyProgress(out);
  p.plan(2);
  p.start('kubelet/v1.33.1/amd64', 'https://x/kubelet', 1000, 0);
  p.bytes('kubelet/v1.33.1/amd64', 500);
  p.close();
  const first = out.text();
  assert.match(first, /\[\.{20}\] 0\/2 files/);
  assert.match(first, /\[#{10}\.{10}\]\s+50% kubelet\/v1\.33\.1\/amd64/);
  p.bytes('kubelet/v1.33.1/amd64', 500);
  p.done('kubelet/v1.33.1/amd64', 'downloaded', 1000);
  p.close();
  const second = out.text().slice(first.length);
  assert.ok(second.startsWith('\u001b[2A'), 'moves back up over the previous frame');
  assert.match(second, /\[#{10}\.{10}\] 1\/2 files/);
  assert.doesNotMatch(second, /kubelet\/v1\.33\.1\/amd64/, 'a finished file leaves the screen');
});

test('elsewhere: plain lines, one per event, no escape codes', () => {
  const out = sink(false);
  const p = progressFor(out);
  p.plan(1);
  p.start('etcd/v3.5.21/amd64', 'https://x/etcd.tgz', 2048, 1024);
  p.retry('etcd/v3.5.21/amd64', 1, 'stalled: no data for 30000 ms', 1000);
  p.fallback('etcd/v3.5.21/amd64', 'https://mirror/etcd.tgz', 'HTTP 404 from https://x/etcd.tgz');
  p.done('etcd/v3.5.21/amd64', 'downloaded', 2048);
  p.close();
  const text = out.text();
  assert.ok(!text.includes('\u001b'), 'no escape codes');
  assert.match(text, /download etcd\/v3\.5\.21\/amd64: https:\/\/x\/etcd\.tgz \(2\.0 KiB\), resuming at 1\.0 KiB/);
  assert.match(text, /attempt 1 failed \(stalled: no data for 30000 ms\); retrying in 1\.0 s/);
  assert.match(text, /HTTP 404 from https:\/\/x\/etcd\.tgz; trying the mirror https:\/\/mirror\/etcd\.tgz/);
  assert.match(text, /\[1\/1\] etcd\/v3\.5\.21\/amd64: downloaded and verified/);
  assert.equal(typeof lineProgress, 'function');
});
