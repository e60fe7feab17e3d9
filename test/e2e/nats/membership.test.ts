// Who gets in, on a running nats-server in JWT mode (NatsSupervisor): a node with a user JWT from
// the coordinator connects with no change on the server; a revoked key is cut off by pushing the
// re-signed account JWT, never by a config reload.
//
// What nats-server 2.9.10 does when it takes an account JWT revoking a user (asserted below): it
// sends that user's open connections -ERR 'User Authentication Revoked' and closes them; every
// later attempt with that JWT is refused with 'Authorization Violation', and nats.js gives up
// after the same auth error twice in a row. Other users' connections stay up untouched (a SIGHUP
// reload would have closed them all: see coordinator/nats/account-update.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { connect, jwtAuthenticator, StringCodec, type NatsConnection, type NatsError } from 'nats';
import { createAccount } from 'nkeys.js';
import { ACCOUNT_UPDATE_LOG_MESSAGE, type NatsSupervisor } from '../../../coordinator/nats/supervisor';
import { encodeJwt, nodeUserClaim } from '../../../coordinator/nats/jwt';
import { nativeSigner } from '../../../coordinator/nats/signer';
import { commandSubject, nodeInboxPrefix, nodePermissions, resultSubject } from '../../../shared/subjects';
import { RawClient, connectAsNode, credit, eventually, makeNode, within, type MemoryLogger, type TlsMaterial, startedNats, type StartedNats } from './helpers';

const sc = StringCodec();
let tmp: StartedNats['tmp'];
let tlsFiles: TlsMaterial;
let port: number;
let sup: NatsSupervisor;
let coord: NatsConnection;
let logs: MemoryLogger;
const keep = makeNode('keep');

