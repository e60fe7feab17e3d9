// Commands over a real nats-server with the real agent listener: a round trip with streamed
// output, every refusal (each proved by a side-effect file that must not exist), redelivery
// answered from the journal, and 50 MB of output that stays within NATS and memory bounds.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Events } from 'nats';
import { commandSubject, resultSubject } from '../../../shared/subjects';
import { MAX_PAYLOAD_BYTES } from '../../../coordinator/nats/server-config';
import type { OutputEvent } from '../../../coordinator/commands/dispatcher';
import { connectAsNode, eventually, within } from '../nats/helpers';
import { inProcessAgent, makeSigningKey, publishAndWait, setup, signedBytes, type Env } from './setup';

let env: Env;
let agentA: Awaited<ReturnType<typeof inProcessAgent>>;
const A = 'node-a';
const B = 'node-b.example';

before(async () => {
  env = await setup('kk-cmd-delivery-', [A, B]);
  agentA = await inProcessAgent(env, A);
});

after(async () => {
  await agentA?.stop();
  await env?.close();
});

const marker = (name: string) => path.join(env.dir, name);
const touch = (name: string) => ({ exec: { argv: ['/usr/bin/touch', marker(name)] } });
const fresh = (over: Record<string, unknown> = {}) => ({ issuedAtMs: Date.now(), expiresAtMs: Date.now() + 60_000, ...over });

test('round trip: output streams while the command runs; the result has exit code, duration, tails', async () => {
  const chunks: OutputEvent[] = [];
  let chunksBeforeEnd = 0;
  const o = await env.dispatcher.send(
    A,
    { exec: { script: 'for i in 1 2 3; do echo "line $i"; sleep 0.3; done; echo oops >&2; exit 7' } },
    {
      id: 'run1-hello-node-a',
      onOutput: (c) => {
        chunks.push(c);
        if (!c.data.toString().includes('line 3')) chunksBeforeEnd += 1;
      },
    },
  );
  assert.equal(o.status, 'failed');
  assert.equal(o.exitCode, 7);
  assert.equal(o.node, A);
  assert.equal(o.fromJournal, false);
  assert.equal(o.stdoutTail.toString(), 'line 1\nline 2\nline 3\n');
  assert.equal(o.stderrTail.toString(), 'oops\n');
  assert.ok(o.durationMs >= 900, `duration ${o.durationMs}`);
  assert.ok(chunksBeforeEnd >= 1, 'output arrived before the command finished');
  assert.equal(Buffer.concat(chunks.filter((c) => c.stream === 'stdout').map((c) => c.data)).toString(), 'line 1\nline 2\nline 3\n');
  assert.deepEqual(
    chunks.map((c) => c.seq),
    chunks.map((_, i) => i),
  );
});

test('refused and never run: unsigned', async () => {
  const r = await publishAndWait(env, A, 'unsigned-1', signedBytes({ id: 'unsigned-1', node: A, ...fresh(), ...touch('unsigned') }, null));
  assert.equal(r.status, 'refused');
  assert.match(r.error, /unsigned/);
  assert.equal(existsSync(marker('unsigned')), false);
});

test('refused and never run: signed by another key', async () => {
  const r = await publishAndWait(env, A, 'badsig-1', signedBytes({ id: 'badsig-1', node: A, ...fresh(), ...touch('badsig') }, makeSigningKey().privateKeyPem));
  assert.equal(r.status, 'refused');
  assert.match(r.error, /bad signature/);
  assert.equal(existsSync(marker('badsig')), false);
});

test('refused and never run: a signature that does not match the bytes (tampered)', async () => {
  const good = signedBytes({ id: 'tamper-1', node: A, ...fresh(), exec: { argv: ['/usr/bin/true', marker('tamper')] } }, env.signing.privateKeyPem);
  // One byte of the signed content changed after signing.
  const tampered = Buffer.from(good);
  const at = tampered.indexOf(Buffer.from('tamper'), tampered.indexOf(Buffer.from(env.dir)));
  tampered.write('Tamper', at);
  const r = await publishAndWait(env, A, 'tamper-1', tampered);
  assert.equal(r.status, 'refused');
  assert.match(r.error, /bad signature/);
});

