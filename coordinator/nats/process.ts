// The nats-server child process and nothing about trust: writes nats.conf, starts the server,
// waits until it accepts an authenticated TLS connection (the caller says which: `readyProbe`),
// restarts it with backoff when it dies, and stops it. supervisor.ts pairs it with NatsTrust.
//
// Files under <dataDir>/nats/:
//   nats.conf   listeners, TLS, JetStream store; includes auth.conf (NatsTrust's)
//   nats.pid    the child's pid (nats-server `pid_file`), used to clean up after a crash
//   jetstream/  the JetStream store (one directory per account public key)
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { connect, type ConnectionOptions } from 'nats';
import { UserError, errorMessage } from '../../shared/errors';
import type { Logger } from '../../shared/log';
import { processAlive } from '../../shared/process-alive';
import { renderServerConfig } from './server-config';
import { writeFileAtomic } from './write-atomic';

export interface NatsProcessOptions {
  /** <dataDir>/nats: nats.conf, the pid file and the JetStream store live here. */
  natsDir: string;
  /** Address and port nats-server listens on for clients. */
  host: string;
  port: number;
  /** Server certificate and key for the client port. */
  tls: { certFile: string; keyFile: string };
  /** File name of the trust config nats.conf includes, relative to natsDir. */
  authInclude: string;
  /** The connection that proves the server is up and takes our credentials. */
  readyProbe: () => ConnectionOptions;
  log: Logger;
  /** nats-server executable; default "nats-server" from PATH. */
  binary?: string;
  /** How long start() and each restart wait for the server to accept connections. Default 20 s. */
  readyTimeoutMs?: number;
  /** Time between SIGTERM and SIGKILL in stop(). Default 10 s. */
  stopGraceMs?: number;
  /**
   * Restart backoff after unexpected exits: initialMs doubling up to maxMs; a server that ran at
   * least resetAfterMs before dying starts again from initialMs. Default 250 ms, 30 s, 30 s.
   */
  restartBackoff?: { initialMs: number; maxMs: number; resetAfterMs?: number };
}

export interface NatsProcessEvents {
  /** nats-server was restarted after an unexpected exit and accepts connections again. */
  restarted: [info: { pid: number; restarts: number }];
  /** nats-server exited on its own (a restart follows). */
  exited: [info: { code: number | null; signal: NodeJS.Signals | null }];
}

export type NatsProcessState = 'stopped' | 'starting' | 'running' | 'restarting' | 'stopping';

interface LineWaiter {
  match: (line: string) => boolean;
  resolve: (line: string) => void;
  reject: (err: Error) => void;
}

const RECENT_LINES = 40;
const SERVER_READY = /Server is ready/;
const NATS_LOG_LINE = /^\[\d+\]\s+(?:\d{4}\/\d\d\/\d\d \S+\s+)?\[(TRC|DBG|INF|WRN|ERR|FTL)\]\s?(.*)$/;

export class NatsProcess extends EventEmitter<NatsProcessEvents> {
  readonly confFile: string;
  private readonly pidFile: string;
  private readonly log: Logger;
  private readonly binary: string;
  readonly readyTimeoutMs: number;
  private readonly stopGraceMs: number;
  private readonly backoff: { initialMs: number; maxMs: number; resetAfterMs: number };
  private currentState: NatsProcessState = 'stopped';
  private child: ChildProcess | undefined;
  private childExited: Promise<void> = Promise.resolve();
  private startedAt = 0;
  private restarts = 0;
  private nextBackoffMs: number;
  private restartTimer: NodeJS.Timeout | undefined;
  private waiters = new Set<LineWaiter>();
  private runningWaiters = new Set<{ resolve: () => void; reject: (e: Error) => void }>();
  private recent: string[] = [];
  private starting: Promise<void> = Promise.resolve();
  private readonly onParentExit = (): void => {
    // Best effort when the coordinator dies without stop(): do not leave an orphan holding the port.
    this.child?.kill('SIGTERM');
  };

  constructor(private readonly opts: NatsProcessOptions) {
    super();
    this.confFile = path.join(opts.natsDir, 'nats.conf');
    this.pidFile = path.join(opts.natsDir, 'nats.pid');
    this.log = opts.log;
    this.binary = opts.binary ?? 'nats-server';
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 20_000;
    this.stopGraceMs = opts.stopGraceMs ?? 10_000;
    // A run shorter than resetAfterMs counts as a crash loop: the backoff keeps growing.
    this.backoff = { initialMs: 250, maxMs: 30_000, resetAfterMs: 30_000, ...opts.restartBackoff };
    this.nextBackoffMs = this.backoff.initialMs;
  }

  get state(): NatsProcessState {
    return this.currentState;
  }

