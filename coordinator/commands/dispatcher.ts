// The coordinator's side of commands over NATS: signs a command, publishes it to its node, and
// turns what comes back into one CommandOutcome. Delivery is at-least-once — the same signed bytes
// are re-published until the agent says it has the command, and again now and then while it runs
// to make sure the agent is still there — and the agent's journal makes repeats harmless.
//
// One wildcard subscription (kk.res.*.>) serves every command in flight, so a fan-out to a
// thousand nodes costs a map entry per command, not a subscription. NATS permissions guarantee
// that a message under kk.res.<node> comes from that node, so the node in the subject is trusted.
//
// Outcomes:
//   ok | failed | timeout | cancelled | refused   as the agent reported (refused: never executed)
//   unreachable   no agent took the command within acceptTimeoutMs (it did not run), or the agent
//                 went silent while running it (error says which; it may have partly run)
//   timeout       also when no result arrived within timeoutMs while the agent was alive
import { randomBytes } from 'node:crypto';
import type { NatsConnection, Subscription } from 'nats';
import {
  decodeAccepted,
  decodeOutputChunk,
  decodeResult,
  encodeCommand,
  encodeSignedCommand,
  isValidCommandId,
  type Command,
  type CommandStatus,
  type ExecCommand,
  type FetchCommand,
  type ProbeCommand,
  type RefreshFactsCommand,
  type ServiceCommand,
  type WriteFileCommand,
} from '../../shared/commands/codec';
import { signCommand } from '../../shared/commands/signing';
import { UserError } from '../../shared/errors';
import type { Logger } from '../../shared/log';
import { ALL_RESULTS_WILDCARD, assertNodeName, commandSubject, parseResultSubject } from '../../shared/subjects';

export type CommandSpec =
  | { exec: ExecCommand }
  | { writeFile: WriteFileCommand }
  | { fetch: FetchCommand }
  | { service: ServiceCommand }
  | { probe: ProbeCommand }
  | { refreshFacts: RefreshFactsCommand };

export type OutcomeStatus = CommandStatus | 'unreachable';

export interface CommandOutcome {
  id: string;
  node: string;
  status: OutcomeStatus;
  exitCode: number | null;
  durationMs: number;
  changed: boolean;
  stdoutTail: Buffer;
  stderrTail: Buffer;
  /** Total bytes the command wrote; the tails are the last ≤ 64 KiB of each. */
  stdoutBytes: number;
  stderrBytes: number;
  error?: string;
  /** The agent answered from its journal: the command had already run (or was interrupted) before. */
  fromJournal: boolean;
  data?: Record<string, string>;
}

export interface OutputEvent {
  node: string;
  id: string;
  seq: number;
  stream: 'stdout' | 'stderr';
  data: Buffer;
  droppedBytes: number;
}

export interface SendOptions {
  /** Stable across retries and resumes (run id + task id + host): [A-Za-z0-9_-]{1,128}. */
  id: string;
  /** How long to wait for the result; also the command's validity. Default: exec timeout + 60 s, else 10 min. */
  timeoutMs?: number;
  onOutput?: (chunk: OutputEvent) => void;
  /** Aborting sends a signed cancel to the node; the outcome is then normally `cancelled`. */
  signal?: AbortSignal;
}

export interface SendManyOptions extends Omit<SendOptions, 'id'> {
  idFor: (node: string) => string;
  /** Commands in flight at once; default 256. */
  concurrency?: number;
}

export interface DispatcherOptions {
  /** Re-publish interval until the agent accepts; default 2 s. */
  republishMs?: number;
  /** No acceptance (or, once running, no sign of life) for this long → unreachable; default 30 s. */
  acceptTimeoutMs?: number;
  /** While a command runs, re-publish this often to learn the agent is still there; default 10 s. */
  livenessMs?: number;
  /** After a cancel, how long to wait for the agent's cancelled result; default 10 s. */
  cancelWaitMs?: number;
  now?: () => number;
}

interface Pending {
  node: string;
  id: string;
  bytes: Uint8Array;
  sentAtMs: number;
  deadline: number;
  accepted: boolean;
  lastLifeMs: number;
  lastPublishMs: number;
  cancelBytes?: Uint8Array;
  cancelDeadline?: number;
  onOutput?: (chunk: OutputEvent) => void;
  finish: (o: CommandOutcome) => void;
}

const TICK_MS = 250;
/** Agents refuse commands valid for longer (agent/commands/listener.ts MAX_COMMAND_VALIDITY_MS). */
const MAX_COMMAND_VALIDITY_MS = 24 * 3600_000;
const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const EXEC_GRACE_MS = 60_000;

export class CommandDispatcher {
  private readonly pending = new Map<string, Pending>();
  private readonly sub: Subscription;
  private readonly ticker: NodeJS.Timeout;
  private readonly o: Required<Omit<DispatcherOptions, 'now'>> & { now: () => number };
  private connected = true;

