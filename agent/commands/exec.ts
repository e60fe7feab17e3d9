// exec: runs argv directly or a script with /bin/bash (explicitly, never a login shell and never
// the user's shell), in its own process group with a clean environment. On timeout or cancel the
// whole group gets SIGTERM, then SIGKILL after a grace period.
import { spawn } from 'node:child_process';
import os from 'node:os';
import type { ExecCommand } from '../../shared/commands/codec';
import { commandEnvironment } from './environment';
import { signalGroup } from './process-group';
import { failed, type ExecutorContext, type ExecutorOutcome } from './types';

export const BASH = '/bin/bash';
const KILL_GRACE_MS = 3000;
/** After the main process exits, how long to wait for output still held open by its children. */
const STDIO_DRAIN_MS = 2000;

export function execArgv(spec: ExecCommand): string[] | string {
  const argv = spec.argv ?? [];
  const script = spec.script ?? '';
  if (argv.length > 0 && script !== '') return 'exec: give argv or script, not both';
  if (script !== '') return [BASH, '--noprofile', '--norc', '-c', script, 'kk-exec'];
  if (argv.length === 0 || !argv[0]) return 'exec: argv is empty';
  return argv;
}

export function runExec(spec: ExecCommand, ctx: ExecutorContext): Promise<ExecutorOutcome> {
  const argv = execArgv(spec);
  if (typeof argv === 'string') return Promise.resolve(failed(argv));
  const [file, ...args] = argv as [string, ...string[]];
  const cwd = spec.cwd || '/';
  const timeoutMs = spec.timeoutMs ?? 0;
  const unchangedExit = spec.unchangedExitCode ?? 0;
  return new Promise((resolve) => {
    const stdin = spec.stdin && spec.stdin.length > 0 ? Buffer.from(spec.stdin as Uint8Array) : undefined;
    let child;
    try {
      // Without input, stdin is /dev/null: the same end-of-file at once as a closed pipe, without
      // a socket pair and a stream to set up and tear down for every command.
      child = spawn(file, args, {
        cwd,
        env: commandEnvironment(spec.env ?? {}),
        detached: true,
        stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      resolve(failed(`cannot start ${file}: ${(err as Error).message}`));
      return;
    }
    let stopReason: 'timeout' | 'cancelled' | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let timeoutTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    let spawnError: Error | undefined;
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;

    const stop = (reason: 'timeout' | 'cancelled') => {
      if (stopReason || exited || child.pid === undefined) return;
      stopReason = reason;
      signalGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => {
        if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      }, KILL_GRACE_MS);
    };
    const onAbort = () => stop('cancelled');
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs > 0) timeoutTimer = setTimeout(() => stop('timeout'), timeoutMs);
    if (child.pid !== undefined) ctx.onProcessGroup?.(child.pid);

    child.stdout?.on('data', (d: Buffer) => ctx.output.write('stdout', d));
    child.stderr?.on('data', (d: Buffer) => ctx.output.write('stderr', d));
    if (child.stdin) {
      child.stdin.on('error', () => {}); // EPIPE when the process does not read its stdin
      child.stdin.end(stdin);
    }

    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timeoutTimer);
      clearTimeout(drainTimer);
      ctx.signal.removeEventListener('abort', onAbort);
      // A stopped group gets its SIGKILL anyway: nothing of a timed-out command may linger.
      if (stopReason && child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      clearTimeout(killTimer);
      if (spawnError) {
        const code = (spawnError as NodeJS.ErrnoException).code;
        resolve(failed(code === 'ENOENT' ? `${file}: not found (cwd ${cwd}, PATH of commands is fixed)` : `cannot start ${file}: ${spawnError.message}`));
        return;
      }
      const code = exited?.code ?? null;
      const signal = exited?.signal ?? null;
      const exitCode = code ?? (signal ? 128 + signalNumber(signal) : null);
      if (stopReason === 'timeout')
        resolve({ status: 'timeout', exitCode, changed: true, error: `timed out after ${timeoutMs} ms; the process group was killed` });
      else if (stopReason === 'cancelled') resolve({ status: 'cancelled', exitCode, changed: true, error: 'cancelled; the process group was killed' });
      else if (code === 0) resolve({ status: 'ok', exitCode: 0, changed: true });
      else if (unchangedExit > 0 && code === unchangedExit) resolve({ status: 'ok', exitCode: code, changed: false });
      else resolve({ status: 'failed', exitCode, changed: true, error: signal ? `killed by ${signal}` : `exit code ${code}` });
    };
    child.once('error', (err) => {
      spawnError = err;
      finish();
    });
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      // Children that inherited stdout may keep it open; do not wait for them forever.
      drainTimer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish();
      }, STDIO_DRAIN_MS).unref();
    });
    child.once('close', finish);
  });
}

function signalNumber(s: NodeJS.Signals): number {
  return os.constants.signals[s] ?? 0;
}