before(async () => {
  ({ tmp, tlsFiles, port, logs, sup } = await startedNats('kk-nats-members-'));
  credit(sup, keep);
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

/** nats-server's own log lines saying it reloaded its config (the supervisor logs them at debug). */
const serverReloads = () => logs.records.filter((r) => typeof r.nats === 'string' && /Reloaded server configuration|Reloaded:/.test(r.nats)).length;
const updateLines = () => logs.records.filter((r) => r.msg === ACCOUNT_UPDATE_LOG_MESSAGE).length;
const authFile = () => path.join(tmp.dir, 'nats', 'auth.conf');
const refused = (e: NatsError) => e.code === 'AUTHORIZATION_VIOLATION';

test('a node given a user JWT connects at once: no reload, auth.conf untouched', async () => {
  const fresh = makeNode('fresh.example');
  const before = { text: readFileSync(authFile(), 'utf8'), mtimeMs: statSync(authFile()).mtimeMs, updates: sup.accountUpdates, lines: updateLines() };
  // Its bare nkey means nothing to the server: only a JWT signed by the KK account does.
  await assert.rejects(connectAsNode(port, tlsFiles.caFile, fresh), refused);
  credit(sup, fresh);
  const nc = await connectAsNode(port, tlsFiles.caFile, fresh);
  await within(roundTrip(nc, fresh.name), 5000, 'command round trip');
  await nc.close();
  assert.equal(readFileSync(authFile(), 'utf8'), before.text);
  assert.equal(statSync(authFile()).mtimeMs, before.mtimeMs);
  assert.equal(sup.accountUpdates, before.updates);
  assert.equal(updateLines(), before.lines);
  assert.equal(serverReloads(), 0, 'nats-server never reloaded');
});

test('a revoked node is disconnected and cannot come back; others stay connected', async () => {
  const gone = credit(sup, makeNode('gone.example'))[0]!;
  const kept = await connectAsNode(port, tlsFiles.caFile, keep);
  const removed = await connectAsNode(port, tlsFiles.caFile, gone, { reconnect: true, maxReconnectAttempts: 20, reconnectTimeWait: 100 });
  const raw = await RawClient.open(port, readFileSync(tlsFiles.caFile, 'utf8'));
  await raw.authenticate(gone);
  raw.write(`SUB ${commandSubject(gone.name)} 1\r\nPING\r\n`);
  await raw.waitFor(/PONG\r\nPONG\r\n/);
  const updatesBefore = sup.accountUpdates;
  const authBefore = readFileSync(authFile(), 'utf8');

  await sup.revoke([gone.nkeyPublic]);
  assert.equal(sup.accountUpdates, updatesBefore + 1, 'a revocation costs exactly one account update');
  assert.notEqual(readFileSync(authFile(), 'utf8'), authBefore, 'auth.conf carries the revocation for the next start');
  assert.equal(serverReloads(), 0, 'and no config reload');

  await within(raw.closed, 5000, 'the revoked node’s raw connection to close');
  assert.match(raw.received, /-ERR 'User Authentication Revoked'/);
  const closedWith = (await within(removed.closed(), 15_000, 'the revoked node’s client to give up')) as NatsError | undefined;
  assert.ok(closedWith, 'closed with an error');
  // A fresh connection is refused too, and the coordinator will not sign that key again.
  await assert.rejects(connectAsNode(port, tlsFiles.caFile, gone), refused);
  assert.throws(() => sup.userJwt(gone), /revoked/);
  // The node that stayed was never disconnected and still works.
  assert.equal(kept.isClosed(), false);
  await within(roundTrip(kept, keep.name), 5000, 'round trip on the kept connection');
  await kept.close();
  // Revoking it again costs nothing.
  await sup.revoke([gone.nkeyPublic]);
  assert.equal(sup.accountUpdates, updatesBefore + 1);
});

test('a user JWT signed by a foreign account key is refused', async () => {
  const forger = makeNode('keep');
  const foreign = createAccount();
  forger.jwt = encodeJwt(nativeSigner(foreign), forger.nkeyPublic, 'keep', nodeUserClaim(nodePermissions('keep')));
  await assert.rejects(connectAsNode(port, tlsFiles.caFile, forger), refused);
});

test("node A's JWT presented with node B's seed is refused", async () => {
  const a = credit(sup, makeNode('node-a'))[0]!;
  const b = credit(sup, makeNode('node-b'))[0]!;
  await assert.rejects(
    connect({
      servers: [`127.0.0.1:${port}`],
      tls: { caFile: tlsFiles.caFile },
      authenticator: jwtAuthenticator(a.jwt!, b.seed),
      inboxPrefix: nodeInboxPrefix('node-a'),
      reconnect: false,
    }),
    refused,
  );
  // Each with its own seed is fine.
  for (const n of [a, b]) await (await connectAsNode(port, tlsFiles.caFile, n)).close();
});

test('a re-keyed node: revoking the old key locks it out, the new key keeps working', async () => {
  const oldKey = credit(sup, makeNode('rekey'))[0]!;
  const newKey = credit(sup, makeNode('rekey'))[0]!;
  const oldConn = await connectAsNode(port, tlsFiles.caFile, oldKey);
  const newConn = await connectAsNode(port, tlsFiles.caFile, newKey);
  await sup.revoke([oldKey.nkeyPublic]);
  await within(oldConn.closed(), 10_000, 'old key connection to close');
  await assert.rejects(connectAsNode(port, tlsFiles.caFile, oldKey), refused);
  assert.equal(newConn.isClosed(), false);
  await within(roundTrip(newConn, 'rekey'), 5000, 'round trip with the new key');
  await newConn.close();
});

test('invalid input is refused before anything changes, and the server keeps serving', async () => {
  const beforeText = readFileSync(authFile(), 'utf8');
  const updates = sup.accountUpdates;
  const cases: Array<[string, { name: string; nkeyPublic: string }, RegExp]> = [
    ['bad name', { name: 'Bad_Name', nkeyPublic: keep.nkeyPublic }, /invalid node name/],
    ['injection in name', { name: 'a" }\n{ nkey: "x', nkeyPublic: keep.nkeyPublic }, /invalid node name/],
    ['bad key', { name: 'x', nkeyPublic: 'UNOTAKEY' }, /not an nkey user public key/],
    ['seed instead of key', { name: 'x', nkeyPublic: new TextDecoder().decode(keep.seed) }, /not an nkey user public key/],
    ['coordinator key', { name: 'x', nkeyPublic: sup.coordinatorPublicKey }, /same NATS nkey as the coordinator/],
  ];
  for (const [what, node, message] of cases) assert.throws(() => sup.userJwt(node), message, what);
  await assert.rejects(sup.revoke(['UNOTAKEY']), /not an nkey user public key/);
  await assert.rejects(sup.revoke([sup.coordinatorPublicKey]), /coordinator's own/);
  assert.equal(readFileSync(authFile(), 'utf8'), beforeText);
  assert.equal(sup.accountUpdates, updates);
  const nc = await connectAsNode(port, tlsFiles.caFile, keep);
  await within(roundTrip(nc, keep.name), 5000, 'round trip after refused updates');
  // Results published by the kept node still reach the coordinator.
  const got = coord.subscribe(resultSubject(keep.name, 'after'), { max: 1 });
  await coord.flush();
  nc.publish(resultSubject(keep.name, 'after'), sc.encode('ok'));
  await eventually(() => got.getReceived() === 1, 'result after refused updates');
  await nc.close();
});
