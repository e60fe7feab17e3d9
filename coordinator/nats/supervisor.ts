// Runs nats-server as a supervised child of the coordinator: writes its config, starts it, waits
// until it accepts our authenticated TLS connection, restarts it with backoff when it dies, and
// reloads it when the set of enrolled nodes changes.
//
// Files under <dataDir>/nats/ (directory mode 0700):
//   nats.conf       listeners, TLS, JetStream store; includes auth.conf
//   auth.conf       accounts and users (coordinator + one user per node), see auth.ts
//   coordinator.nk  the coordinator's nkey seed, mode 0600
//   nats.pid        the child's pid (nats-server `pid_file`), used to clean up after a crash
//   jetstream/      the JetStream store (KV buckets for the registry and facts)
//
// External server (`--nats URL`): this class is not used; see external.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { connect, nkeyAuthenticator, type ConnectionOptions } from 'nats';
import { UserError, errorMessage } from '../../shared/errors';
import type { Logger } from '../../shared/log';
import { COORDINATOR_INBOX_PREFIX } from '../../shared/subjects';
import { renderAuthConfig, type NatsNodeIdentity } from './auth';
import { loadOrCreateCoordinatorNkey, type CoordinatorNkey } from './coordinator-key';
import { renderServerConfig } from './server-config';
import { writeFileAtomic } from './write-atomic';

export interface NatsSupervisorOptions {
  /** The coordinator's data dir; everything NATS keeps lives in <dataDir>/nats. */
  dataDir: string;
  /** Address nats-server listens on for clients (agents and the coordinator). */
  host: string;
  port: number;
  /** Server certificate for the client port, and the CA that signed it (for our own connection). */
  tls: { certFile: string; keyFile: string; caFile: string };
  log: Logger;
  /** nats-server executable; default "nats-server" from PATH. */
  binary?: string;
  /** Nodes allowed in from the first start on (setNodes replaces the list). */
  nodes?: NatsNodeIdentity[];
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

export interface NatsSupervisorEvents {
  /** nats-server was restarted after an unexpected exit and accepts connections again. */
  restarted: [info: { pid: number; restarts: number }];
  /** nats-server exited on its own (a restart follows). */
  exited: [info: { code: number | null; signal: NodeJS.Signals | null }];
}

type State = 'stopped' | 'starting' | 'running' | 'restarting' | 'stopping';

interface LineWaiter {
  match: (line: string) => boolean;
  resolve: (line: string) => void;
  reject: (err: Error) => void;
}

const RECENT_LINES = 40;
const SERVER_READY = /Server is ready/;
const RELOAD_OK = /Reloaded server configuration/;
const RELOAD_FAILED = /Failed to reload server configuration:?\s*(.*)$/;
const NATS_LOG_LINE = /^\[\d+\]\s+(?:\d{4}\/\d\d\/\d\d \S+\s+)?\[(TRC|DBG|INF|WRN|ERR|FTL)\]\s?(.*)$/;

export class NatsSupervisor extends EventEmitter<NatsSupervisorEvents> {
  private readonly natsDir: string;
  private readonly confFile: string;
  private readonly authFile: string;
  private readonly keyFile: string;
  private readonly pidFile: string;
  private readonly log: Logger;
  private readonly binary: string;
  private readonly readyTimeoutMs: number;
  private readonly stopGraceMs: number;
  private readonly backoff: { initialMs: number; maxMs: number; resetAfterMs: number };
  private nodes: NatsNodeIdentity[];
  private nkey: CoordinatorNkey | undefined;
  private state: State = 'stopped';
  private child: ChildProcess | undefined;
  private childExited: Promise<void> = Promise.resolve();
  private startedAt = 0;
  private restarts = 0;
  private nextBackoffMs: number;
  private restartTimer: NodeJS.Timeout | undefined;
  private waiters = new Set<LineWaiter>();
  private runningWaiters = new Set<{ resolve: () => void; reject: (e: Error) => void }>();
  private recent: string[] = [];
  private reloadChain: Promise<void> = Promise.resolve();
  /** The reload that calls to setNodes join until it starts, and the list it will apply. */
  private queuedApply: Promise<void> | undefined;
  private queuedNodes: NatsNodeIdentity[] | undefined;
  private starting: Promise<void> = Promise.resolve();
  private readonly onParentExit = (): void => {
    // Best effort when the coordinator dies without stop(): do not leave an orphan holding the port.
    this.child?.kill('SIGTERM');
  };

