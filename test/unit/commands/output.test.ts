import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutputStreamer, Tail, type StreamedChunk } from '../../../agent/commands/output';
import { MAX_CHUNK_BYTES, MAX_TAIL_BYTES } from '../../../shared/commands/codec';

test('Tail keeps exactly the last 64 KiB and the total', () => {
  const t = new Tail();
  let all = '';
  for (let i = 0; i < 20_000; i++) {
    const line = `line ${i}\n`;
    all += line;
    t.push(Buffer.from(line));
  }
  assert.equal(t.total, all.length);
  assert.equal(t.value().toString(), all.slice(-MAX_TAIL_BYTES));
  const big = new Tail();
  big.push(Buffer.alloc(300_000, 'a'));
  big.push(Buffer.from('end'));
  assert.equal(big.value().length, MAX_TAIL_BYTES);
  assert.ok(big.value().toString().endsWith('aend'));
});

test('chunks are at most 64 KiB, in order, and carry everything while under the rate', () => {
  const chunks: StreamedChunk[] = [];
  const s = new OutputStreamer({ publish: (c) => chunks.push(c), bytesPerSecond: 1e12, burstBytes: 1e12 });
  const data = Buffer.alloc(300_000);
  for (let i = 0; i < data.length; i++) data[i] = i % 251;
  s.write('stdout', data.subarray(0, 100_000));
  s.write('stderr', Buffer.from('oops'));
  s.write('stdout', data.subarray(100_000));
  const end = s.close();
  assert.ok(chunks.every((c) => c.data.length <= MAX_CHUNK_BYTES));
  assert.deepEqual(
    chunks.map((c) => c.seq),
    chunks.map((_, i) => i),
  );
  assert.ok(Buffer.concat(chunks.filter((c) => c.stream === 'stdout').map((c) => c.data)).equals(data));
  assert.equal(Buffer.concat(chunks.filter((c) => c.stream === 'stderr').map((c) => c.data)).toString(), 'oops');
  assert.equal(end.stdoutBytes, 300_000);
  assert.ok(end.stdoutTail.equals(data.subarray(-MAX_TAIL_BYTES)));
  assert.equal(end.stderrTail.toString(), 'oops');
});

test('beyond the rate, output is not streamed but counted, and the tail is still exact', () => {
  const chunks: StreamedChunk[] = [];
  const now = 1_000_000;
  const s = new OutputStreamer({ publish: (c) => chunks.push(c), bytesPerSecond: 100_000, burstBytes: 200_000, now: () => now });
  const total = 50 * 1024 * 1024;
  const piece = Buffer.alloc(65_536, 'x');
  for (let sent = 0; sent < total; sent += piece.length) s.write('stdout', piece);
  s.write('stdout', Buffer.from('THE END'));
  const end = s.close();
  const streamed = chunks.reduce((n, c) => n + c.data.length, 0);
  const dropped = chunks.reduce((n, c) => n + c.droppedBytes, 0);
  assert.ok(streamed <= 200_000, `streamed ${streamed} bytes within the burst`);
  assert.equal(streamed + dropped, total + 7);
  assert.equal(end.stdoutBytes, total + 7);
  assert.ok(end.stdoutTail.toString().endsWith('xTHE END'));
  assert.equal(end.stdoutTail.length, MAX_TAIL_BYTES);
});

test('output smaller than a chunk is sent by the flush timer, which the first output starts', async () => {
  const chunks: StreamedChunk[] = [];
  const s = new OutputStreamer({ publish: (c) => chunks.push(c), flushIntervalMs: 10 });
  try {
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(chunks.length, 0);
    s.write('stdout', Buffer.from('partial line'));
    assert.equal(chunks.length, 0, 'not sent synchronously');
    for (let i = 0; i < 500 && chunks.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(chunks.map((c) => c.data.toString()).join(''), 'partial line');
    s.write('stderr', Buffer.from('more'));
    for (let i = 0; i < 500 && chunks.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(
      chunks.map((c) => [c.stream, c.data.toString()]),
      [
        ['stdout', 'partial line'],
        ['stderr', 'more'],
      ],
    );
  } finally {
    s.close();
  }
});
