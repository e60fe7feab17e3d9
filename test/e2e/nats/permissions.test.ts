// Per-node NATS permissions enforced by a real nats-server run by NatsSupervisor.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, Events, nkeyAuthenticator, StringCodec, type NatsConnection, type NatsError, type Status } from 'nats';
import { createUser } from 'nkeys.js';
import type { NatsSupervisor } from '../../../coordinator/nats/supervisor';
import { ALL_RESULTS_WILDCARD, commandResultSubject, commandSubject, nodeInboxPrefix, parseResultSubject, resultSubject } from '../../../shared/subjects';
import { connectAsNode, credit, eventually, makeNode, sleep, within, type TlsMaterial, startedNats, type StartedNats } from './helpers';

const sc = StringCodec();
const nodeA = makeNode('node-a.lab');
const nodeB = makeNode('node-b.lab');
let tmp: StartedNats['tmp'];
let tlsFiles: TlsMaterial;
let port: number;
let sup: NatsSupervisor;
let coord: NatsConnection;

before(async () => {
  ({ tmp, tlsFiles, port, sup } = await startedNats('kk-nats-perm-'));
  credit(sup, nodeA, nodeB);
  coord = await connect(sup.coordinatorConnectionOptions());
});

after(async () => {
  await coord?.close();
  await sup?.stop();
  tmp?.cleanup();
});

/** Collects the async errors the server reports on a connection's status stream. */
function statusErrors(nc: NatsConnection): Status[] {
  const seen: Status[] = [];
  void (async () => {
    for await (const s of nc.status()) if (s.type === Events.Error) seen.push(s);
  })();
  return seen;
}

test('a node hears its own commands and publishes its results, which the coordinator attributes to it', async () => {
  const a = await connectAsNode(port, tlsFiles.caFile, nodeA);
  try {
    const commands = a.subscribe(commandSubject(nodeA.name));
    const results = coord.subscribe(ALL_RESULTS_WILDCARD);
    await a.flush();
    await coord.flush();
    coord.publish(commandSubject(nodeA.name), sc.encode('run: true'));
    for await (const m of commands) {
      assert.equal(sc.decode(m.data), 'run: true');
      a.publish(commandResultSubject(nodeA.name, 'cmd-1'), sc.encode('exit 0'));
      break;
    }
    for await (const m of results) {
      assert.equal(m.subject, 'kk.res.node-a_lab.cmd-1.result');
      assert.deepEqual(parseResultSubject(m.subject), { node: 'node-a.lab', tokens: ['cmd-1', 'result'] });
      assert.equal(sc.decode(m.data), 'exit 0');
      break;
    }
  } finally {
    await a.close();
  }
});

test('request/reply works both ways through the per-node inbox and allow_responses', async () => {
  const a = await connectAsNode(port, tlsFiles.caFile, nodeA);
  try {
    // Node → coordinator: the reply lands in the node's private inbox.
    const svc = coord.subscribe(resultSubject(nodeA.name, 'hello'), { callback: (_e, m) => m.respond(sc.encode('welcome')) });
    await coord.flush();
    const reply = await a.request(resultSubject(nodeA.name, 'hello'), sc.encode('hi'), { timeout: 5000 });
    assert.equal(sc.decode(reply.data), 'welcome');
    svc.unsubscribe();
    // Coordinator → node: the node may answer once on the coordinator's reply subject.
    a.subscribe(commandSubject(nodeA.name), { callback: (_e, m) => m.respond(sc.encode('pong')) });
    await a.flush();
    const pong = await coord.request(commandSubject(nodeA.name), sc.encode('ping'), { timeout: 5000 });
    assert.equal(sc.decode(pong.data), 'pong');
  } finally {
    await a.close();
  }
});

test("a node cannot subscribe to another node's commands or inbox, nor to wildcards over them", async () => {
  const a = await connectAsNode(port, tlsFiles.caFile, nodeA);
  const errors = statusErrors(a);
  try {
    const forbidden = [commandSubject(nodeB.name), 'kk.cmd.>', 'kk.>', '>', `${nodeInboxPrefix(nodeB.name)}.>`, 'kk.res.node-b_lab.>', '$KV.>'];
    const outcomes = forbidden.map((subject) => {
      const delivered: string[] = [];
      const failure = new Promise<NatsError>((resolve) => {
        a.subscribe(subject, {
          callback: (err, m) => {
            if (err) resolve(err);
            else delivered.push(m.subject);
          },
        });
      });
      return { subject, delivered, failure };
    });
    await a.flush();
    coord.publish(commandSubject(nodeB.name), sc.encode('for B only'));
    coord.publish(`${nodeInboxPrefix(nodeB.name)}.x`, sc.encode('for B only'));
    await coord.flush();
    for (const o of outcomes) {
      const err = await within(o.failure, 5000, `subscription error for ${o.subject}`);
      assert.equal(err.code, 'PERMISSIONS_VIOLATION', o.subject);
      assert.deepEqual(err.permissionContext, { operation: 'subscription', subject: o.subject, queue: undefined });
    }
    await sleep(200);
    assert.deepEqual(
      outcomes.flatMap((o) => o.delivered),
      [],
      'nothing addressed to B reached A',
    );
    assert.deepEqual(errors.map((s) => s.permissionContext?.subject).sort(), [...forbidden].sort(), 'each violation is also reported on the status stream');
  } finally {
    await a.close();
  }
});

