// Output of a running command, streamed in chunks while keeping memory and NATS traffic bounded
// whatever the command prints: per stream at most one pending chunk (≤ 64 KiB) and a tail of the
// last 64 KiB for the result. Streaming is rate-limited by a token bucket; output beyond the rate
// is not streamed (the next chunk says how many bytes were skipped) but always reaches the tail.
// The command itself is never slowed down by its own output.
import { MAX_CHUNK_BYTES, MAX_TAIL_BYTES } from '../../shared/commands/codec';
import type { OutputSink, OutputStream } from './types';

export interface StreamedChunk {
  seq: number;
  stream: OutputStream;
  data: Buffer;
  droppedBytes: number;
}

export interface OutputStreamerOptions {
  publish(chunk: StreamedChunk): void;
  /** Sustained streaming rate; default 1 MiB/s. */
  bytesPerSecond?: number;
  /** Burst allowance; default 2 MiB. */
  burstBytes?: number;
  /** Pending output is sent at least this often; default 100 ms. */
  flushIntervalMs?: number;
  now?: () => number;
}

/** The last `max` bytes written, without keeping more than about twice that. */
export class Tail {
  private parts: Buffer[] = [];
  private size = 0;
  total = 0;

  constructor(private readonly max = MAX_TAIL_BYTES) {}

  push(data: Buffer): void {
    this.total += data.length;
    if (data.length >= this.max) {
      this.parts = [Buffer.from(data.subarray(data.length - this.max))];
      this.size = this.max;
      return;
    }
    this.parts.push(data);
    this.size += data.length;
    if (this.size > 2 * this.max) this.compact();
  }

  private compact(): void {
    const all = Buffer.concat(this.parts);
    const kept = Buffer.from(all.subarray(Math.max(0, all.length - this.max)));
    this.parts = [kept];
    this.size = kept.length;
  }

  value(): Buffer {
    this.compact();
    return this.parts[0] ?? Buffer.alloc(0);
  }
}

interface StreamState {
  pending: Buffer[];
  pendingBytes: number;
  dropped: number;
  tail: Tail;
}

export class OutputStreamer implements OutputSink {
  private readonly streams: Record<OutputStream, StreamState> = {
    stdout: { pending: [], pendingBytes: 0, dropped: 0, tail: new Tail() },
    stderr: { pending: [], pendingBytes: 0, dropped: 0, tail: new Tail() },
  };
  private seq = 0;
  private tokens: number;
  private lastRefill: number;
  private readonly rate: number;
  private readonly burst: number;
  private readonly now: () => number;
  private readonly flushIntervalMs: number;
  /** Started by the first output: most commands print nothing and need no timer at all. */
  private timer?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly opts: OutputStreamerOptions) {
    this.rate = opts.bytesPerSecond ?? 1024 * 1024;
    this.burst = opts.burstBytes ?? 2 * 1024 * 1024;
    this.now = opts.now ?? Date.now;
    this.tokens = this.burst;
    this.lastRefill = this.now();
    this.flushIntervalMs = opts.flushIntervalMs ?? 100;
  }

  write(stream: OutputStream, data: Buffer): void {
    if (this.closed || data.length === 0) return;
    if (!this.timer) {
      this.timer = setInterval(() => this.flush(), this.flushIntervalMs);
      this.timer.unref();
    }
    const s = this.streams[stream];
    s.tail.push(data);
    for (let off = 0; off < data.length;) {
      const room = MAX_CHUNK_BYTES - s.pendingBytes;
      const piece = data.subarray(off, off + room);
      s.pending.push(Buffer.from(piece));
      s.pendingBytes += piece.length;
      off += piece.length;
      if (s.pendingBytes >= MAX_CHUNK_BYTES) this.send(stream);
    }
  }

  /** Sends whatever is pending on both streams (called on a timer and at the end). */
  flush(): void {
    this.send('stdout');
    this.send('stderr');
  }

  /** Final flush; returns the tails and totals for the result. */
  close(): { stdoutTail: Buffer; stderrTail: Buffer; stdoutBytes: number; stderrBytes: number } {
    if (!this.closed) {
      this.flush();
      // Skipped output at the very end still deserves a mention in the stream.
      for (const stream of ['stdout', 'stderr'] as const) {
        const s = this.streams[stream];
        if (s.dropped > 0) this.emit(stream, Buffer.alloc(0), s);
      }
      this.closed = true;
      clearInterval(this.timer);
    }
    return {
      stdoutTail: this.streams.stdout.tail.value(),
      stderrTail: this.streams.stderr.tail.value(),
      stdoutBytes: this.streams.stdout.tail.total,
      stderrBytes: this.streams.stderr.tail.total,
    };
  }

  private send(stream: OutputStream): void {
    const s = this.streams[stream];
    if (s.pendingBytes === 0) return;
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.lastRefill) * this.rate) / 1000);
    this.lastRefill = t;
    const data = Buffer.concat(s.pending);
    s.pending = [];
    s.pendingBytes = 0;
    if (this.tokens < data.length) {
      s.dropped += data.length;
      return;
    }
    this.tokens -= data.length;
    this.emit(stream, data, s);
  }

  private emit(stream: OutputStream, data: Buffer, s: StreamState): void {
    this.opts.publish({ seq: this.seq++, stream, data, droppedBytes: s.dropped });
    s.dropped = 0;
  }
}