test('refused and never run: expired', async () => {
  const r = await publishAndWait(
    env,
    A,
    'expired-1',
    signedBytes(
      { id: 'expired-1', node: A, issuedAtMs: Date.now() - 7200_000, expiresAtMs: Date.now() - 3600_000, ...touch('expired') },
      env.signing.privateKeyPem,
    ),
  );
  assert.equal(r.status, 'refused');
  assert.match(r.error, /expired/);
  assert.equal(existsSync(marker('expired')), false);
});

test('refused and never run: a command signed for another node', async () => {
  const r = await publishAndWait(
    env,
    A,
    'othernode-1',
    signedBytes({ id: 'othernode-1', node: B, ...fresh(), ...touch('othernode') }, env.signing.privateKeyPem),
  );
  assert.equal(r.status, 'refused');
  assert.match(r.error, /for node "node-b.example"/);
  assert.equal(existsSync(marker('othernode')), false);
});

test('refused and never run: a replayed id with a different payload', async () => {
  const first = await env.dispatcher.send(A, { exec: { argv: ['/usr/bin/true'] } }, { id: 'replay-1' });
  assert.equal(first.status, 'ok');
  const r = await publishAndWait(env, A, 'replay-1', signedBytes({ id: 'replay-1', node: A, ...fresh(), ...touch('replay') }, env.signing.privateKeyPem));
  assert.equal(r.status, 'refused');
  assert.match(r.error, /replay/);
  assert.equal(existsSync(marker('replay')), false);
});

test("refused by NATS: a command published with another node's credentials never reaches the agent", async () => {
  const nodeB = env.nodes[B];
  assert.ok(nodeB);
  const ncB = await connectAsNode(env.port, env.tls.caFile, nodeB);
  const errors: string[] = [];
  void (async () => {
    for await (const s of ncB.status()) if (s.type === Events.Error) errors.push(String(s.data));
  })();
  // Even a correctly signed command (say, captured earlier) is stopped by the permissions wall.
  const bytes = signedBytes({ id: 'stolen-1', node: A, ...fresh(), ...touch('stolen') }, env.signing.privateKeyPem);
  ncB.publish(commandSubject(A), bytes);
  // Forging A's result is blocked the same way.
  ncB.publish(resultSubject(A, 'stolen-1', 'result'), new Uint8Array([1]));
  await ncB.flush().catch(() => {});
  await eventually(() => errors.filter((e) => /PERMISSIONS_VIOLATION|permissions violation/i.test(e)).length >= 2, 'two permission violations');
  // Give a (wrongly) delivered message every chance to run before asserting it did not.
  const probe = await env.dispatcher.send(A, { exec: { argv: ['/usr/bin/true'] } }, { id: 'after-stolen' });
  assert.equal(probe.status, 'ok');
  assert.equal(existsSync(marker('stolen')), false);
  await ncB.close();
});

test('redelivery of the same command returns the journaled result; it ran once', async () => {
  const counter = marker('counter');
  const spec = { exec: { script: `echo run >> ${counter}; echo done` } };
  const first = await env.dispatcher.send(A, spec, { id: 'redeliver-1' });
  assert.equal(first.status, 'ok');
  assert.equal(first.fromJournal, false);
  // The same id and content again, re-signed with new times (as a resumed run does) …
  const second = await env.dispatcher.send(A, spec, { id: 'redeliver-1' });
  assert.equal(second.status, 'ok');
  assert.equal(second.fromJournal, true);
  assert.equal(second.stdoutTail.toString(), 'done\n');
  // … and the very same bytes, redelivered raw, twice.
  const bytes = signedBytes({ id: 'redeliver-1', node: A, ...fresh(), ...spec }, env.signing.privateKeyPem);
  for (let i = 0; i < 2; i++) {
    const r = await publishAndWait(env, A, 'redeliver-1', bytes);
    assert.equal(r.fromJournal, true);
  }
  assert.equal(readFileSync(counter, 'utf8'), 'run\n');
});

