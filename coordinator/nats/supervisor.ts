// Runs nats-server as a supervised child of the coordinator: writes its config, starts it, waits
// until it accepts our authenticated TLS connection, and restarts it with backoff when it dies.
// Enrolling a node touches nothing here: the node gets a user JWT (userJwt) that the server
// verifies on its own. Removing one (revoke) re-signs the account JWT, rewrites auth.conf and
// pushes the JWT to the running server — never a config reload (see account-update.ts for why).
//
// Files under <dataDir>/nats/ (directory mode 0700):
//   nats.conf          listeners, TLS, JetStream store; includes auth.conf
//   auth.conf          operator, system account, resolver with the account JWTs (auth.ts)
//   *.nk               operator, account and coordinator seeds, mode 0600 (authority.ts)
//   coordinator.creds  the coordinator's JWT + seed in the .creds format, mode 0600
//   revocations.json   nkeys of removed/replaced nodes
//   nats.pid           the child's pid (nats-server `pid_file`), used to clean up after a crash
//   jetstream/         the JetStream store (one directory per account public key)
//
// External server (`--nats URL`): this class is not used; see external.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdirSync, readFileSync } from 'node:fs';
import { processAlive } from '../../shared/process-alive';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { connect, jwtAuthenticator, type ConnectionOptions } from 'nats';
import { UserError, errorMessage } from '../../shared/errors';
import type { Logger } from '../../shared/log';
import { COORDINATOR_INBOX_PREFIX } from '../../shared/subjects';
import { renderAuthConfig } from './auth';
import { pushAccountJwt } from './account-update';
import { NatsAuthority, type NatsNodeIdentity } from './authority';
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
/** How the coordinator logs each revocation it pushed to the server. */
export const ACCOUNT_UPDATE_LOG_MESSAGE = 'nats-server took the re-signed account JWT';
const NATS_LOG_LINE = /^\[\d+\]\s+(?:\d{4}\/\d\d\/\d\d \S+\s+)?\[(TRC|DBG|INF|WRN|ERR|FTL)\]\s?(.*)$/;