  constructor(private readonly opts: NatsSupervisorOptions) {
    super();
    this.natsDir = path.resolve(opts.dataDir, 'nats');
    this.confFile = path.join(this.natsDir, 'nats.conf');
    this.authFile = path.join(this.natsDir, 'auth.conf');
    this.keyFile = path.join(this.natsDir, 'coordinator.nk');
    this.pidFile = path.join(this.natsDir, 'nats.pid');
    this.log = opts.log;
    this.binary = opts.binary ?? 'nats-server';
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 20_000;
    this.stopGraceMs = opts.stopGraceMs ?? 10_000;
    // A run shorter than resetAfterMs counts as a crash loop: the backoff keeps growing.
    this.backoff = { initialMs: 250, maxMs: 30_000, resetAfterMs: 30_000, ...opts.restartBackoff };
    this.nextBackoffMs = this.backoff.initialMs;
    this.nodes = [...(opts.nodes ?? [])];
  }

  /** The running nats-server's pid, if one is running. */
  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  /** The coordinator's nkey public key (as it appears in auth.conf). */
  get coordinatorPublicKey(): string {
    return this.coordinatorNkey().publicKey;
  }

  get authConfigPath(): string {
    return this.authFile;
  }

  /** Writes the configs, starts nats-server and resolves once it accepts our authenticated connection. */
  start(): Promise<void> {
    if (this.state !== 'stopped') return Promise.reject(new Error(`NatsSupervisor.start() called while ${this.state}`));
    this.state = 'starting';
    this.starting = this.doStart();
    return this.starting;
  }

  private async doStart(): Promise<void> {
    try {
      mkdirSync(this.natsDir, { recursive: true, mode: 0o700 });
      const nkey = this.coordinatorNkey();
      writeFileAtomic(this.authFile, renderAuthConfig(nkey.publicKey, this.nodes));
      writeFileAtomic(
        this.confFile,
        renderServerConfig({
          host: this.opts.host,
          port: this.opts.port,
          storeParent: this.natsDir,
          tls: { certFile: path.resolve(this.opts.tls.certFile), keyFile: path.resolve(this.opts.tls.keyFile) },
          authInclude: path.basename(this.authFile),
          pidFile: this.pidFile,
        }),
      );
      await this.killLeftover();
      process.on('exit', this.onParentExit);
      await this.launch();
      if ((this.state as State) !== 'starting') throw new Error('nats-server was stopped while starting');
      this.state = 'running';
      this.settleRunningWaiters();
      this.log.info({ pid: this.pid, host: this.opts.host, port: this.opts.port }, 'nats-server is ready');
    } catch (err) {
      if (this.state === 'starting') this.state = 'stopped';
      process.off('exit', this.onParentExit);
      this.settleRunningWaiters(new Error('nats-server did not start'));
      throw err;
    }
  }

  /**
   * Replaces the set of nodes allowed to connect: rewrites auth.conf atomically, reloads the
   * server and resolves once the server reports the reload applied. Removed nodes' connections are
   * closed by the server (Authorization Violation). Calls are serialized, and calls made while a
   * reload is in flight are coalesced: they share the next reload, which applies the list of the
   * latest call (each caller passes the whole registry, so the latest list holds every earlier
   * change). A fleet enrolling at once thus costs a few dozen reloads, not one per node.
   */
  setNodes(nodes: NatsNodeIdentity[]): Promise<void> {
    this.queuedNodes = [...nodes];
    if (!this.queuedApply) {
      const next = this.reloadChain.then(() => {
        // From here on, new calls queue for the reload after this one.
        this.queuedApply = undefined;
        const latest = this.queuedNodes ?? [];
        this.queuedNodes = undefined;
        return this.applyNodes(latest);
      });
      this.queuedApply = next;
      // Keep the chain alive after a failure; the callers still see this reload's error.
      this.reloadChain = next.catch(() => undefined);
    }
    return this.queuedApply;
  }

  /** What nats.connect needs for the coordinator's own connection (full rights, JetStream). */
  coordinatorConnectionOptions(): ConnectionOptions {
    return {
      servers: [clientAddress(this.opts.host, this.opts.port)],
      tls: { caFile: path.resolve(this.opts.tls.caFile) },
      authenticator: nkeyAuthenticator(this.coordinatorNkey().seed),
      inboxPrefix: COORDINATOR_INBOX_PREFIX,
      name: 'kk-coordinator',
      // The server is ours and comes back after a crash; keep trying instead of giving up.
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    };
  }