test('redelivery while the command still runs does not start it again', async () => {
  const counter = marker('counter-running');
  const spec = { exec: { script: `echo run >> ${counter}; sleep 1.5` } };
  const bytes = signedBytes({ id: 'dup-running', node: A, ...fresh(), ...spec }, env.signing.privateKeyPem);
  const accepted: boolean[] = [];
  const sub = env.coord.subscribe(resultSubject(A, 'dup-running', 'accepted'), { callback: (_e, m) => accepted.push(m.data.length > 0) });
  const result = publishAndWait(env, A, 'dup-running', bytes);
  await eventually(() => existsSync(counter), 'the command to start');
  env.coord.publish(commandSubject(A), bytes);
  env.coord.publish(commandSubject(A), bytes);
  const r = await result;
  assert.equal(r.status, 'ok');
  await eventually(() => accepted.length >= 3, 'an accepted message per delivery');
  sub.unsubscribe();
  assert.equal(readFileSync(counter, 'utf8'), 'run\n');
});

test('cancel through the dispatcher kills the command on the node', async () => {
  const after = marker('after-cancel');
  const ac = new AbortController();
  const p = env.dispatcher.send(
    A,
    { exec: { script: `echo started; sleep 30; touch ${after}` } },
    {
      id: 'cancel-me',
      signal: ac.signal,
      onOutput: () => ac.abort(),
    },
  );
  const o = await within(p, 20_000, 'cancelled outcome');
  assert.equal(o.status, 'cancelled');
  assert.equal(o.fromJournal, false);
  assert.equal(existsSync(after), false);
});

test('a node with no agent is unreachable, and the command never ran', async () => {
  const { CommandDispatcher } = await import('../../../coordinator/commands/dispatcher');
  const { memoryLogger } = await import('../nats/helpers');
  const d = new CommandDispatcher(env.coord, env.signing.privateKeyPem, memoryLogger().log, { republishMs: 200, acceptTimeoutMs: 1500 });
  const o = await d.send(B, touch('nobody'), { id: 'nobody-1' });
  await d.close();
  assert.equal(o.status, 'unreachable');
  assert.match(o.error ?? '', /did not run/);
});

test('50 MB of output: streamed in bounded chunks, truncated tail, every message within max_payload', async () => {
  let maxMessage = 0;
  let wireBytes = 0;
  const watch = env.coord.subscribe(`kk.res.${A}.big-output.>`, {
    callback: (_e, m) => {
      maxMessage = Math.max(maxMessage, m.data.length);
      wireBytes += m.data.length;
    },
  });
  let streamed = 0;
  let dropped = 0;
  const heapBefore = process.memoryUsage().heapUsed;
  const o = await env.dispatcher.send(
    A,
    { exec: { argv: ['seq', '1', '6500000'] } },
    {
      id: 'big-output',
      timeoutMs: 120_000,
      onOutput: (c) => {
        streamed += c.data.length;
        dropped += c.droppedBytes;
      },
    },
  );
  watch.unsubscribe();
  const total = o.stdoutBytes;
  assert.equal(o.status, 'ok');
  assert.ok(total > 50 * 1000 * 1000, `printed ${total} bytes`);
  assert.equal(o.stdoutTail.length, 64 * 1024);
  assert.ok(o.stdoutTail.toString().endsWith('\n6499999\n6500000\n'), JSON.stringify(o.stdoutTail.toString().slice(-60)));
  assert.equal(streamed + dropped, total, 'every byte is either streamed or counted as not streamed');
  assert.ok(maxMessage <= MAX_PAYLOAD_BYTES, `largest message ${maxMessage}`);
  assert.ok(wireBytes < total / 4, `${wireBytes} bytes on the wire for ${total} bytes of output`);
  // The dispatcher keeps no output: the heap does not grow by anything like the output's size.
  assert.ok(process.memoryUsage().heapUsed - heapBefore < 40 * 1024 * 1024, 'heap stayed bounded');
});