export class NatsSupervisor extends EventEmitter<NatsSupervisorEvents> {
  private readonly natsDir: string;
  private readonly confFile: string;
  private readonly authFile: string;
  private readonly credsFile: string;
  private readonly pidFile: string;
  private readonly log: Logger;
  private readonly binary: string;
  private readonly readyTimeoutMs: number;
  private readonly stopGraceMs: number;
  private readonly backoff: { initialMs: number; maxMs: number; resetAfterMs: number };
  private authorityCache: NatsAuthority | undefined;
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
  private updateChain: Promise<void> = Promise.resolve();
  /** The account update that calls to revoke() join until it starts. */
  private queuedApply: Promise<void> | undefined;
  /** The latest apply scheduled: what a revoke() of already-revoked keys waits for. */
  private lastApply: Promise<void> = Promise.resolve();
  /** The server may lack revocations on disk (the last push failed): the next revoke() pushes again. */
  private pushOwed = false;
  private accountUpdateCount = 0;
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
    this.credsFile = path.join(this.natsDir, 'coordinator.creds');
    this.pidFile = path.join(this.natsDir, 'nats.pid');
    this.log = opts.log;
    this.binary = opts.binary ?? 'nats-server';
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 20_000;
    this.stopGraceMs = opts.stopGraceMs ?? 10_000;
    // A run shorter than resetAfterMs counts as a crash loop: the backoff keeps growing.
    this.backoff = { initialMs: 250, maxMs: 30_000, resetAfterMs: 30_000, ...opts.restartBackoff };
    this.nextBackoffMs = this.backoff.initialMs;
  }

  /** The running nats-server's pid, if one is running. */
  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  /** The coordinator's nkey public key (the subject of its user JWT). */
  get coordinatorPublicKey(): string {
    return this.authority.coordinator.publicKey;
  }

  get authConfigPath(): string {
    return this.authFile;
  }

  /** How many account JWT updates this supervisor pushed (one per batch of revocations). */
  get accountUpdates(): number {
    return this.accountUpdateCount;
  }

  /** The keys and JWT issuer (loaded from <dataDir>/nats on first use). */
  get authority(): NatsAuthority {
    if (!this.authorityCache) {
      mkdirSync(this.natsDir, { recursive: true, mode: 0o700 });
      this.authorityCache = NatsAuthority.open(this.natsDir);
    }
    return this.authorityCache;
  }

  /** A user JWT for this node (see NatsAuthority.userJwt); the server needs no change to accept it. */
  userJwt(node: NatsNodeIdentity): string {
    return this.authority.userJwt(node);
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
      const authority = this.authority;
      // Rewritten on every start: this also converts a data dir from the earlier per-node nkey
      // users (an auth.conf listing users) to JWT trust; see docs/design.md on migration.
      writeFileAtomic(this.authFile, renderAuthConfig(authority.trust()));
      writeFileAtomic(this.credsFile, authority.coordinatorCreds());
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
   * Cuts these nkeys off: records them as revoked (on disk at once), re-signs the KK account JWT,
   * rewrites auth.conf and pushes the JWT to the running server; resolves once the server says it
   * applied it. The server then closes those keys' live connections ("User Authentication
   * Revoked") and refuses their JWTs from then on; nobody else is disconnected. Calls made while
   * an update is in flight share the next one; keys already revoked cost nothing beyond waiting
   * for the latest update to finish.
   */
  revoke(keys: readonly string[]): Promise<void> {
    let added: string[];
    try {
      added = this.authority.revoke(keys);
    } catch (err) {
      return Promise.reject(err);
    }
    if (added.length === 0 && !this.pushOwed) return this.lastApply;
    if (added.length > 0) this.log.info({ keys: added }, 'revoking NATS keys');
    if (!this.queuedApply) {
      const next = this.updateChain.then(() => {
        // From here on, new calls queue for the update after this one.
        this.queuedApply = undefined;
        return this.applyTrust().then(
          () => { this.pushOwed = false; },
          (err: unknown) => { this.pushOwed = true; throw err; },
        );
      });
      this.queuedApply = next;
      this.lastApply = next;
      // Keep the chain alive after a failure; the callers still see this update's error.
      this.updateChain = next.catch(() => undefined);
    }
    return this.queuedApply;
  }

  /** What nats.connect needs for the coordinator's own connection (full rights, JetStream). */
  coordinatorConnectionOptions(): ConnectionOptions {
    return {
      servers: [clientAddress(this.opts.host, this.opts.port)],
      tls: { caFile: path.resolve(this.opts.tls.caFile) },
      authenticator: jwtAuthenticator(this.authority.coordinatorJwt(), this.authority.coordinator.seed),
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
    await this.updateChain;
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

  private async applyTrust(): Promise<void> {
    // The revocations are already on disk; auth.conf carries them to any server started later.
    const authority = this.authority;
    writeFileAtomic(this.authFile, renderAuthConfig(authority.trust()));
    if (this.state === 'stopped' || this.state === 'stopping') return;
    // A server being (re)started may have read auth.conf before this write: push once it is up.
    if (this.state !== 'running') await this.whenRunning();
    try {
      await pushAccountJwt(this.systemConnectionOptions(), authority.kkAccount.publicKey, authority.kkAccountJwt(), this.readyTimeoutMs);
    } catch (err) {
      // A server that died meanwhile comes back reading the new auth.conf.
      if ((this.state as State) === 'restarting' || (this.state as State) === 'starting') return this.whenRunning();
      throw err;
    }
    this.accountUpdateCount += 1;
    this.log.info({ revoked: authority.revokedCount, updates: this.accountUpdateCount }, ACCOUNT_UPDATE_LOG_MESSAGE);
  }

  /** The coordinator's system-account user: only for pushing account JWTs. */
  private systemConnectionOptions(): ConnectionOptions {
    return {
      servers: [clientAddress(this.opts.host, this.opts.port)],
      tls: { caFile: path.resolve(this.opts.tls.caFile) },
      authenticator: jwtAuthenticator(this.authority.systemUserJwt(), this.authority.systemUser.seed),
    };
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
