// The agent's main loop: enrol once, then keep a session open to the coordinator, report facts at
// start, when they change and when asked, and hold the node's NATS connection. Every outage is
// retried with jittered backoff; only a refusal that retrying cannot fix ends the process
// (exit 78, which kk-agent.service does not restart).
import * as grpc from '@grpc/grpc-js';
import { connect, type NatsConnection } from 'nats';
import type { AgentServiceClient } from '../../shared/proto/generated/kk/v1/AgentService';
import type { SessionEvent__Output } from '../../shared/proto/generated/kk/v1/SessionEvent';
import { collectFacts } from '../facts/index';
import { factSetToWire } from '../../shared/facts/wire';
import { createLogger, type Logger } from '../../shared/log';
import { Backoff, sleep } from '../../shared/backoff';
import { AgentStateStore, type AgentState } from './state';
import { enroll, PermanentRefusal } from './enroll';
import { factsChangeKey } from './change-key';
import { startCommandListener } from '../commands/listener';
import { agentChannel, agentNatsOptions } from './channel';
import { fetchNatsJwt, isNatsAuthError, NatsCredentialsError } from './nats-credentials';
import { UserError } from '../../shared/errors';
import { KK_VERSION } from '../../shared/version';

export interface AgentOptions {
  server?: string;
  token?: string;
  name?: string;
  dataDir: string;
  force: boolean;
}

export const EXIT_PERMANENT = 78;

export async function runAgent(opts: AgentOptions): Promise<void> {
  const log = createLogger('kk-agent');
  const store = new AgentStateStore(opts.dataDir);
  store.clearReady();
  const stop = new AbortController();
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.on(sig, () => {
      log.info({ signal: sig }, 'stopping');
      stop.abort();
      setTimeout(() => process.exit(0), 2000).unref();
    });
  }
  const name = opts.name ?? process.env.KK_NAME;
  const force = opts.force || process.env.KK_FORCE === '1';
  try {
    for (;;) {
      const state = store.load() ?? (await enrolWithRetry(opts, name, force, store, log, stop.signal));
      if (!state) return;
      const outcome = await new Agent(state, store, log, stop.signal).run();
      if (outcome === 'stopped') return;
      // 'removed': the coordinator no longer knows our certificate. Only a fresh run of the
      // one-liner (which leaves a rejoin file) may enrol this machine again.
      if (!store.rejoinRequested() || !(opts.token ?? process.env.KK_TOKEN)) {
        throw new PermanentRefusal('this node was removed from the coordinator: re-run the one-liner from `kk-coordinator token create` to enrol it again');
      }
      log.warn('the coordinator no longer knows this node and the one-liner was re-run: enrolling again');
      store.clear();
    }
  } catch (err) {
    if (err instanceof PermanentRefusal) {
      log.error({ reason: err.message }, 'enrolment refused');
      process.stderr.write(`kk-agent: ${err.message}\n`);
      process.exit(EXIT_PERMANENT);
    }
    throw err;
  }
}

async function enrolWithRetry(
  opts: AgentOptions,
  name: string | undefined,
  force: boolean,
  store: AgentStateStore,
  log: Logger,
  signal: AbortSignal,
): Promise<AgentState | null> {
  const server = opts.server ?? process.env.KK_SERVER;
  const joinToken = opts.token ?? process.env.KK_TOKEN;
  if (!server || !joinToken) throw new UserError('not enrolled yet: pass --server and --token (or set KK_SERVER and KK_TOKEN)', EXIT_PERMANENT);
  const backoff = new Backoff(1000, 30_000);
  while (!signal.aborted) {
    try {
      const state = await enroll({ server, joinToken, name, force });
      store.save(state);
      log.info({ node: state.identity.nodeName, grpc: state.identity.grpcAddress }, 'enrolled');
      return state;
    } catch (err) {
      if (err instanceof PermanentRefusal) throw err;
      const wait = backoff.next();
      log.warn({ err: (err as Error).message, retryInMs: wait }, 'cannot enrol yet');
      await sleep(wait, signal);
    }
  }
  return null;
}

type Outcome = 'stopped' | 'removed';

class Agent {
  private readonly client: AgentServiceClient;
  private lastKey = '';
  private lastRttMs = 0;
  private nats?: NatsConnection;
  private removed = false;
  private stopCommands?: () => Promise<void>;

  constructor(
    private readonly state: AgentState,
    private readonly store: AgentStateStore,
    private readonly log: Logger,
    private readonly signal: AbortSignal,
  ) {
    this.client = agentChannel(state);
  }

  async run(): Promise<Outcome> {
    const name = this.state.identity.nodeName;
    this.log.info({ node: name, coordinator: this.state.identity.grpcAddress }, 'agent starting');
    // connectNats retries until it connects or the agent stops; it handles its own failures.
    void this.connectNats();
    // A failed periodic report is simply tried again at the next tick.
    const poll = setInterval(() => {
      void this.report('periodic').catch(() => {});
    }, this.state.identity.factsIntervalSeconds * 1000);
    const backoff = new Backoff(1000, 30_000);
    try {
      while (!this.signal.aborted && !this.removed) {
        const started = Date.now();
        try {
          await this.report('startup', undefined, true);
          this.store.clearRejoin();
          this.store.markReady(name);
          await this.session();
        } catch (err) {
          if (this.removed) break;
          this.log.warn({ err: (err as Error).message }, 'lost the coordinator');
        }
        if (this.signal.aborted || this.removed) break;
        if (Date.now() - started > 60_000) backoff.reset();
        const wait = backoff.next();
        this.log.info({ retryInMs: wait }, 'reconnecting');
        await sleep(wait, this.signal);
      }
    } finally {
      clearInterval(poll);
      this.client.close();
      // Stopping: whatever fails to close here is gone with the process anyway.
      await this.stopCommands?.().catch(() => {});
      await this.nats?.close().catch(() => {});
    }
    return this.removed ? 'removed' : 'stopped';
  }

