// The agent's command listener: every message on this node's command subject is decoded (size
// bounded), verified (Ed25519 by the coordinator's key), checked (this node, not expired, not a
// replay), looked up in the journal, and only then run by its executor. Whatever happens, the
// coordinator hears back on kk.res.<node>.<id>.*: "accepted" as soon as it runs (and again for
// every redelivery while it runs), output chunks while it runs, and exactly one result per
// delivery — a refusal carries the reason and nothing was executed.
import type { NatsConnection, Subscription } from 'nats';
import {
  decodeCommand,
  decodeSignedCommand,
  encodeAccepted,
  encodeOutputChunk,
  encodeResult,
  isValidCommandId,
  MAX_COMMAND_BYTES,
  MAX_RESULT_DATA_BYTES,
  type Command__Output,
} from '../../shared/commands/codec';
import { payloadHash } from '../../shared/commands/payload-hash';
import { verifyCommand } from '../../shared/commands/signing';
import type { Logger } from '../../shared/log';
import { commandOutputSubject, commandResultSubject, commandSubject, resultSubject } from '../../shared/subjects';
import { runExec } from './exec';
import { runFetch } from './fetch';
import { ANY_PAYLOAD, CommandJournal, type FinalResult } from './journal';
import { OutputStreamer } from './output';
import { killLeftoverGroup } from './process-group';
import { runProbe } from './probe';
import { runRefreshFacts } from './refresh-facts';
import { runService } from './service';
import { failed, type ExecutorContext, type ExecutorOutcome } from './types';
import { runWriteFile } from './write-file';

export interface CommandListenerOptions {
  nodeName: string;
  /** The coordinator's Ed25519 command-signing public key (from enrolment). */
  signingPublicKeyPem: string;
  /** The coordinator CA and HTTPS URL, for fetch. */
  caPem: string;
  serverUrl: string;
  /** The agent data dir; the journal and the fetch cache live under it. */
  dataDir: string;
  log: Logger;
  /** Default commandSubject(nodeName). */
  subject?: string;
  /** Output streaming rate per command (see OutputStreamer); defaults 1 MiB/s, burst 2 MiB. */
  outputBytesPerSecond?: number;
  outputBurstBytes?: number;
  now?: () => number;
}

/** Commands may be valid for at most a day: far less than the journal keeps ids (7 days). */
export const MAX_COMMAND_VALIDITY_MS = 24 * 3600_000;
/** Clock difference tolerated between coordinator and node when checking issue and expiry times. */
export const CLOCK_SKEW_MS = 5 * 60_000;
const EXPIRY_SKEW_MS = 30_000;
const STOP_WAIT_MS = 5000;
/** Refusals of commands whose id cannot be trusted go here (one fixed, valid subject token). */
export const UNKNOWN_ID = 'unknown-command';

interface Running {
  hash: string;
  abort: AbortController;
  startedAtMs: number;
  done: Promise<void>;
  /** Set once the result is published, until it is in the journal: redeliveries get it from here. */
  result?: FinalResult;
}

