// A test double for the command path that behaves like agents on real machines as far as the
// phases can tell: each node is a directory standing in for its root filesystem; writeFile
// writes there with the requested mode; exec really runs /bin/bash (paths under /etc are mapped
// into the node's directory). Like the agent, it journals finished command ids: the same id again
// returns the journaled result without running, the same id with a different payload is refused.
// Every command is validated the way the dispatcher would (id a single subject token, exactly one
// of argv/script, absolute paths), and every call is recorded.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isValidSubjectToken } from '../../../shared/subjects';
import type { CommandOutcome, CommandSpec, HostExecutor, SendOptions } from '../../../coordinator/phases/executor';
import { payloadDigest } from '../../../coordinator/runs/ids';

export interface Call {
  node: string;
  id: string;
  spec: CommandSpec;
  /** false when answered from the journal or refused. */
  executed: boolean;
}

export class FakeNodes implements HostExecutor {
  readonly root = mkdtempSync(path.join(tmpdir(), 'kk-fake-nodes-'));
  readonly calls: Call[] = [];
  private readonly journal = new Map<string, { digest: string; outcome: CommandOutcome }>();
  /** Simulates the coordinator dying right after the agent ran this command id. */
  crashAfter: ((node: string, id: string) => boolean) | null = null;
  unreachable = new Set<string>();

  constructor(readonly nodes: string[]) {
    for (const n of nodes) mkdirSync(this.nodeRoot(n), { recursive: true });
  }

  nodeRoot(node: string): string {
    return path.join(this.root, node);
  }

  /** A path on the node, as the test sees it. */
  file(node: string, remote: string): string {
    return path.join(this.nodeRoot(node), remote);
  }

  put(node: string, remote: string, content: string, mode = 0o644): void {
    const f = this.file(node, remote);
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileSync(f, content);
    chmodSync(f, mode);
  }

  private map(node: string, text: string): string {
    return text.replace(/(^|[\s'"=])\/etc\//g, `$1${this.nodeRoot(node)}/etc/`);
  }

  private validate(node: string, spec: CommandSpec, opts: SendOptions): void {
    assert.ok(this.nodes.includes(node), `command sent to unknown node ${node}`);
    assert.ok(isValidSubjectToken(opts.id), `command id ${opts.id} is not a single NATS token of at most 128 characters`);
    const kinds = Object.keys(spec);
    assert.equal(kinds.length, 1, `a command has exactly one kind, got ${kinds.join(', ')}`);
    if ('exec' in spec) {
      const e = spec.exec;
      assert.ok((e.argv === undefined || e.argv.length === 0) !== (e.script === undefined || e.script === ''), 'exec needs exactly one of argv and script');
      if (e.argv) assert.ok(e.argv[0]!.startsWith('/'), `argv[0] must be an absolute path: ${e.argv[0]}`);
      if (e.cwd !== undefined) assert.ok(e.cwd.startsWith('/'), 'cwd must be absolute');
      for (const [k, v] of Object.entries(e.env ?? {})) assert.ok(/^[A-Z_][A-Z0-9_]*$/.test(k) && typeof v === 'string', `bad env ${k}`);
    } else if ('writeFile' in spec) {
      const w = spec.writeFile;
      assert.ok(w.path !== undefined && w.path.startsWith('/') && !w.path.includes('..'), `writeFile path must be absolute: ${w.path}`);
      assert.ok((w.text === undefined) !== (w.data === undefined), 'writeFile needs exactly one of text and data');
      if (w.mode !== undefined) assert.ok(Number.isInteger(w.mode) && w.mode >= 0 && w.mode <= 0o7777, 'bad mode');
    } else {
      assert.fail(`the phases under test send only exec and writeFile, got ${kinds[0]}`);
    }
  }

  private outcome(
    node: string,
    id: string,
    status: CommandOutcome['status'],
    exitCode: number | null,
    stdout = '',
    stderr = '',
    error?: string,
  ): CommandOutcome {
    return {
      id,
      node,
      status,
      exitCode,
      durationMs: 5,
      changed: status === 'ok',
      stdoutTail: Buffer.from(stdout),
      stderrTail: Buffer.from(stderr),
      stdoutBytes: stdout.length,
      stderrBytes: stderr.length,
      error,
      fromJournal: false,
    };
  }

  async send(node: string, spec: CommandSpec, opts: SendOptions): Promise<CommandOutcome> {
    this.validate(node, spec, opts);
    const call: Call = { node, id: opts.id, spec, executed: false };
    this.calls.push(call);
    if (this.unreachable.has(node)) return this.outcome(node, opts.id, 'unreachable', null, '', '', 'no agent answered');
    const digest = payloadDigest(spec);
    const key = `${node}/${opts.id}`;
    const seen = this.journal.get(key);
    if (seen) {
      if (seen.digest !== digest) return this.outcome(node, opts.id, 'refused', null, '', '', 'replayed command id with a different payload');
      return { ...seen.outcome, fromJournal: true };
    }
    if (opts.signal?.aborted) return this.outcome(node, opts.id, 'cancelled', null);
    call.executed = true;
    let result: CommandOutcome;
    if ('writeFile' in spec) {
      const w = spec.writeFile;
      const f = this.file(node, w.path!);
      if (w.makeParents) mkdirSync(path.dirname(f), { recursive: true });
      writeFileSync(f, w.text ?? Buffer.from(w.data as Uint8Array));
      chmodSync(f, w.mode ?? 0o644);
      result = this.outcome(node, opts.id, 'ok', null);
    } else if ('exec' in spec) {
      const e = spec.exec;
      const args = e.argv?.length ? e.argv.slice(1).map((a) => this.map(node, a)) : ['-c', this.map(node, e.script!)];
      const r = spawnSync('/bin/bash', args, {
        cwd: e.cwd ? this.map(node, e.cwd) : this.nodeRoot(node),
        env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', ...e.env },
        encoding: 'utf8',
      });
      // Streamed in two chunks split inside the text, as NATS chunks arrive.
      for (const [stream, text] of [
        ['stdout', r.stdout],
        ['stderr', r.stderr],
      ] as const) {
        if (!text) continue;
        const buf = Buffer.from(text);
        const mid = Math.floor(buf.length / 2);
        opts.onOutput?.({ node, id: opts.id, seq: 0, stream, data: buf.subarray(0, mid), droppedBytes: 0 });
        opts.onOutput?.({ node, id: opts.id, seq: 1, stream, data: buf.subarray(mid), droppedBytes: 0 });
      }
      result = this.outcome(node, opts.id, r.status === 0 ? 'ok' : 'failed', r.status, r.stdout, r.stderr);
    } else {
      throw new Error('unreachable: validated above');
    }
    this.journal.set(key, { digest, outcome: result });
    if (this.crashAfter?.(node, opts.id)) throw new Error('coordinator lost (simulated)');
    return result;
  }

  executed(node?: string): Call[] {
    return this.calls.filter((c) => c.executed && (node === undefined || c.node === node));
  }
}