  /** The running nats-server's pid, if one is running. */
  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  /** Writes nats.conf, starts nats-server and resolves once the ready probe connects. */
  start(): Promise<void> {
    if (this.currentState !== 'stopped') return Promise.reject(new Error(`nats-server start() called while ${this.currentState}`));
    this.currentState = 'starting';
    this.starting = this.doStart();
    return this.starting;
  }

  private async doStart(): Promise<void> {
    try {
      mkdirSync(this.opts.natsDir, { recursive: true, mode: 0o700 });
      writeFileAtomic(
        this.confFile,
        renderServerConfig({
          host: this.opts.host,
          port: this.opts.port,
          storeParent: this.opts.natsDir,
          tls: { certFile: path.resolve(this.opts.tls.certFile), keyFile: path.resolve(this.opts.tls.keyFile) },
          authInclude: this.opts.authInclude,
          pidFile: this.pidFile,
        }),
      );
      await this.killLeftover();
      process.on('exit', this.onParentExit);
      await this.launch();
      if ((this.currentState as NatsProcessState) !== 'starting') throw new Error('nats-server was stopped while starting');
      this.currentState = 'running';
      this.settleRunningWaiters();
      this.log.info({ pid: this.pid, host: this.opts.host, port: this.opts.port }, 'nats-server is ready');
    } catch (err) {
      if (this.currentState === 'starting') this.currentState = 'stopped';
      process.off('exit', this.onParentExit);
      this.settleRunningWaiters(new Error('nats-server did not start'));
      throw err;
    }
  }