  /** Held open until the coordinator or the network goes away; refresh requests arrive on it. */
  private session(): Promise<void> {
    return new Promise((resolve, reject) => {
      const call = this.client.Session({ agentVersion: KK_VERSION });
      this.signal.addEventListener('abort', () => call.cancel(), { once: true });
      call.on('data', (ev: SessionEvent__Output) => {
        if (ev.refreshFacts) {
          const { requestId, fioDirectory } = ev.refreshFacts;
          this.report('requested', requestId, true, fioDirectory || undefined).catch((err: unknown) => {
            this.log.warn({ err: (err as Error).message }, 'requested fact report failed');
          });
        }
      });
      call.on('error', (err: grpc.ServiceError) => {
        if (err.code === grpc.status.CANCELLED && this.signal.aborted) resolve();
        else {
          this.checkRemoved(err);
          reject(new Error(err.details || err.message));
        }
      });
      call.on('end', () => reject(new Error('the coordinator closed the session')));
    });
  }

  private checkRemoved(err: grpc.ServiceError): void {
    if (err.code === grpc.status.PERMISSION_DENIED) {
      this.log.error({ err: err.details }, "the coordinator refuses this node's certificate");
      this.removed = true;
    }
  }

  /** Collects and sends facts; unless forced, only when they changed since the last report. */
  private async report(reason: string, requestId?: string, force = false, fioDirectory?: string): Promise<void> {
    const facts = await collectFacts({ fioDirectory });
    const key = factsChangeKey(facts);
    if (!force && key === this.lastKey) return;
    if (facts.time) facts.time.epochMs = Date.now();
    const sentAt = Date.now();
    await new Promise<void>((resolve, reject) => {
      this.client.ReportFacts(
        { facts: factSetToWire(facts), lastRoundTripMs: this.lastRttMs, reason: reason === 'periodic' ? 'changed' : reason, requestId: requestId ?? '' },
        { deadline: Date.now() + 30_000 },
        (err) => {
          if (err) {
            this.checkRemoved(err);
            reject(new Error(`fact report failed: ${err.details || err.message}`));
          } else resolve();
        },
      );
    });
    this.lastRttMs = Date.now() - sentAt;
    this.lastKey = key;
    this.log.debug({ reason, rttMs: this.lastRttMs }, 'facts reported');
  }

  /**
   * A NATS user JWT from the coordinator when we hold none (a data dir from before JWT auth) or the
   * server refused ours. A refusal of the call itself because our certificate is unknown means
   * this node was removed.
   */
  private async refreshNatsJwt(why: string): Promise<void> {
    try {
      const jwt = await fetchNatsJwt(this.client);
      this.state.natsJwt = jwt;
      this.store.saveNatsJwt(jwt);
      this.log.info({ why }, 'got NATS credentials from the coordinator');
    } catch (err) {
      if (err instanceof NatsCredentialsError && err.grpcError) this.checkRemoved(err.grpcError);
      throw err;
    }
  }

  /** The node's NATS identity: only its own subjects (commands arrive here; their executors are separate). */
  private async connectNats(refusedBefore = false): Promise<void> {
    const id = this.state.identity;
    const backoff = new Backoff(1000, 15_000);
    let refused = refusedBefore;
    while (!this.signal.aborted && !this.removed) {
      try {
        if (!this.state.natsJwt) await this.refreshNatsJwt('this node holds no NATS JWT (enrolled before NATS used JWTs)');
        else if (refused) await this.refreshNatsJwt('nats-server refused the JWT this node holds');
        refused = false;
        this.nats = await connect(agentNatsOptions(this.state));
        this.log.info({ nats: id.natsUrls }, 'NATS connected');
        this.stopCommands = startCommandListener(this.nats, {
          nodeName: id.nodeName,
          signingPublicKeyPem: id.commandSigningPublicKeyPem,
          caPem: this.state.caPem,
          serverUrl: id.server,
          dataDir: this.store.dir,
          log: this.log.child({ component: 'commands' }),
          subject: id.commandSubject,
        });
        const nc = this.nats;
        // Logs the connection's status for as long as it lives; the iterator ends when it closes.
        void (async () => {
          for await (const s of nc.status()) {
            if (s.type === 'reconnect') this.log.info({ server: s.data }, 'NATS reconnected');
            else if (s.type === 'disconnect') this.log.warn({ server: s.data }, 'NATS disconnected');
            else if (s.type === 'error') this.log.warn({ err: String(s.data) }, 'NATS error');
            else this.log.debug({ nats: s.type }, 'NATS status');
          }
        })();
        // nats.js gives up on a server that keeps refusing our credentials; start over (with a
        // fresh JWT) unless we are stopping or were removed.
        void nc.closed().then(async (closedBy) => {
          if (!closedBy || this.signal.aborted || this.removed || this.nats !== nc) return;
          this.log.warn({ err: closedBy.message }, 'NATS connection closed by the server');
          // The old connection is closed already; its listener may fail to stop cleanly, and a new one replaces it.
          await this.stopCommands?.().catch(() => {});
          this.stopCommands = undefined;
          await sleep(backoff.next(), this.signal);
          // Retries on its own until connected or stopped (see above).
          void this.connectNats(isNatsAuthError(closedBy));
        });
        return;
      } catch (err) {
        refused = isNatsAuthError(err);
        const wait = backoff.next();
        this.log.warn({ err: (err as Error).message, retryInMs: wait }, 'cannot connect to NATS yet');
        await sleep(wait, this.signal);
      }
    }
  }
}
