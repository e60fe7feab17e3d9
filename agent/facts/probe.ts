// What every collector's thin reader gets: where the host's files are and how to run a command.
// Tests point `root` at a fixture tree and swap `run`, so the readers' error paths are testable
// without touching the live host.
import { execFile } from 'node:child_process';
import { accessSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CLEAN_PATH } from '../../shared/facts/types';

export interface RunOptions {
  /** Killed (and the probe failed) after this long. */
  timeoutMs?: number;
  /** Working directory of the command. */
  cwd?: string;
}

/** Runs `file args…` and resolves to its stdout; rejects with a ProbeFailure saying why it failed. */
export type Runner = (file: string, args: readonly string[], opts?: RunOptions) => Promise<string>;

export interface ProbeContext {
  /** Prefix for every absolute host path read ('/' on the live host). */
  root: string;
  run: Runner;
}

/** fact name (dotted path for nested facts) → why it could not be collected. */
export type ProbeErrors = Record<string, string>;

/** A probe failure whose message is the reason recorded in probeErrors. */
export class ProbeFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProbeFailure';
  }
}

const DEFAULT_TIMEOUT_MS = 5_000;
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

// Never the agent's own environment: a probe must see the same tools whoever started the agent.
const COMMAND_ENV = { PATH: CLEAN_PATH, LC_ALL: 'C' };

export const runCommand: Runner = (file, args, opts = {}) =>
  new Promise((resolve, reject) => {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const shown = [file, ...args].join(' ');
    execFile(
      file,
      args,
      {
        env: COMMAND_ENV,
        cwd: opts.cwd,
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: MAX_OUTPUT_BYTES,
        encoding: 'utf8',
        windowsHide: true,
      },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: string | number | null; signal?: string | null };
        if (e.code === 'ENOENT') return reject(new ProbeFailure(`${file} not found on ${CLEAN_PATH}`));
        if (e.code === 'EACCES') return reject(new ProbeFailure(`${file} is not executable`));
        if (e.killed && e.signal === 'SIGKILL') return reject(new ProbeFailure(`\`${shown}\` timed out after ${timeoutMs} ms`));
        if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return reject(new ProbeFailure(`\`${shown}\` printed more than ${MAX_OUTPUT_BYTES} bytes`));
        const detail = firstLine(stderr) || firstLine(stdout);
        const how = typeof e.code === 'number' ? `exited with ${e.code}` : e.signal ? `was killed by ${e.signal}` : e.message;
        reject(new ProbeFailure(`\`${shown}\` ${how}${detail ? `: ${detail}` : ''}`));
      },
    );
  });

function firstLine(s: string | undefined): string {
  return (
    (s ?? '')
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  );
}

export const hostContext: ProbeContext = { root: '/', run: runCommand };

export function hostPath(ctx: ProbeContext, p: string): string {
  return ctx.root === '/' ? p : path.join(ctx.root, p);
}

// The readers below use the synchronous calls on purpose: the files are small kernel and config
// files read in microseconds, and a fact collection reads dozens of them; through the thread pool
// each read costs several times its own work in open/fstat/read/close round trips and promises.

/** Reads a host file as text; failures become ProbeFailures naming the file. */
export async function readHostFile(ctx: ProbeContext, p: string): Promise<string> {
  try {
    return readFileSync(hostPath(ctx, p), 'utf8');
  } catch (err) {
    throw new ProbeFailure(fsReason(p, err));
  }
}

/** Like readHostFile, but a missing file is `null` (for files whose absence means something). */
export async function readOptionalHostFile(ctx: ProbeContext, p: string): Promise<string | null> {
  try {
    return readFileSync(hostPath(ctx, p), 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw new ProbeFailure(fsReason(p, err));
  }
}

export function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a parent is not a directory',
  EIO: 'I/O error',
};

export function fsReason(p: string, err: unknown): string {
  const code = errnoCode(err);
  const text = code && ERRNO_TEXT[code];
  return `${p}: ${text ?? (err instanceof Error ? err.message : String(err))}`;
}

export function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs one probe: its value, or null with the reason under `name` in errors. A collector never
 * throws out of collectFacts, whatever goes wrong inside it.
 */
export async function guard<T>(name: string, errors: ProbeErrors, probe: () => Promise<T>): Promise<T | null> {
  try {
    return await probe();
  } catch (err) {
    errors[name] = reasonOf(err);
    return null;
  }
}

/** Whether a host path exists (any error reads as "no": for optional evidence only). */
export async function hostPathExists(ctx: ProbeContext, p: string): Promise<boolean> {
  try {
    accessSync(hostPath(ctx, p));
    return true;
  } catch {
    return false;
  }
}
