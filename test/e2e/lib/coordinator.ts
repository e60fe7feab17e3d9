// Starts the real, built coordinator (./bin/kk-coordinator serve) in a throwaway data dir with
// free ports, and runs operator commands against it — exactly as a user would.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import https from 'node:https';
import { freePort } from '../../lib/ports';

export const REPO = path.resolve(import.meta.dirname, '../../..');
export const COORDINATOR_BIN = path.join(REPO, 'bin/kk-coordinator');
export const AGENT_BIN = path.join(REPO, 'bin/kk-agent');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(bin: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      bin,
      args,
      { env: { ...process.env, KK_LOG_FORMAT: 'json', ...opts.env }, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() });
      },
    );
  });
}

export interface CoordinatorOptions {
  listen?: string;
  advertise?: string;
  dataDir?: string;
  /** Extra environment for `serve` only (e.g. NODE_OPTIONS=--cpu-prof, KK_LOG_LEVEL). */
  env?: NodeJS.ProcessEnv;
  /** Node flags for `serve` (e.g. --cpu-prof, which NODE_OPTIONS refuses): runs dist/ without the sh wrapper. */
  nodeArgs?: string[];
}

export class TestCoordinator {
  proc?: ChildProcess;
  log = '';
  grpcPort = 0;
  httpPort = 0;
  natsPort = 0;
  readonly dataDir: string;
  readonly listen: string;
  readonly advertise: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly nodeArgs?: string[];

  constructor(o: CoordinatorOptions = {}) {
    this.dataDir = o.dataDir ?? mkdtempSync(path.join(tmpdir(), 'kk-coord-'));
    this.listen = o.listen ?? '127.0.0.1';
    this.advertise = o.advertise ?? this.listen;
    this.env = o.env ?? {};
    this.nodeArgs = o.nodeArgs;
  }

  async start(): Promise<void> {
    if (!this.grpcPort) {
      this.grpcPort = await freePort();
      this.httpPort = await freePort();
      this.natsPort = await freePort();
    }
    const [bin, pre] = this.nodeArgs
      ? [process.execPath, ['--enable-source-maps', ...this.nodeArgs, path.join(REPO, 'dist/kk-coordinator.cjs')]]
      : [COORDINATOR_BIN, []];
    const from = this.log.length;
    this.proc = spawn(
      bin,
      [
        ...pre,
        'serve',
        '--data-dir',
        this.dataDir,
        '--listen-address',
        this.listen,
        '--advertise-address',
        this.advertise,
        '--grpc-port',
        String(this.grpcPort),
        '--http-port',
        String(this.httpPort),
        '--nats-port',
        String(this.natsPort),
      ],
      { env: { ...process.env, KK_LOG_FORMAT: 'json', KK_LOG_LEVEL: 'debug', ...this.env }, stdio: ['ignore', 'inherit', 'pipe'] },
    );
    this.proc.stderr?.on('data', (d: Buffer) => {
      this.log += d.toString();
    });
    await this.waitForLog(/coordinator ready/, 30_000, from);
  }

  async waitForLog(re: RegExp, timeoutMs = 20_000, from = 0): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (re.test(this.log.slice(from))) return;
      if (this.proc?.exitCode !== null && this.proc?.exitCode !== undefined)
        throw new Error(`coordinator exited (${this.proc.exitCode}):\n${this.log.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${re} in the coordinator log:\n${this.log.slice(-3000)}`);
  }

  /** Runs an operator command against this coordinator (--data-dir goes before any `--`). */
  cli(args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult> {
    const dd = args.indexOf('--');
    const withDir = dd < 0 ? [...args, '--data-dir', this.dataDir] : [...args.slice(0, dd), '--data-dir', this.dataDir, ...args.slice(dd)];
    return run(COORDINATOR_BIN, withDir, { env });
  }

  async json<T>(args: string[]): Promise<T> {
    const r = await this.cli([...args, '-o', 'json']);
    if (r.code !== 0) throw new Error(`kk-coordinator ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  }

  async token(args: string[] = []): Promise<{ id: string; token: string; oneLiner: string }> {
    return this.json(['token', 'create', ...args]);
  }

  get serverUrl(): string {
    return `https://${this.advertise}:${this.httpPort}`;
  }

  adminCredentials(): { caPem: string; certPem: string; keyPem: string; coordinator: string } {
    return JSON.parse(readFileSync(path.join(this.dataDir, 'admin-credentials.json'), 'utf8')) as {
      caPem: string;
      certPem: string;
      keyPem: string;
      coordinator: string;
    };
  }

  natsPid(): number | undefined {
    const m = [
      ...this.log.matchAll(/"pid":(\d+),("host":"[^"]*","port":\d+,"msg":"nats-server is ready"|"restarts":\d+,"msg":"nats-server restarted")/g),
    ].pop();
    return m?.[1] ? Number(m[1]) : undefined;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return p?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => p.once('exit', (code) => resolve(code)));
    p.kill(signal);
    const t = setTimeout(() => p.kill('SIGKILL'), 15_000);
    const code = await exited;
    clearTimeout(t);
    return code;
  }

  cleanup(): void {
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** GET over HTTPS trusting the coordinator CA; resolves status and body. */
export function httpsGet(
  url: string,
  ca: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Buffer; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, headers, servername: 'kk-coordinator' }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
      })
      .on('error', reject);
  });
}

export async function eventually<T>(fn: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
