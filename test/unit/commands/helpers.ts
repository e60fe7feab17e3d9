// Shared bits for the command executor tests: a context with a collecting output sink.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { ExecutorContext, OutputStream } from '../../../agent/commands/types';

export interface TestContext extends ExecutorContext {
  out: Record<OutputStream, Buffer[]>;
  text(stream: OutputStream): string;
  abort: AbortController;
}

export function testContext(over: Partial<ExecutorContext> = {}): TestContext {
  const out: Record<OutputStream, Buffer[]> = { stdout: [], stderr: [] };
  const abort = new AbortController();
  return {
    id: 'test-cmd',
    signal: abort.signal,
    abort,
    dataDir: '/nonexistent',
    caPem: '',
    serverUrl: 'https://127.0.0.1:1',
    log: pino({ level: 'silent' }),
    output: { write: (s, d) => void out[s].push(d) },
    out,
    text: (s) => Buffer.concat(out[s]).toString(),
    ...over,
  };
}

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export { processAlive } from '../../lib/procs';

export async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}