test("a node's publishes outside its own result subjects are refused and never delivered", async () => {
  const a = await connectAsNode(port, tlsFiles.caFile, nodeA);
  const b = await connectAsNode(port, tlsFiles.caFile, nodeB);
  const errors = statusErrors(a);
  try {
    const heardByB: string[] = [];
    b.subscribe(commandSubject(nodeB.name), { callback: (_e, m) => heardByB.push(m.subject) });
    const heardByCoord: string[] = [];
    coord.subscribe('>', { callback: (_e, m) => heardByCoord.push(m.subject) });
    await b.flush();
    await coord.flush();
    const forbidden = [commandSubject(nodeB.name), resultSubject(nodeB.name, 'x'), 'kk.coord.x', '$JS.API.INFO', '$KV.registry.n1', commandSubject(nodeA.name)];
    for (const subject of forbidden) a.publish(subject, sc.encode('forged'));
    await a.flush();
    await eventually(() => errors.length >= forbidden.length, 'publish violations on the status stream');
    for (const s of errors) {
      assert.equal(s.data, 'PERMISSIONS_VIOLATION');
      assert.equal(s.permissionContext?.operation, 'publish');
    }
    assert.deepEqual(errors.map((s) => s.permissionContext?.subject).sort(), [...forbidden].sort());
    // The connection survives a publish violation and still works for allowed subjects.
    a.publish(resultSubject(nodeA.name, 'still-here'), sc.encode('ok'));
    await a.flush();
    await eventually(() => heardByCoord.includes('kk.res.node-a_lab.still-here'), 'allowed publish after violations');
    assert.deepEqual(heardByB, []);
    assert.deepEqual(
      heardByCoord.filter((s) => forbidden.includes(s)),
      [],
    );
  } finally {
    await a.close();
    await b.close();
  }
});

test('a node has no JetStream access at all', async () => {
  const a = await connectAsNode(port, tlsFiles.caFile, nodeA);
  const denied = (err: NatsError): boolean => err.code === 'PERMISSIONS_VIOLATION';
  try {
    await assert.rejects(async () => {
      const jsm = await a.jetstreamManager({ timeout: 2000 });
      await jsm.getAccountInfo();
    }, denied);
    // The coordinator's bucket exists, yet the node can neither bind to it nor ask the API directly.
    const kv = await coord.jetstream().views.kv('kk-perm-test');
    await kv.put('secret', sc.encode('coordinator-only'));
    await assert.rejects(a.jetstream({ timeout: 2000 }).views.kv('kk-perm-test', { bindOnly: true }), denied);
    await assert.rejects(a.request('$JS.API.STREAM.INFO.KV_kk-perm-test', undefined, { timeout: 2000 }), denied);
    await assert.rejects(a.request('$JS.API.DIRECT.GET.KV_kk-perm-test', undefined, { timeout: 2000 }), denied);
  } finally {
    await a.close();
  }
});

test('a bare nkey without a JWT cannot connect, nor can a client without credentials', async () => {
  const stranger = createUser();
  await assert.rejects(
    connect({ servers: [`127.0.0.1:${port}`], tls: { caFile: tlsFiles.caFile }, authenticator: nkeyAuthenticator(stranger.getSeed()), reconnect: false }),
    (err: NatsError) => err.code === 'AUTHORIZATION_VIOLATION',
  );
  await assert.rejects(
    connect({ servers: [`127.0.0.1:${port}`], tls: { caFile: tlsFiles.caFile }, reconnect: false }),
    (err: NatsError) => err.code === 'AUTHORIZATION_VIOLATION',
  );
});

test('the coordinator uses JetStream KV: create a bucket, put, watch', async () => {
  const kv = await coord.jetstream().views.kv('kk-registry-test', { history: 3 });
  await kv.put('nodes.node-a', sc.encode('v1'));
  const watch = await kv.watch({ key: 'nodes.>' });
  const seen: string[] = [];
  const done = (async () => {
    for await (const e of watch) {
      seen.push(`${e.key}=${sc.decode(e.value)}`);
      if (seen.length === 2) break;
    }
  })();
  await kv.put('nodes.node-b', sc.encode('v2'));
  await done;
  assert.deepEqual(seen, ['nodes.node-a=v1', 'nodes.node-b=v2']);
  assert.equal(sc.decode((await kv.get('nodes.node-b'))?.value ?? new Uint8Array()), 'v2');
});