  /** SIGTERM, then SIGKILL after the grace period; resolves when the process is gone. `beforeKill` runs once no restart can begin. */
  async stop(beforeKill?: () => Promise<void>): Promise<void> {
    if (this.currentState === 'stopped') return;
    const wasStarting = this.currentState === 'starting';
    this.currentState = 'stopping';
    // Let an in-flight start() finish (it notices the stop and fails), then shut down what it left.
    if (wasStarting) await this.starting.catch(() => undefined);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.settleRunningWaiters(new Error('nats-server is stopping'));
    await beforeKill?.();
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      let graceTimer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<boolean>((resolve) => {
        graceTimer = setTimeout(() => resolve(false), this.stopGraceMs);
      });
      const exited = await Promise.race([this.childExited.then(() => true), graceOver]);
      clearTimeout(graceTimer);
      if (!exited) {
        this.log.warn({ pid: child.pid, graceMs: this.stopGraceMs }, 'nats-server ignored SIGTERM; sending SIGKILL');
        child.kill('SIGKILL');
        await this.childExited;
      }
    }
    this.child = undefined;
    process.off('exit', this.onParentExit);
    this.currentState = 'stopped';
    this.log.info('nats-server stopped');
  }

  /** Resolves once the server runs; rejects when it is stopped (or stopping) instead. */
  whenRunning(): Promise<void> {
    if (this.currentState === 'running') return Promise.resolve();
    if (this.currentState === 'stopped' || this.currentState === 'stopping') return Promise.reject(new Error('nats-server is not running'));
    return new Promise((resolve, reject) => this.runningWaiters.add({ resolve, reject }));
  }

  private settleRunningWaiters(err?: Error): void {
    for (const w of this.runningWaiters) {
      if (err) w.reject(err);
      else w.resolve();
    }
    this.runningWaiters.clear();
  }

  /** Spawns nats-server and waits until the ready probe's connection succeeds. */
  private async launch(): Promise<void> {
    this.recent = [];
    let child: ChildProcess;
    try {
      child = spawn(this.binary, ['-c', this.confFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      throw new UserError(`cannot run ${this.binary}: ${errorMessage(err)}`);
    }
    this.child = child;
    this.startedAt = Date.now();
    // Registered before any output is read. Probing only after our own child says it is ready
    // means a port held by some other program is reported as our child's exit, and we never
    // open a connection to that other listener.
    const ready = this.waitForLine((l) => SERVER_READY.test(l), this.readyTimeoutMs);
    let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let spawnError: Error | undefined;
    this.childExited = new Promise((resolve) => {
      child.once('error', (err) => {
        spawnError = err;
        if (child.pid === undefined) resolve();
      });
      child.once('exit', (code, signal) => {
        exitInfo = { code, signal };
        resolve();
      });
    });
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.onLine(line));
    }
    // Never rejects: the exit handler only reads state.
    void this.childExited.then(() => this.onChildExit(child, exitInfo));

    const deadline = Date.now() + this.readyTimeoutMs;
    let lastError = '';
    const listening = await ready.then(
      () => true,
      (err: unknown) => {
        lastError = errorMessage(err);
        return false;
      },
    );
    while (listening && Date.now() < deadline) {
      if (spawnError || exitInfo) break;
      try {
        const nc = await connect({ ...this.opts.readyProbe(), reconnect: false, timeout: 2000, maxReconnectAttempts: 0 });
        await nc.flush();
        await nc.close();
        return;
      } catch (err) {
        lastError = errorMessage(err);
      }
      await Promise.race([delay(100), this.childExited]);
    }
    if (spawnError) {
      const code = (spawnError as NodeJS.ErrnoException).code;
      throw new UserError(
        code === 'ENOENT'
          ? `nats-server not found (${this.binary}); install it (apt-get install nats-server, or make setup)`
          : `cannot run ${this.binary}: ${spawnError.message}`,
      );
    }
    const tail = this.recent.slice(-8).join('\n  ');
    if (exitInfo) {
      throw new UserError(`nats-server exited during startup (code ${exitInfo.code ?? exitInfo.signal})${tail ? `:\n  ${tail}` : ''}`);
    }
    child.kill('SIGKILL');
    await this.childExited;
    throw new UserError(
      `nats-server did not accept connections on ${clientAddress(this.opts.host, this.opts.port)} within ${this.readyTimeoutMs} ms` +
        ` (last error: ${lastError || 'none'})${tail ? `:\n  ${tail}` : ''}`,
    );
  }

  private onLine(line: string): void {
    this.recent.push(line);
    if (this.recent.length > RECENT_LINES) this.recent.shift();
    for (const w of this.waiters) {
      if (w.match(line)) {
        this.waiters.delete(w);
        w.resolve(line);
      }
    }
    const m = NATS_LOG_LINE.exec(line);
    const level = m?.[1];
    const msg = m?.[2] ?? line;
    // nats-server's own INF chatter (banner, JetStream layout) is debug detail for us.
    if (level === 'ERR' || level === 'FTL') this.log.error({ nats: msg }, 'nats-server');
    else if (level === 'WRN') this.log.warn({ nats: msg }, 'nats-server');
    else this.log.debug({ nats: msg }, 'nats-server');
  }

  private waitForLine(match: (line: string) => boolean, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for nats-server`));
      }, timeoutMs);
      const waiter: LineWaiter = {
        match,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.add(waiter);
    });
  }

  private onChildExit(child: ChildProcess, info: { code: number | null; signal: NodeJS.Signals | null } | undefined): void {
    for (const w of this.waiters) w.reject(new Error('nats-server exited'));
    this.waiters.clear();
    if (child !== this.child || this.currentState !== 'running') return;
    const code = info?.code ?? null;
    const signal = info?.signal ?? null;
    const ranMs = Date.now() - this.startedAt;
    this.nextBackoffMs = ranMs >= this.backoff.resetAfterMs ? this.backoff.initialMs : this.nextBackoffMs;
    this.currentState = 'restarting';
    this.log.warn({ code, signal, ranMs, restartInMs: this.nextBackoffMs, last: this.recent.slice(-3) }, 'nats-server exited unexpectedly; restarting');
    this.emit('exited', { code, signal });
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const wait = this.nextBackoffMs;
    this.nextBackoffMs = Math.min(this.nextBackoffMs * 2, this.backoff.maxMs);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      // restart() handles its own failures (it schedules the next attempt).
      void this.restart();
    }, wait);
  }

  private async restart(): Promise<void> {
    if (this.currentState !== 'restarting') return;
    try {
      await this.launch();
    } catch (err) {
      if ((this.currentState as NatsProcessState) !== 'restarting') return;
      this.log.error({ err: errorMessage(err), retryInMs: this.nextBackoffMs }, 'nats-server restart failed');
      this.scheduleRestart();
      return;
    }
    if ((this.currentState as NatsProcessState) !== 'restarting') return;
    this.currentState = 'running';
    this.restarts += 1;
    const pid = this.child?.pid ?? 0;
    this.log.warn({ pid, restarts: this.restarts }, 'nats-server restarted');
    this.settleRunningWaiters();
    this.emit('restarted', { pid, restarts: this.restarts });
  }

  /** A nats-server left running by a coordinator that died without stop() still holds our port. */
  private async killLeftover(): Promise<void> {
    let pid: number;
    try {
      pid = Number.parseInt(readFileSync(this.pidFile, 'utf8').trim(), 10);
    } catch {
      return;
    }
    if (!Number.isInteger(pid) || pid <= 1) return;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      return;
    }
    if (!cmdline.split('\0').includes(this.confFile)) return;
    this.log.warn({ pid }, 'stopping a nats-server left over from a previous coordinator run');
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + this.stopGraceMs;
    while (Date.now() < deadline && processAlive(pid)) await delay(50);
    if (processAlive(pid)) process.kill(pid, 'SIGKILL');
    const killDeadline = Date.now() + 5000;
    while (processAlive(pid) && Date.now() < killDeadline) await delay(20);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Where a local client connects: a wildcard listen address is reached over loopback. */
export function clientAddress(host: string, port: number): string {
  const h = host === '' || host === '0.0.0.0' ? '127.0.0.1' : host === '::' || host === '[::]' ? '::1' : host;
  return h.includes(':') && !h.startsWith('[') ? `[${h}]:${port}` : `${h}:${port}`;
}
