// The fleet simulator: N simulated nodes spread over a few worker processes (the machine has few
// cores; one process per node would measure process start-up, not kk). Each node is a SimAgent
// (agent.ts) with its own identity and connections against an unchanged coordinator.
//
//   const fleet = new Fleet({ server, joinToken, count: 1000 });
//   await fleet.start();
//   await fleet.ready(120_000);    // every node enrolled, reported facts, session and NATS up
//   …
//   await fleet.stop();
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fleetHosts, type FleetHost } from './inventory';
import type { FromWorker, ToWorker } from './protocol';
import { bundleWorker, type WorkerBundle } from './worker-bundle';

export interface FleetOptions {
  /** The coordinator's HTTPS URL (as in the one-liner's --server). */
  server: string;
  /** `<ca-hash>::<id>.<secret>` from `kk-coordinator token create` (with enough uses). */
  joinToken: string;
  count: number;
  /** Worker processes; default 4. */
  workers?: number;
  /** Node names are `<prefix>-00000` …; default "sim". */
  prefix?: string;
  /** Enrolments in flight per worker; default 0 = every node at once, like a fleet booting together. */
  concurrency?: number;
  /**
   * Where the nodes' data dirs (command journals) live. Default: a fresh dir in /dev/shm — a
   * real node fsyncs its journal on its own disk; a thousand simulated nodes sharing this
   * machine's disk would measure that disk, not kk.
   */
  dataRoot?: string;
  logLevel?: string;
  /** Extra Node flags for the worker processes (e.g. ['--cpu-prof', '--cpu-prof-dir=DIR']). */
  workerNodeArgs?: string[];
}

export interface FleetProgress {
  enrolled: number;
  ready: number;
  failed: Map<string, string>;
}

const REPO = path.resolve(import.meta.dirname, '../..');

export class Fleet {
  readonly hosts: FleetHost[];
  readonly enrolledMs = new Map<string, number>();
  readonly readyMs = new Map<string, number>();
  readonly attempts = new Map<string, number>();
  /** NATS connection attempts per node until its connection stood (1 = first try). */
  readonly natsAttempts = new Map<string, number>();
  readonly failed = new Map<string, string>();
  private readonly workers: ChildProcess[] = [];
  private readonly dataRoot: string;
  private readonly ownDataRoot: boolean;
  private readonly waiters = new Set<() => void>();
  private statsWaiters: ((m: Extract<FromWorker, { type: 'stats' }>) => void)[] = [];
  private bundle?: WorkerBundle;
  startedAt = 0;

  constructor(private readonly o: FleetOptions) {
    this.hosts = fleetHosts(o.count, o.prefix ?? 'sim');
    this.ownDataRoot = !o.dataRoot;
    this.dataRoot = o.dataRoot ?? mkdtempSync(path.join('/dev/shm', 'kk-fleet-'));
  }

  /** Forks the workers, waits until they are loaded, then starts every node at once (startedAt). */
  async start(): Promise<void> {
    const n = Math.max(1, Math.min(this.o.workers ?? 4, this.hosts.length));
    const starts: (() => void)[] = [];
    const loaded: Promise<void>[] = [];
    this.bundle ??= await bundleWorker();
    for (let w = 0; w < n; w++) {
      const share = this.hosts.map((h, index) => ({ index, name: h.name })).filter((_, i) => i % n === w);
      const child = fork(this.bundle.file, [], {
        cwd: REPO,
        execArgv: this.o.workerNodeArgs ?? [],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        serialization: 'json',
      });
      loaded.push(
        new Promise<void>((resolve, reject) => {
          child.once('message', (m: FromWorker) => (m.type === 'loaded' ? resolve() : reject(new Error(`fleet worker said ${m.type} before loaded`))));
          child.once('exit', (code) => reject(new Error(`fleet worker exited (${code}) while loading`)));
        }),
      );
      child.on('message', (m: FromWorker) => this.onMessage(m));
      child.on('exit', (code, signal) => {
        if (code !== 0 && !this.stopping) {
          for (const a of share) if (!this.readyMs.has(a.name)) this.failed.set(a.name, `worker exited (${code ?? signal})`);
          this.wake();
        }
      });
      this.workers.push(child);
      const msg: ToWorker = {
        type: 'start',
        server: this.o.server,
        joinToken: this.o.joinToken,
        dataRoot: this.dataRoot,
        agents: share,
        concurrency: this.o.concurrency ?? 0,
        logLevel: this.o.logLevel ?? 'warn',
      };
      starts.push(() => child.send(msg));
    }
    await Promise.all(loaded);
    this.startedAt = Date.now();
    for (const go of starts) go();
  }

  get progress(): FleetProgress {
    return { enrolled: this.enrolledMs.size, ready: this.readyMs.size, failed: this.failed };
  }

  /** Resolves when every node is ready; rejects when one failed for good or on timeout. */
  async ready(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.readyMs.size < this.hosts.length) {
      if (this.failed.size)
        throw new Error(
          `${this.failed.size} simulated node(s) failed, e.g. ${[...this.failed]
            .slice(0, 3)
            .map(([n, e]) => `${n}: ${e}`)
            .join('; ')}`,
        );
      const left = until - Date.now();
      if (left <= 0)
        throw new Error(`only ${this.readyMs.size}/${this.hosts.length} simulated nodes ready after ${timeoutMs} ms (${this.enrolledMs.size} enrolled)`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, Math.min(left, 1000));
        function done() {
          clearTimeout(t);
          resolve();
        }
        this.waiters.add(done);
      });
    }
  }

  /** Memory of the worker processes (all simulated nodes together). */
  /** The worker processes' pids (for CPU accounting). */
  workerPids(): number[] {
    return this.workers.map((w) => w.pid).filter((p): p is number => typeof p === 'number');
  }

  async stats(): Promise<{ rssBytes: number; heapUsedBytes: number; reports: number }> {
    const answers = await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<Extract<FromWorker, { type: 'stats' }>>((resolve) => {
            this.statsWaiters.push(resolve);
            w.send({ type: 'stats' } satisfies ToWorker);
          }),
      ),
    );
    return answers.reduce((a, s) => ({ rssBytes: a.rssBytes + s.rssBytes, heapUsedBytes: a.heapUsedBytes + s.heapUsedBytes, reports: a.reports + s.reports }), {
      rssBytes: 0,
      heapUsedBytes: 0,
      reports: 0,
    });
  }

  private stopping = false;

  /** Closes every node's connections, ends the workers and removes the nodes' data dirs. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.exitCode !== null || w.signalCode !== null) return resolve();
            const t = setTimeout(() => w.kill('SIGKILL'), 15_000);
            w.once('exit', () => {
              clearTimeout(t);
              resolve();
            });
            try {
              w.send({ type: 'stop' } satisfies ToWorker);
            } catch {
              w.kill('SIGKILL');
            }
          }),
      ),
    );
    if (this.ownDataRoot) rmSync(this.dataRoot, { recursive: true, force: true });
    this.bundle?.remove();
  }

  private onMessage(m: FromWorker): void {
    if (m.type === 'enrolled') {
      this.enrolledMs.set(m.name, m.ms);
      this.attempts.set(m.name, m.attempts);
    } else if (m.type === 'ready') {
      this.readyMs.set(m.name, m.ms);
      this.natsAttempts.set(m.name, m.natsAttempts);
    } else if (m.type === 'failed') this.failed.set(m.name, m.error);
    else if (m.type === 'stats') this.statsWaiters.shift()?.(m);
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters) w();
    this.waiters.clear();
  }
}
