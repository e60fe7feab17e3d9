// Download progress: bars per file and overall on a terminal (redrawn at most 5 times a second),
// one plain line per event otherwise (CI logs, pipes).
import type { Writable } from 'node:stream';
import { LiveBlock } from '../../../shared/live-block';

export interface ProgressSink {
  plan(files: number): void;
  start(id: string, url: string, total: number | null, resumeFrom: number): void;
  bytes(id: string, n: number): void;
  retry(id: string, attempt: number, error: string, delayMs: number): void;
  fallback(id: string, to: string, reason: string): void;
  done(id: string, how: 'cached' | 'downloaded', size: number): void;
  fail(id: string, error: string): void;
  close(): void;
}

export const silentProgress: ProgressSink = {
  plan() {},
  start() {},
  bytes() {},
  retry() {},
  fallback() {},
  done() {},
  fail() {},
  close() {},
};

export function humanBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** Plain lines: what a log reader needs, nothing redrawn. */
export function lineProgress(out: Writable): ProgressSink {
  const started = new Map<string, number>();
  let total = 0;
  let finished = 0;
  const line = (s: string) => out.write(`${s}\n`);
  return {
    plan(files) {
      total = files;
    },
    start(id, url, size, from) {
      started.set(id, Date.now());
      line(`download ${id}: ${url}${size !== null ? ` (${humanBytes(size)})` : ''}${from > 0 ? `, resuming at ${humanBytes(from)}` : ''}`);
    },
    bytes() {},
    retry(id, attempt, error, delayMs) {
      line(`download ${id}: attempt ${attempt} failed (${error}); retrying in ${(delayMs / 1000).toFixed(1)} s`);
    },
    fallback(id, to, reason) {
      line(`download ${id}: ${reason}; trying the mirror ${to}`);
    },
    done(id, how, size) {
      finished++;
      const t0 = started.get(id);
      const secs = t0 ? (Date.now() - t0) / 1000 : 0;
      const rate = how === 'downloaded' && secs > 0 ? `, ${humanBytes(size / secs)}/s` : '';
      line(`[${finished}/${total}] ${id}: ${how === 'cached' ? 'in the cache' : 'downloaded and verified'} (${humanBytes(size)}${rate})`);
    },
    fail(id, error) {
      finished++;
      line(`[${finished}/${total}] ${id}: FAILED: ${error}`);
    },
    close() {},
  };
}

interface Bar {
  id: string;
  got: number;
  total: number | null;
}

/** Bars redrawn in place: one per active file and an overall line. */
export function ttyProgress(out: Writable & { columns?: number }): ProgressSink {
  const active = new Map<string, Bar>();
  const notes: string[] = [];
  let files = 0;
  let finished = 0;
  let bytes = 0;
  const block = new LiveBlock(out, 80);
  let timer: NodeJS.Timeout | null = null;
  const t0 = Date.now();

  const bar = (got: number, total: number | null, width: number) => {
    if (!total) return `[${'?'.repeat(width)}]`;
    const filled = Math.min(width, Math.round((got / total) * width));
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  };
  const draw = () => {
    const lines: string[] = [];
    const secs = Math.max(0.001, (Date.now() - t0) / 1000);
    lines.push(`${bar(finished, files, 20)} ${finished}/${files} files, ${humanBytes(bytes)} at ${humanBytes(bytes / secs)}/s`);
    for (const b of active.values()) {
      const pct = b.total ? `${Math.floor((b.got / b.total) * 100)}%` : humanBytes(b.got);
      lines.push(`  ${bar(b.got, b.total, 20)} ${pct.padStart(5)} ${b.id}`);
    }
    block.render(notes.splice(0), lines);
  };
  const schedule = () => {
    timer ??= setTimeout(() => {
      timer = null;
      draw();
    }, 200);
  };
  return {
    plan(n) {
      files = n;
      schedule();
    },
    start(id, _url, total, from) {
      active.set(id, { id, got: from, total });
      schedule();
    },
    bytes(id, n) {
      const b = active.get(id);
      if (b) b.got += n;
      bytes += n;
      schedule();
    },
    retry(id, attempt, error) {
      notes.push(`${id}: attempt ${attempt} failed: ${error}`);
      schedule();
    },
    fallback(id, to, reason) {
      notes.push(`${id}: ${reason}; trying ${to}`);
      schedule();
    },
    done(id) {
      active.delete(id);
      finished++;
      schedule();
    },
    fail(id, error) {
      active.delete(id);
      finished++;
      notes.push(`${id}: FAILED: ${error}`);
      schedule();
    },
    close() {
      if (timer) clearTimeout(timer);
      timer = null;
      draw();
    },
  };
}

export function progressFor(out: Writable & { isTTY?: boolean; columns?: number }): ProgressSink {
  return out.isTTY && !process.env.NO_COLOR ? ttyProgress(out) : lineProgress(out);
}
