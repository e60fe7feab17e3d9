// probe: the reachability precheck's two halves. "listen" holds a TCP port open (if it is free)
// so another node can try to reach it; "connect" tries to reach a port and says how it went.
// Both are measurements: status ok with the finding in data, failed only for bad input.
import net from 'node:net';
import type { ProbeCommand } from '../../shared/commands/codec';
import { failed, type ExecutorContext, type ExecutorOutcome } from './types';

const DEFAULT_CONNECT_TIMEOUT_MS = 3000;
const DEFAULT_HOLD_MS = 5000;
const MAX_HOLD_MS = 10 * 60_000;

export async function runProbe(spec: ProbeCommand, ctx: ExecutorContext): Promise<ExecutorOutcome> {
  const port = spec.port ?? 0;
  if (!Number.isInteger(port) || port < 1 || port > 65535) return failed(`probe: port must be 1–65535, got ${port}`);
  if (spec.mode === 'listen') return listen(spec.host || '0.0.0.0', port, Math.min(spec.holdMs || DEFAULT_HOLD_MS, MAX_HOLD_MS), ctx.signal);
  if (spec.mode === 'connect') {
    if (!spec.host) return failed('probe: connect needs a host');
    return connectTo(spec.host, port, spec.timeoutMs || DEFAULT_CONNECT_TIMEOUT_MS, ctx.signal);
  }
  return failed(`probe: mode must be listen or connect, got ${JSON.stringify(spec.mode ?? '')}`);
}

function listen(host: string, port: number, holdMs: number, signal: AbortSignal): Promise<ExecutorOutcome> {
  return new Promise((resolve) => {
    const srv = net.createServer((sock) => {
      // Accept and close: the peer's connect succeeded, which is all it measures.
      accepted += 1;
      sock.destroy();
    });
    let accepted = 0;
    srv.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') resolve({ status: 'ok', exitCode: null, changed: false, data: { free: 'false', host, port: String(port) } });
      else resolve(failed(`probe: cannot listen on ${host}:${port}: ${err.message}`, { free: 'unknown' }));
    });
    srv.listen({ host, port, exclusive: true }, () => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        srv.close(() =>
          resolve({
            status: signal.aborted ? 'cancelled' : 'ok',
            exitCode: null,
            changed: false,
            data: { free: 'true', host, port: String(port), heldMs: String(holdMs), accepted: String(accepted) },
          }),
        );
      };
      const timer = setTimeout(done, holdMs);
      signal.addEventListener('abort', done, { once: true });
    });
  });
}

function connectTo(host: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<ExecutorOutcome> {
  return new Promise((resolve) => {
    const started = Date.now();
    const sock = net.connect({ host, port });
    const finish = (outcome: 'connected' | 'refused' | 'timeout' | 'error', error?: string) => {
      clearTimeout(timer);
      sock.destroy();
      const data: Record<string, string> = { outcome, host, port: String(port), elapsedMs: String(Date.now() - started) };
      if (error) data.error = error;
      resolve({ status: signal.aborted ? 'cancelled' : 'ok', exitCode: null, changed: false, data });
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    signal.addEventListener('abort', () => finish('error', 'cancelled'), { once: true });
    sock.once('connect', () => finish('connected'));
    sock.once('error', (err: NodeJS.ErrnoException) => finish(err.code === 'ECONNREFUSED' ? 'refused' : 'error', `${err.code ?? ''} ${err.message}`.trim()));
  });
}
