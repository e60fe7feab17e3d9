// Adding and removing nodes on a running nats-server with NatsSupervisor.setNodes (SIGHUP reload).
//
// What nats-server 2.9.10 does on reload for a removed nkey user (asserted below): the server
// closes that user's open connections while applying the reload, without sending an -ERR first
// (a raw client sees its socket close; nats.js reports a plain 'disconnect'). Every reconnect
// attempt is then refused with 'Authorization Violation', and nats.js gives up after the same
// auth error twice in a row, so closed() resolves with AUTHORIZATION_VIOLATION. Other users'
// connections stay up untouched.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { connect, Events, StringCodec, type NatsConnection, type NatsError } from 'nats';
import { NatsSupervisor } from '../../../coordinator/nats/supervisor';
import { commandSubject, resultSubject } from '../../../shared/subjects';
import { RawClient, connectAsNode, eventually, freePort, makeNode, makeTempDir, makeTls, memoryLogger, within, type TlsMaterial } from './helpers';

const sc = StringCodec();
let tmp: ReturnType<typeof makeTempDir>;
let tlsFiles: TlsMaterial;
let port: number;
let sup: NatsSupervisor;
let coord: NatsConnection;
const keep = makeNode('keep');
const gone = makeNode('gone.example');

before(async () => {
  tmp = makeTempDir('kk-nats-members-');
  tlsFiles = makeTls(tmp.dir);
  port = await freePort();
  sup = new NatsSupervisor({ dataDir: tmp.dir, host: '127.0.0.1', port, tls: tlsFiles, log: memoryLogger().log, nodes: [keep] });
  await sup.start();
  coord = await connect(sup.coordinatorConnectionOptions());
});

after(async () => {
  await coord?.close();
  await sup?.stop();
  tmp?.cleanup();
});

async function roundTrip(nc: NatsConnection, node: string): Promise<void> {
  const sub = nc.subscribe(commandSubject(node), { max: 1 });
  await nc.flush();
  coord.publish(commandSubject(node), sc.encode('ping'));
  for await (const m of sub) assert.equal(sc.decode(m.data), 'ping');
}

test('a node added with setNodes can connect once setNodes resolves', async () => {
  await assert.rejects(connectAsNode(port, tlsFiles.caFile, gone), (e: NatsError) => e.code === 'AUTHORIZATION_VIOLATION');
  await sup.setNodes([keep, gone]);
  const nc = await connectAsNode(port, tlsFiles.caFile, gone);
  await within(roundTrip(nc, gone.name), 5000, 'command round trip');
  await nc.close();
});

test('a node removed with setNodes is disconnected and cannot come back; others stay connected', async () => {
  await sup.setNodes([keep, gone]);
  const kept = await connectAsNode(port, tlsFiles.caFile, keep);
  const removed = await connectAsNode(port, tlsFiles.caFile, gone, { reconnect: true, maxReconnectAttempts: 20, reconnectTimeWait: 100 });
  const raw = await RawClient.open(port, readFileSync(tlsFiles.caFile, 'utf8'));
  await raw.authenticate(gone);
  raw.write(`SUB ${commandSubject(gone.name)} 1\r\nPING\r\n`);
  await raw.waitFor(/PONG\r\nPONG\r\n/);
  const before = raw.received;
  const statuses: string[] = [];
  void (async () => {
    for await (const s of removed.status()) statuses.push(`${s.type}:${s.type === Events.Error ? String(s.data) : ''}`);
  })();

  await sup.setNodes([keep]);

  // The raw connection is closed by the server, with nothing sent on it first.
  await within(raw.closed, 5000, 'the removed node’s raw connection to close');
  assert.equal(raw.received, before);
  // nats.js: disconnect, reconnects refused, then it gives up.
  const closedWith = (await within(removed.closed(), 15_000, 'the removed node’s client to give up')) as NatsError | undefined;
  assert.equal(closedWith?.code, 'AUTHORIZATION_VIOLATION');
  assert.equal(statuses[0], 'disconnect:');
  assert.ok(statuses.includes('error:AUTHORIZATION_VIOLATION'), statuses.join(','));
  // A fresh connection is refused too.
  await assert.rejects(connectAsNode(port, tlsFiles.caFile, gone), (e: NatsError) => e.code === 'AUTHORIZATION_VIOLATION');
  // The node that stayed was never disconnected and still works.
  assert.equal(kept.isClosed(), false);
  await within(roundTrip(kept, keep.name), 5000, 'round trip on the kept connection');
  await kept.close();
});

test('re-enrolling a node with a new key locks out the old key', async () => {
  const oldKey = makeNode('rekey');
  const newKey = { ...makeNode('rekey') };
  await sup.setNodes([keep, oldKey]);
  const oldConn = await connectAsNode(port, tlsFiles.caFile, oldKey);
  await sup.setNodes([keep, newKey]);
  await within(oldConn.closed(), 10_000, 'old key connection to close');
  await assert.rejects(connectAsNode(port, tlsFiles.caFile, oldKey), (e: NatsError) => e.code === 'AUTHORIZATION_VIOLATION');
  const nc = await connectAsNode(port, tlsFiles.caFile, newKey);
  await within(roundTrip(nc, 'rekey'), 5000, 'round trip with the new key');
  await nc.close();
});

test('invalid input to setNodes is refused before auth.conf changes, and the server keeps serving', async () => {
  await sup.setNodes([keep]);
  const authFile = path.join(tmp.dir, 'nats', 'auth.conf');
  const beforeText = readFileSync(authFile, 'utf8');
  const cases: Array<[string, Array<{ name: string; nkeyPublic: string }>, RegExp]> = [
    ['bad name', [{ name: 'Bad_Name', nkeyPublic: keep.nkeyPublic }], /invalid node name/],
    ['injection in name', [{ name: 'a" }\n{ nkey: "x', nkeyPublic: keep.nkeyPublic }], /invalid node name/],
    ['bad key', [{ name: 'x', nkeyPublic: 'UNOTAKEY' }], /not an nkey user public key/],
    ['seed instead of key', [{ name: 'x', nkeyPublic: new TextDecoder().decode(keep.seed) }], /not an nkey user public key/],
    ['duplicate name', [keep, { ...makeNode('keep') }], /listed twice/],
    ['shared key', [keep, { name: 'other', nkeyPublic: keep.nkeyPublic }], /same NATS nkey/],
    ['coordinator key', [{ name: 'x', nkeyPublic: sup.coordinatorPublicKey }], /same NATS nkey as the coordinator/],
  ];
  for (const [what, nodes, message] of cases) {
    await assert.rejects(sup.setNodes(nodes), message, what);
  }
  assert.equal(readFileSync(authFile, 'utf8'), beforeText);
  const nc = await connectAsNode(port, tlsFiles.caFile, keep);
  await within(roundTrip(nc, keep.name), 5000, 'round trip after refused updates');
  // Results published by the kept node still reach the coordinator.
  const got = coord.subscribe(resultSubject(keep.name, 'after'), { max: 1 });
  await coord.flush();
  nc.publish(resultSubject(keep.name, 'after'), sc.encode('ok'));
  await eventually(() => got.getReceived() === 1, 'result after refused updates');
  await nc.close();
});