  constructor(
    private readonly nc: NatsConnection,
    private readonly signingKeyPem: string,
    private readonly log: Logger,
    opts: DispatcherOptions = {},
  ) {
    this.o = {
      republishMs: opts.republishMs ?? 2000,
      acceptTimeoutMs: opts.acceptTimeoutMs ?? 30_000,
      livenessMs: opts.livenessMs ?? 10_000,
      cancelWaitMs: opts.cancelWaitMs ?? 10_000,
      now: opts.now ?? Date.now,
    };
    // Fail early on a key that cannot sign, not on the first command.
    signCommand(new Uint8Array(0), signingKeyPem);
    this.sub = nc.subscribe(ALL_RESULTS_WILDCARD, {
      callback: (err, msg) => {
        if (err) this.log.warn({ err: err.message }, 'result subscription error');
        else this.onMessage(msg.subject, msg.data);
      },
    });
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    this.ticker.unref();
    // Watches the connection's status for as long as it lives; the iterator ends when it closes.
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') this.connected = false;
        else if (s.type === 'reconnect') this.connected = true;
      }
    })().catch(() => {});
  }

  /** Commands in flight. */
  get inFlight(): number {
    return this.pending.size;
  }

  send(node: string, spec: CommandSpec, opts: SendOptions): Promise<CommandOutcome> {
    assertNodeName(node);
    if (!isValidCommandId(opts.id)) throw new UserError(`invalid command id ${JSON.stringify(opts.id.slice(0, 80))}: use 1–128 of A–Z a–z 0–9 _ -`);
    const key = `${node}\0${opts.id}`;
    if (this.pending.has(key)) throw new UserError(`command ${opts.id} for ${node} is already in flight`);
    const timeoutMs = opts.timeoutMs ?? defaultTimeout(spec);
    if (!(timeoutMs > 0) || timeoutMs > MAX_COMMAND_VALIDITY_MS)
      throw new UserError(`command timeout must be between 1 ms and ${MAX_COMMAND_VALIDITY_MS / 3600_000} h, got ${timeoutMs} ms`);
    const now = this.o.now();
    const bytes = this.sign({ id: opts.id, node, issuedAtMs: now, expiresAtMs: now + timeoutMs, ...spec });

    return new Promise<CommandOutcome>((resolve) => {
      const onAbort = () => this.cancel(p);
      const p: Pending = {
        node,
        id: opts.id,
        bytes,
        sentAtMs: now,
        deadline: now + timeoutMs,
        accepted: false,
        lastLifeMs: now,
        lastPublishMs: now,
        onOutput: opts.onOutput,
        finish: (o) => {
          this.pending.delete(key);
          opts.signal?.removeEventListener('abort', onAbort);
          resolve(o);
        },
      };
      this.pending.set(key, p);
      if (opts.signal?.aborted) {
        p.finish(this.outcome(p, 'cancelled', 'cancelled before it was sent'));
        return;
      }
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.publish(p.node, bytes);
    });
  }

  /** The same kind of command to many nodes, at most `concurrency` in flight; outcomes in node order. */
  async sendMany(nodes: string[], specFor: (node: string) => CommandSpec, opts: SendManyOptions): Promise<CommandOutcome[]> {
    nodes.forEach((n) => {
      assertNodeName(n);
      if (!isValidCommandId(opts.idFor(n))) throw new UserError(`invalid command id ${JSON.stringify(opts.idFor(n).slice(0, 80))} for ${n}`);
    });
    const out = new Array<CommandOutcome>(nodes.length);
    let next = 0;
    const worker = async () => {
      while (next < nodes.length) {
        const i = next++;
        const node = nodes[i] as string;
        out[i] = await this.send(node, specFor(node), { ...opts, id: opts.idFor(node) });
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 256, nodes.length) }, worker));
    return out;
  }

  /** Stops listening; commands still in flight end as unreachable. */
  async close(): Promise<void> {
    clearInterval(this.ticker);
    for (const p of [...this.pending.values()]) p.finish(this.outcome(p, 'unreachable', 'the dispatcher was closed before a result arrived'));
    this.sub.unsubscribe();
  }

  private sign(cmd: Command): Uint8Array {
    const bytes = encodeCommand(cmd);
    return encodeSignedCommand(bytes, signCommand(bytes, this.signingKeyPem));
  }

  private publish(node: string, bytes: Uint8Array): void {
    try {
      this.nc.publish(commandSubject(node), bytes);
    } catch (err) {
      this.log.warn({ node, err: (err as Error).message }, 'cannot publish a command');
    }
  }

  private cancel(p: Pending): void {
    if (p.cancelBytes) return;
    const now = this.o.now();
    const cancelId = `${p.id.slice(0, 100)}-cancel-${randomBytes(4).toString('hex')}`;
    p.cancelBytes = this.sign({ id: cancelId, node: p.node, issuedAtMs: now, expiresAtMs: now + this.o.cancelWaitMs + 60_000, cancel: { commandId: p.id } });
    p.cancelDeadline = now + this.o.cancelWaitMs;
    this.log.info({ node: p.node, id: p.id }, 'cancelling command');
    this.publish(p.node, p.cancelBytes);
  }

  private onMessage(subject: string, data: Uint8Array): void {
    const parsed = parseResultSubject(subject);
    const [id, kind] = parsed?.tokens ?? [];
    if (!parsed || !id || !kind || parsed.tokens.length !== 2) return;
    const p = this.pending.get(`${parsed.node}\0${id}`);
    try {
      if (kind === 'result') {
        const r = decodeResult(data);
        if (!p) {
          if (r.status === 'refused') this.log.warn({ node: parsed.node, id, reason: r.error }, 'a node refused a command');
          return;
        }
        if (r.id !== id) return;
        p.finish({
          id,
          node: p.node,
          status: asStatus(r.status),
          exitCode: r.exitCode < 0 ? null : r.exitCode,
          durationMs: r.durationMs,
          changed: r.changed,
          stdoutTail: r.stdoutTail,
          stderrTail: r.stderrTail,
          stdoutBytes: r.stdoutBytes,
          stderrBytes: r.stderrBytes,
          error: r.error || undefined,
          fromJournal: r.fromJournal,
          data: Object.keys(r.data).length ? r.data : undefined,
        });
      } else if (!p) {
        return;
      } else if (kind === 'accepted') {
        if (decodeAccepted(data).id !== id) return;
        p.accepted = true;
        p.lastLifeMs = this.o.now();
      } else if (kind === 'out') {
        const c = decodeOutputChunk(data);
        if (c.id !== id) return;
        p.accepted = true;
        p.lastLifeMs = this.o.now();
        p.onOutput?.({ node: p.node, id, seq: c.seq, stream: c.stream === 'stderr' ? 'stderr' : 'stdout', data: c.data, droppedBytes: c.droppedBytes });
      }
    } catch (err) {
      this.log.warn({ node: parsed.node, id, kind, err: (err as Error).message }, 'malformed message from a node');
    }
  }

  private tick(): void {
    const now = this.o.now();
    for (const p of [...this.pending.values()]) {
      if (!this.connected) {
        // Our own link is down: nobody can answer, so the silence is not the agent's.
        p.lastLifeMs = Math.max(p.lastLifeMs, now - this.o.republishMs);
        continue;
      }
      if (p.cancelDeadline !== undefined) {
        if (now >= p.cancelDeadline) p.finish(this.outcome(p, 'cancelled', 'cancel sent; the agent did not confirm it in time'));
        else if (now - p.lastPublishMs >= this.o.republishMs) {
          p.lastPublishMs = now;
          if (p.cancelBytes) this.publish(p.node, p.cancelBytes);
        }
        continue;
      }
      if (now >= p.deadline) {
        p.finish(
          p.accepted
            ? this.outcome(p, 'timeout', `no result within ${p.deadline - p.sentAtMs} ms`)
            : this.outcome(p, 'unreachable', `no agent took the command within ${p.deadline - p.sentAtMs} ms; it did not run`),
        );
        continue;
      }
      if (now - p.lastLifeMs >= this.o.acceptTimeoutMs) {
        p.finish(
          p.accepted
            ? this.outcome(p, 'unreachable', `the agent stopped answering for ${this.o.acceptTimeoutMs} ms while the command ran; it may have partly run`)
            : this.outcome(p, 'unreachable', `no agent took the command within ${this.o.acceptTimeoutMs} ms; it did not run`),
        );
        continue;
      }
      const every = p.accepted ? this.o.livenessMs : this.o.republishMs;
      if (now - p.lastPublishMs >= every) {
        p.lastPublishMs = now;
        this.publish(p.node, p.bytes);
      }
    }
  }

  private outcome(p: Pending, status: OutcomeStatus, error: string): CommandOutcome {
    return {
      id: p.id,
      node: p.node,
      status,
      exitCode: null,
      durationMs: Math.max(0, this.o.now() - p.sentAtMs),
      changed: false,
      stdoutTail: Buffer.alloc(0),
      stderrTail: Buffer.alloc(0),
      stdoutBytes: 0,
      stderrBytes: 0,
      error,
      fromJournal: false,
    };
  }
}

function defaultTimeout(spec: CommandSpec): number {
  if ('exec' in spec && spec.exec.timeoutMs) return spec.exec.timeoutMs + EXEC_GRACE_MS;
  return DEFAULT_TIMEOUT_MS;
}

function asStatus(s: string): CommandStatus {
  return s === 'ok' || s === 'failed' || s === 'refused' || s === 'timeout' || s === 'cancelled' ? s : 'failed';
}
