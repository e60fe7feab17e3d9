// One simulated node. Everything on the wire is what the real agent does: enrolment through
// agent/runtime/enroll.ts (own key, CSR and nkey, a real join token), its own mTLS gRPC channel
// with a Session stream and fact reports, its own NATS connection authenticated with the user JWT
// enrolment returned and its own nkey (fetching a fresh JWT over gRPC when the server refuses it,
// as the agent does), and agent/commands/listener.ts verifying and running the signed commands (with a journal
// in its own data dir). Only the facts are made up (facts.ts) instead of read from this host.
import { agentChannel, agentNatsOptions } from '../../agent/runtime/channel';
import type * as grpc from '@grpc/grpc-js';
import { connect, type NatsConnection } from 'nats';
import { enroll, PermanentRefusal } from '../../agent/runtime/enroll';
import { fetchNatsJwt, isNatsAuthError } from '../../agent/runtime/nats-credentials';
import type { AgentState } from '../../agent/runtime/state';
import { startCommandListener } from '../../agent/commands/listener';
import type { AgentServiceClient } from '../../shared/proto/generated/kk/v1/AgentService';
import type { SessionEvent__Output } from '../../shared/proto/generated/kk/v1/SessionEvent';
import { factSetToWire } from '../../shared/facts/wire';
import type { FactSet } from '../../shared/facts/types';
import { Backoff, sleep } from '../../shared/backoff';
import { KK_VERSION } from '../../shared/version';
import type { Logger } from '../../shared/log';
import { simulatedFacts, simulatedMachineId } from './facts';

export interface SimAgentSpec {
  index: number;
  name: string;
  server: string;
  joinToken: string;
  /** This node's data dir (command journal); one per simulated node. */
  dataDir: string;
}

export interface SimAgentEvents {
  enrolled(ms: number, attempts: number): void;
  ready(ms: number, natsAttempts: number): void;
  failed(error: string): void;
}

export class SimAgent {
  private state?: AgentState;
  private client?: AgentServiceClient;
  private nats?: NatsConnection;
  private stopCommands?: () => Promise<void>;
  private session?: grpc.ClientReadableStream<SessionEvent__Output>;
  private lastRttMs = 0;
  private readonly abort = new AbortController();
  private facts: FactSet;
  reports = 0;
  natsAttempts = 0;
  private natsRefused = false;

  constructor(
    private readonly spec: SimAgentSpec,
    private readonly log: Logger,
  ) {
    this.facts = simulatedFacts(spec.index, spec.name);
  }

  get name(): string {
    return this.spec.name;
  }

  /** Enrols, reports facts, opens the session and the NATS connection; calls back as it goes. */
  async start(events: SimAgentEvents, startedAt = Date.now()): Promise<void> {
    const backoff = new Backoff(1000, 15_000);
    let attempts = 0;
    while (!this.abort.signal.aborted) {
      attempts++;
      try {
        this.state = await enroll({
          server: this.spec.server,
          joinToken: this.spec.joinToken,
          name: this.spec.name,
          force: false,
          machineId: simulatedMachineId(this.spec.name),
        });
        break;
      } catch (err) {
        if (err instanceof PermanentRefusal) return events.failed(`enrolment refused: ${err.message}`);
        this.log.debug({ node: this.spec.name, err: (err as Error).message }, 'enrolment failed, retrying');
        await sleep(backoff.next(), this.abort.signal);
      }
    }
    if (!this.state) return;
    events.enrolled(Date.now() - startedAt, attempts);
    const s = this.state;
    this.client = agentChannel(s);
    try {
      await this.retrying(() => this.report('startup'));
      this.openSession();
      await this.retrying(() => {
        this.natsAttempts++;
        return this.connectNats();
      });
    } catch (err) {
      if (!this.abort.signal.aborted) events.failed((err as Error).message);
      return;
    }
    if (!this.abort.signal.aborted) events.ready(Date.now() - startedAt, this.natsAttempts);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.session?.cancel();
    await this.stopCommands?.().catch(() => {});
    await this.nats?.close().catch(() => {});
    this.client?.close();
  }

  private async retrying(fn: () => Promise<void>, attempts = 8): Promise<void> {
    const backoff = new Backoff(500, 10_000);
    for (let i = 1; ; i++) {
      try {
        return await fn();
      } catch (err) {
        if (i >= attempts || this.abort.signal.aborted) throw err;
        this.log.info({ node: this.spec.name, attempt: i, err: (err as Error).message }, 'retrying');
        await sleep(backoff.next(), this.abort.signal);
      }
    }
  }

  /** Same request as the real agent's report; the facts are this node's simulated ones, stamped now. */
  private report(reason: string, requestId = ''): Promise<void> {
    const client = this.client;
    if (!client) return Promise.reject(new Error('not enrolled'));
    const now = Date.now();
    this.facts.collectedAtMs = now;
    if (this.facts.time) this.facts.time.epochMs = now;
    return new Promise<void>((resolve, reject) => {
      client.ReportFacts({ facts: factSetToWire(this.facts), lastRoundTripMs: this.lastRttMs, reason, requestId }, { deadline: now + 30_000 }, (err) => {
        if (err) reject(new Error(`fact report failed: ${err.details || err.message}`));
        else {
          this.lastRttMs = Date.now() - now;
          this.reports++;
          resolve();
        }
      });
    });
  }

  /** Held open like the real agent's; reopened after a failure while the node runs. */
  private openSession(): void {
    const client = this.client;
    if (!client || this.abort.signal.aborted) return;
    const call = client.Session({ agentVersion: KK_VERSION });
    this.session = call;
    call.on('data', (ev: SessionEvent__Output) => {
      if (ev.refreshFacts) {
        this.report('requested', ev.refreshFacts.requestId).catch((err: unknown) =>
          this.log.warn({ node: this.spec.name, err: (err as Error).message }, 'requested fact report failed'),
        );
      }
    });
    const reopen = () => {
      if (this.session !== call || this.abort.signal.aborted) return;
      this.session = undefined;
      setTimeout(() => this.openSession(), 1000 + Math.random() * 1000).unref();
    };
    call.on('error', (err: grpc.ServiceError) => {
      if (!this.abort.signal.aborted) this.log.warn({ node: this.spec.name, err: err.details || err.message }, 'session lost');
      reopen();
    });
    call.on('end', reopen);
  }

  private async connectNats(): Promise<void> {
    const s = this.state!;
    const id = s.identity;
    // A retry after a failed flush: drop the half-made connection and its listener first.
    await this.stopCommands?.().catch(() => {});
    await this.nats?.close().catch(() => {});
    if (!s.natsJwt || this.natsRefused) {
      if (!this.client) throw new Error('not enrolled');
      s.natsJwt = await fetchNatsJwt(this.client);
      this.natsRefused = false;
    }
    let nc: NatsConnection;
    try {
      nc = await connect(agentNatsOptions(s, 20_000));
    } catch (err) {
      this.natsRefused = isNatsAuthError(err);
      throw err;
    }
    this.nats = nc;
    this.stopCommands = startCommandListener(nc, {
      nodeName: id.nodeName,
      signingPublicKeyPem: id.commandSigningPublicKeyPem,
      caPem: s.caPem,
      serverUrl: id.server,
      dataDir: this.spec.dataDir,
      log: this.log.child({ node: id.nodeName }),
      subject: id.commandSubject,
    });
    // Ready means the subscription is on the server, so the first command is not a republish.
    await nc.flush();
  }
}