export function startCommandListener(nc: NatsConnection, opts: CommandListenerOptions): () => Promise<void> {
  const log = opts.log;
  const now = opts.now ?? Date.now;
  const node = opts.nodeName;
  const journal = new CommandJournal(opts.dataDir, { now });
  const running = new Map<string, Running>();

  for (const e of journal.recoverInterrupted()) {
    const killed = e.processGroup ? killLeftoverGroup(e.processGroup) : false;
    log.warn({ id: e.id, leftoverProcessesKilled: killed }, 'a command was running when the agent stopped; it is reported as failed and will not run again');
  }
  const swept = journal.sweep();
  if (swept) log.info({ removed: swept }, 'expired command journal entries removed');
  const sweeper = setInterval(() => journal.sweep(), 3600_000);
  sweeper.unref();

  const publish = (subject: string, data: Uint8Array) => {
    try {
      nc.publish(subject, data);
    } catch (err) {
      log.warn({ subject, err: (err as Error).message }, 'cannot publish to NATS');
    }
  };
  const publishResult = (id: string, r: FinalResult, fromJournal: boolean) => {
    publish(
      commandResultSubject(node, id),
      encodeResult({
        id,
        status: r.status,
        exitCode: r.exitCode ?? -1,
        durationMs: r.durationMs,
        changed: r.changed,
        error: r.error,
        stdoutTail: r.stdoutTail,
        stderrTail: r.stderrTail,
        stdoutBytes: r.stdoutBytes,
        stderrBytes: r.stderrBytes,
        fromJournal,
        data: r.data,
      }),
    );
  };
  const refuse = (id: string | undefined, reason: string) => {
    log.warn({ id, reason }, 'command refused');
    publishResult(id ?? UNKNOWN_ID, { ...emptyResult('refused'), error: reason }, false);
  };

  const onMessage = (data: Uint8Array): void => {
    if (data.length > MAX_COMMAND_BYTES + 1024) return refuse(undefined, `command of ${data.length} bytes is larger than ${MAX_COMMAND_BYTES}`);
    let env;
    try {
      env = decodeSignedCommand(data);
    } catch (err) {
      return refuse(undefined, `malformed command envelope: ${(err as Error).message}`);
    }
    // Decoded before verification only to address the refusal; nothing else trusts it until then.
    let cmd: Command__Output | undefined;
    try {
      cmd = decodeCommand(env.command);
    } catch {
      cmd = undefined;
    }
    const claimedId = cmd && isValidCommandId(cmd.id) ? cmd.id : undefined;
    if (env.signature.length === 0) return refuse(claimedId, 'unsigned command');
    if (!verifyCommand(env.command, env.signature, opts.signingPublicKeyPem))
      return refuse(claimedId, "bad signature: not signed by this coordinator's command-signing key");
    if (!cmd) return refuse(undefined, 'malformed command (signed, but not a kk.v1.Command)');
    if (!claimedId) return refuse(undefined, `invalid command id ${JSON.stringify(cmd.id.slice(0, 80))}`);
    const id = claimedId;
    if (cmd.node !== node) return refuse(id, `command for node ${JSON.stringify(cmd.node)}, this is ${JSON.stringify(node)}`);
    if (!cmd.kind) return refuse(id, 'command has no kind');
    const hash = payloadHash(cmd);

    const r = running.get(id);
    if (r) {
      if (r.hash !== hash) return refuse(id, 'replay: this id is running with a different payload');
      if (r.result) return publishResult(id, r.result, true);
      publish(resultSubject(node, id, 'accepted'), encodeAccepted({ id, startedAtMs: r.startedAtMs, alreadyRunning: true }));
      return;
    }
    if (cmd.kind !== 'cancel') {
      const v = journal.check(id, hash);
      if (v.verdict === 'replay') return refuse(id, 'replay: this id already ran with a different payload');
      if (v.verdict === 'journaled' || v.verdict === 'interrupted') {
        log.info({ id, status: v.result.status, verdict: v.verdict }, 'redelivered command answered from the journal');
        return publishResult(id, v.result, true);
      }
    }
    const t = now();
    if (t > cmd.expiresAtMs + EXPIRY_SKEW_MS) return refuse(id, `expired at ${new Date(cmd.expiresAtMs).toISOString()}`);
    if (cmd.issuedAtMs > t + CLOCK_SKEW_MS) return refuse(id, `issued in the future (${new Date(cmd.issuedAtMs).toISOString()}): check the clocks`);
    if (cmd.expiresAtMs - cmd.issuedAtMs > MAX_COMMAND_VALIDITY_MS) return refuse(id, `valid for more than ${MAX_COMMAND_VALIDITY_MS / 3600_000} h`);
    if (cmd.kind === 'cancel') return cancel(id, cmd.cancel?.commandId ?? '');
    start(id, hash, cmd);
  };

  const cancel = (id: string, target: string): void => {
    if (!isValidCommandId(target)) return refuse(id, `cancel: invalid command id ${JSON.stringify(target.slice(0, 80))}`);
    const r = running.get(target);
    let state: string;
    if (r && !r.result) {
      r.abort.abort();
      state = 'running';
    } else if (r) {
      state = 'finished';
    } else if (journal.get(target)) {
      state = 'finished';
    } else {
      // Not seen yet: make sure a late delivery never runs it.
      const res: FinalResult = { ...emptyResult('cancelled'), error: 'cancelled before it started' };
      journal.finished(target, ANY_PAYLOAD, res);
      publishResult(target, res, false);
      state = 'not-started';
    }
    log.info({ id, target, state }, 'cancel');
    publishResult(id, { ...emptyResult('ok'), data: { target, state } }, false);
  };

  const start = (id: string, hash: string, cmd: Command__Output): void => {
    try {
      journal.started(id, hash);
    } catch (err) {
      return publishResult(id, { ...emptyResult('failed'), error: `cannot write the command journal: ${(err as Error).message}; not run` }, false);
    }
    const abort = new AbortController();
    const startedAtMs = now();
    const entry: Running = { hash, abort, startedAtMs, done: Promise.resolve() };
    running.set(id, entry);
    publish(resultSubject(node, id, 'accepted'), encodeAccepted({ id, startedAtMs, alreadyRunning: false }));
    log.info({ id, kind: cmd.kind }, 'command started');
    const streamer = new OutputStreamer({
      publish: (c) =>
        publish(commandOutputSubject(node, id), encodeOutputChunk({ id, seq: c.seq, stream: c.stream, data: c.data, droppedBytes: c.droppedBytes })),
      bytesPerSecond: opts.outputBytesPerSecond,
      burstBytes: opts.outputBurstBytes,
    });
    let commandLog: Logger | undefined;
    const ctx: ExecutorContext = {
      id,
      signal: abort.signal,
      output: streamer,
      dataDir: opts.dataDir,
      caPem: opts.caPem,
      serverUrl: opts.serverUrl,
      // Made when an executor first logs: most commands never do.
      get log() {
        commandLog ??= log.child({ command: id });
        return commandLog;
      },
      onProcessGroup: (pid) => {
        try {
          journal.setProcessGroup(id, pid);
        } catch (err) {
          log.warn({ id, err: (err as Error).message }, 'cannot journal the process group');
        }
      },
    };
    entry.done = execute(cmd, ctx).then(async (outcome) => {
      const tails = streamer.close();
      const result: FinalResult = {
        status: outcome.status,
        exitCode: outcome.exitCode,
        durationMs: Math.max(0, now() - startedAtMs),
        changed: outcome.changed,
        error: outcome.error ?? '',
        ...tails,
        data: boundData(outcome.data ?? {}),
      };
      // The coordinator is waiting for the result: it leaves first (NATS sends it from a microtask)
      // and the journal's fsyncs follow. Were the agent to die in between, the entry still reads
      // "started" — the command is reported interrupted, never run again.
      entry.result = result;
      publishResult(id, result, false);
      await new Promise<void>((resolve) => setImmediate(resolve));
      try {
        journal.finished(id, hash, result);
      } catch (err) {
        log.error({ id, err: (err as Error).message }, 'cannot journal the result; a redelivery will report the command as interrupted');
      }
      running.delete(id);
      log.info({ id, status: result.status, exitCode: result.exitCode, durationMs: result.durationMs }, 'command finished');
    });
  };

  const sub: Subscription = nc.subscribe(opts.subject ?? commandSubject(node), {
    callback: (err, msg) => {
      if (err) {
        log.warn({ err: err.message }, 'command subscription error');
        return;
      }
      try {
        onMessage(msg.data);
      } catch (e) {
        log.error({ err: (e as Error).message }, 'command handling failed');
      }
    },
  });
  log.info({ subject: sub.getSubject() }, 'listening for commands');

  let stopped: Promise<void> | undefined;
  return () => {
    stopped ??= (async () => {
      clearInterval(sweeper);
      sub.unsubscribe();
      const pending = [...running.values()];
      for (const r of pending) r.abort.abort();
      await Promise.race([Promise.all(pending.map((r) => r.done)), new Promise((res) => setTimeout(res, STOP_WAIT_MS).unref())]);
      // Best effort to get the last results out; a closed connection has nothing to flush.
      await nc.flush().catch(() => {});
    })();
    return stopped;
  };
}