  /** SIGTERM, then SIGKILL after the grace period; resolves when the process is gone. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    const wasStarting = this.state === 'starting';
    this.state = 'stopping';
    // Let an in-flight start() finish (it notices the stop and fails), then shut down what it left.
    if (wasStarting) await this.starting.catch(() => undefined);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.settleRunningWaiters(new Error('nats-server is stopping'));
    await this.reloadChain;
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
    this.state = 'stopped';
    this.log.info('nats-server stopped');
  }

  private coordinatorNkey(): CoordinatorNkey {
    this.nkey ??= loadOrCreateCoordinatorNkey(this.keyFile);
    return this.nkey;
  }

  private async applyNodes(nodes: NatsNodeIdentity[]): Promise<void> {
    // Render first: invalid input must fail before anything on disk changes.
    const text = renderAuthConfig(this.coordinatorNkey().publicKey, nodes);
    this.nodes = nodes;
    if (this.state === 'stopped' || this.state === 'stopping') {
      if (this.state === 'stopped') {
        mkdirSync(this.natsDir, { recursive: true, mode: 0o700 });
        writeFileAtomic(this.authFile, text);
      }
      return;
    }
    writeFileAtomic(this.authFile, text);
    // A server being (re)started may have read auth.conf before this write: reload once it is up.
    if (this.state !== 'running') await this.whenRunning();
    await this.reload(nodes.length);
  }

  private async reload(nodeCount: number): Promise<void> {
    const child = this.child;
    if (!child?.pid) return this.whenRunning();
    const outcome = this.waitForLine((l) => RELOAD_OK.test(l) || RELOAD_FAILED.test(l), this.readyTimeoutMs);
    child.kill('SIGHUP');
    let line: string;
    try {
      line = await outcome;
    } catch (err) {
      // The server died mid-reload: its successor reads the new auth.conf on start.
      if (this.state === 'restarting' || this.state === 'starting') return this.whenRunning();
      throw err;
    }
    const failed = RELOAD_FAILED.exec(line);
    if (failed) throw new Error(`nats-server rejected the new authorization config: ${failed[1] ?? line}`);
    this.log.info({ nodes: nodeCount }, 'nats-server reloaded authorization');
  }

  private whenRunning(): Promise<void> {
    if (this.state === 'running') return Promise.resolve();
    if (this.state === 'stopped' || this.state === 'stopping') return Promise.reject(new Error('nats-server is not running'));
    return new Promise((resolve, reject) => this.runningWaiters.add({ resolve, reject }));
  }

  private settleRunningWaiters(err?: Error): void {
    for (const w of this.runningWaiters) {
      if (err) w.reject(err);
      else w.resolve();
    }
    this.runningWaiters.clear();
  }

  /** Spawns nats-server and waits until our authenticated TLS connection succeeds. */
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
        const nc = await connect({ ...this.coordinatorConnectionOptions(), reconnect: false, timeout: 2000, maxReconnectAttempts: 0 });
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
    if (child !== this.child || this.state !== 'running') return;
    const code = info?.code ?? null;
    const signal = info?.signal ?? null;
    const ranMs = Date.now() - this.startedAt;
    this.nextBackoffMs = ranMs >= this.backoff.resetAfterMs ? this.backoff.initialMs : this.nextBackoffMs;
    this.state = 'restarting';
    this.log.warn({ code, signal, ranMs, restartInMs: this.nextBackoffMs, last: this.recent.slice(-3) }, 'nats-server exited unexpectedly; restarting');
    this.emit('exited', { code, signal });
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const wait = this.nextBackoffMs;
    this.nextBackoffMs = Math.min(this.nextBackoffMs * 2, this.backoff.maxMs);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void this.restart();
    }, wait);
  }

  private async restart(): Promise<void> {
    if (this.state !== 'restarting') return;
    try {
      await this.launch();
    } catch (err) {
      if ((this.state as State) !== 'restarting') return;
      this.log.error({ err: errorMessage(err), retryInMs: this.nextBackoffMs }, 'nats-server restart failed');
      this.scheduleRestart();
      return;
    }
    if ((this.state as State) !== 'restarting') return;
    this.state = 'running';
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
    while (Date.now() < deadline && isAlive(pid)) await delay(50);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    const killDeadline = Date.now() + 5000;
    while (isAlive(pid) && Date.now() < killDeadline) await delay(20);
  }
}

/** Running (a zombie no longer holds the port, and may never be reaped when PID 1 is not an init). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
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
