// kill -9 of the supervised nats-server: the supervisor restarts it, clients reconnect, and
// JetStream KV data written before the crash is still there.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, Events, StringCodec, type NatsConnection } from 'nats';
import type { NatsSupervisor } from '../../../coordinator/nats/supervisor';
import { commandSubject, resultSubject } from '../../../shared/subjects';
import { connectAsNode, credit, eventually, makeNode, within, type MemoryLogger, type TlsMaterial, startedNats, type StartedNats } from './helpers';
import { processAlive } from '../../lib/procs';

const sc = StringCodec();
const node = makeNode('survivor');
let tmp: StartedNats['tmp'];
let tlsFiles: TlsMaterial;
let port: number;
let logs: MemoryLogger;
let sup: NatsSupervisor;

before(async () => {
  ({ tmp, tlsFiles, port, logs, sup } = await startedNats('kk-nats-restart-', {
    // resetAfterMs far beyond the test's length: the backoff sequence asserted below is exact.
    restartBackoff: { initialMs: 100, maxMs: 2000, resetAfterMs: 3_600_000 },
  }));
  credit(sup, node);
});

after(async () => {
  await sup?.stop();
  tmp?.cleanup();
});

function reconnects(nc: NatsConnection): { count: number } {
  const seen = { count: 0 };
  void (async () => {
    for await (const s of nc.status()) if (s.type === Events.Reconnect) seen.count += 1;
  })();
  return seen;
}

async function commandRoundTrip(coord: NatsConnection, nc: NatsConnection): Promise<void> {
  const cmds = nc.subscribe(commandSubject(node.name), { max: 1 });
  const results = coord.subscribe(resultSubject(node.name, 'r'), { max: 1 });
  await nc.flush();
  await coord.flush();
  coord.publish(commandSubject(node.name), sc.encode('again'));
  await within(
    (async () => {
      for await (const m of cmds) nc.publish(resultSubject(node.name, 'r'), m.data);
      for await (const m of results) assert.equal(sc.decode(m.data), 'again');
    })(),
    10_000,
    'command round trip',
  );
}

test('kill -9: restarted with a log line and an event, clients reconnect, KV data survives', async () => {
  const coord = await connect(sup.coordinatorConnectionOptions());
  const nc = await connectAsNode(port, tlsFiles.caFile, node, { reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  const coordReconnects = reconnects(coord);
  const nodeReconnects = reconnects(nc);
  const kv = await coord.jetstream().views.kv('kk-facts-test');
  await kv.put('survivor', sc.encode('before-crash'));

  const oldPid = sup.pid;
  assert.ok(oldPid && processAlive(oldPid));
  const exited = new Promise<{ signal: string | null }>((r) => sup.once('exited', r));
  const restarted = new Promise<{ pid: number; restarts: number }>((r) => sup.once('restarted', r));
  process.kill(oldPid, 'SIGKILL');

  assert.equal((await within(exited, 10_000, 'exited event')).signal, 'SIGKILL');
  const info = await within(restarted, 30_000, 'restarted event');
  assert.notEqual(info.pid, oldPid);
  assert.equal(sup.pid, info.pid);
  assert.equal(info.restarts, 1);
  assert.equal(processAlive(oldPid), false);
  assert.ok(logs.records.some((r) => r.level === 40 && r.msg === 'nats-server exited unexpectedly; restarting' && r.signal === 'SIGKILL'));
  assert.ok(logs.records.some((r) => r.msg === 'nats-server restarted' && r.pid === info.pid));

  await eventually(() => coordReconnects.count >= 1 && nodeReconnects.count >= 1, 'both clients to reconnect', 30_000);
  assert.equal(sc.decode((await kv.get('survivor'))?.value ?? new Uint8Array()), 'before-crash');
  await kv.put('survivor', sc.encode('after-crash'));
  assert.equal((await kv.get('survivor'))?.revision, 2);
  await commandRoundTrip(coord, nc);

  // The restarted server still takes new nodes and revocations.
  const [late, dropped] = credit(sup, makeNode('late-joiner'), makeNode('dropped'));
  const lateConn = await connectAsNode(port, tlsFiles.caFile, late!);
  await lateConn.close();
  const droppedConn = await connectAsNode(port, tlsFiles.caFile, dropped!);
  await sup.revoke([dropped!.nkeyPublic]);
  await within(droppedConn.closed(), 10_000, 'the revoked node to be closed');
  assert.equal(nc.isClosed(), false, 'other nodes stay connected');
  await nc.close();
  await coord.close();
});

test('repeated crashes are each restarted (with growing backoff)', async () => {
  for (let i = 0; i < 2; i++) {
    const pid = sup.pid;
    assert.ok(pid);
    const restarted = new Promise<{ pid: number }>((r) => sup.once('restarted', r));
    process.kill(pid, 'SIGKILL');
    const info = await within(restarted, 30_000, `restart #${i + 2}`);
    assert.notEqual(info.pid, pid);
  }
  const coord = await connect({ ...sup.coordinatorConnectionOptions(), reconnect: false });
  await coord.flush();
  await coord.close();
  const waits = logs.records.filter((r) => r.msg === 'nats-server exited unexpectedly; restarting').map((r) => Number(r.restartInMs));
  assert.deepEqual(waits, [100, 200, 400]);
});