async function execute(cmd: Command__Output, ctx: ExecutorContext): Promise<ExecutorOutcome> {
  try {
    switch (cmd.kind) {
      case 'exec':
        return await runExec(cmd.exec ?? {}, ctx);
      case 'writeFile':
        return runWriteFile(cmd.writeFile ?? {});
      case 'fetch':
        return await runFetch(cmd.fetch ?? {}, ctx);
      case 'service':
        return await runService(cmd.service ?? {}, ctx);
      case 'probe':
        return await runProbe(cmd.probe ?? {}, ctx);
      case 'refreshFacts':
        return await runRefreshFacts(cmd.refreshFacts ?? {});
      default:
        return failed(`unsupported command kind ${String(cmd.kind)}`);
    }
  } catch (err) {
    return failed(`${cmd.kind} failed: ${(err as Error).message}`);
  }
}

function emptyResult(status: FinalResult['status']): FinalResult {
  return {
    status,
    exitCode: null,
    durationMs: 0,
    changed: false,
    error: '',
    stdoutTail: Buffer.alloc(0),
    stderrTail: Buffer.alloc(0),
    stdoutBytes: 0,
    stderrBytes: 0,
    data: {},
  };
}

/** Keeps a result within one NATS message whatever an executor put in its data. */
function boundData(data: Record<string, string>): Record<string, string> {
  let total = 0;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) {
    const room = MAX_RESULT_DATA_BYTES - total - k.length;
    if (room <= 0) break;
    out[k] = Buffer.byteLength(v) > room ? Buffer.from(v).subarray(0, room).toString() : v;
    total += k.length + Buffer.byteLength(out[k]);
  }
  return out;
}
