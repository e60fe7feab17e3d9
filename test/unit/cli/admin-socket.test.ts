// The CLI's local-socket client (coordinator/cli/client/admin-socket.ts) against a real grpc-js server on
// a Unix socket serving AdminService with the JSON subtype (coordinator/server/admin-socket.ts):
// answers must be the objects a protobuf client decodes, and every failure a status with its text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { loadGrpc } from '../../../shared/proto/index';
import { contractTypes, descriptorFor, localName } from '../../../shared/proto/descriptor';
import { jsonSubtype } from '../../../coordinator/server/admin-socket';
import { socketAdmin } from '../../../coordinator/cli/client/admin-socket';
import { AdminCallError } from '../../../coordinator/cli/client/admin-api';
import { GrpcStatus } from '../../../shared/proto/grpc-status';
import { factSetToWire } from '../../../shared/facts/wire';
import { fullFactSet } from '../facts/sample-facts';

const service = loadGrpc().kk.v1.AdminService.service as unknown as Record<string, grpc.MethodDefinition<object, object>>;
const dir = mkdtempSync(path.join(tmpdir(), 'kk-admin-socket-'));
const socket = path.join(dir, 'admin.sock');
const server = new grpc.Server();
const seen: Record<string, unknown> = {};
let cancelledOnServer = false;

const nodesAnswer = {
  nodes: [{ name: 'n1', internalIps: ['10.0.0.1'], connected: true, lastSeenMs: 1764057600123, memoryBytes: 8 * 2 ** 30, cpuCount: 4, clockOffsetMs: -12 }],
  coordinatorTimeMs: 1764057600999,
};
const factsAnswer = { facts: factSetToWire(fullFactSet()), receivedAtMs: 1764057600123, clockOffsetMs: 3 };

before(async () => {
  server.addService(jsonSubtype(service), {
    ListNodes: (call: grpc.ServerUnaryCall<object, object>, cb: grpc.sendUnaryData<object>) => cb(null, nodesAnswer),
    GetFacts: (call: grpc.ServerUnaryCall<object, object>, cb: grpc.sendUnaryData<object>) => cb(null, factsAnswer),
    RefreshFacts: (call: grpc.ServerUnaryCall<object, object>, cb: grpc.sendUnaryData<object>) => {
      seen.RefreshFacts = call.request;
      cb(null, { refreshed: ['a'], failed: { b: 'agent not connected' } });
    },
    RemoveNode: (call: grpc.ServerUnaryCall<object, object>, cb: grpc.sendUnaryData<object>) => {
      cb({ code: grpc.status.NOT_FOUND, details: 'no node named «ghost» — see `kk-coordinator nodes`' });
    },
    ListRuns: () => {
      /* never answers: the client's deadline must end the call */
    },
    RunCommand: (call: grpc.ServerWritableStream<object, object>) => {
      seen.RunCommand = call.request;
      call.write({ output: '[n1] hello ü\n' });
      call.write({ output: '[n2] hello\n' });
      call.write({ finished: { runId: 'adhoc-1', status: 'failed', exitCodes: { n1: 0, n2: 2 }, errors: {} } });
      call.end();
    },
    Precheck: (call: grpc.ServerWritableStream<object, object>) => {
      call.write({ progress: 'gathering facts' });
      call.on('cancelled', () => {
        cancelledOnServer = true;
      });
    },
  });
  await new Promise<void>((resolve, reject) => server.bindAsync(`unix:${socket}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())));
});

after(() => {
  server.forceShutdown();
  rmSync(dir, { recursive: true, force: true });
});

const viaProtobuf = (method: string, value: object) => service[method]!.responseDeserialize(service[method]!.responseSerialize(value));

test('unary answers are the objects a protobuf client decodes', async () => {
  const a = socketAdmin(socket);
  try {
    assert.equal(a.address, `unix:${socket}`);
    assert.deepEqual(await a.unary('ListNodes', {}, 5000), viaProtobuf('ListNodes', nodesAnswer));
    // A full fact set: nested messages, nullable wrappers, maps, 64-bit numbers.
    assert.deepEqual(await a.unary('GetFacts', { name: 'n1' }, 5000), viaProtobuf('GetFacts', factsAnswer));
    const r = await a.unary('RefreshFacts', { names: ['a', 'b'], fioDirectory: '', timeoutMs: 30_000 }, 5000);
    assert.deepEqual(r, { refreshed: ['a'], failed: { b: 'agent not connected' } });
  } finally {
    a.close();
  }
});

test('requests reach handlers as protobuf requests do: fields left out get their defaults', async () => {
  const a = socketAdmin(socket);
  try {
    await a.unary('RefreshFacts', { names: ['x'] }, 5000);
    assert.deepEqual(seen.RefreshFacts, { names: ['x'], fioDirectory: '', timeoutMs: 0 });
  } finally {
    a.close();
  }
});

test('a server stream delivers every event in order, then ends', async () => {
  const a = socketAdmin(socket);
  try {
    const events: object[] = [];
    await new Promise<void>((resolve, reject) => {
      a.stream('RunCommand', { inventoryName: 'i', inventoryYaml: 'x', configName: '', configYaml: '', hosts: [], argv: ['true'], timeoutSeconds: 5 })
        .on('data', (ev) => events.push(ev))
        .on('error', reject)
        .on('end', resolve);
    });
    assert.equal(events.length, 3);
    assert.deepEqual(events[0], viaProtobuf('RunCommand', { output: '[n1] hello ü\n' }));
    assert.deepEqual((events[2] as { finished: { exitCodes: Record<string, number> } }).finished.exitCodes, { n1: 0, n2: 2 });
    assert.deepEqual((seen.RunCommand as { argv: string[] }).argv, ['true']);
  } finally {
    a.close();
  }
});

test('an error status arrives with its code and its message intact', async () => {
  const a = socketAdmin(socket);
  try {
    await assert.rejects(a.unary('RemoveNode', { name: 'ghost' }, 5000), (err: unknown) => {
      assert.ok(err instanceof AdminCallError);
      assert.equal(err.code, GrpcStatus.NOT_FOUND);
      assert.equal(err.details, 'no node named «ghost» — see `kk-coordinator nodes`');
      return true;
    });
    // A method the server does not implement.
    await assert.rejects(a.unary('ListTokens', {}, 5000), (err: unknown) => err instanceof AdminCallError && err.code === GrpcStatus.UNIMPLEMENTED);
  } finally {
    a.close();
  }
});

test('a call past its deadline ends with DEADLINE_EXCEEDED', async () => {
  const a = socketAdmin(socket);
  try {
    await assert.rejects(a.unary('ListRuns', {}, 200), (err: unknown) => err instanceof AdminCallError && err.code === GrpcStatus.DEADLINE_EXCEEDED);
  } finally {
    a.close();
  }
});

test('cancel ends the stream on both sides', async () => {
  const a = socketAdmin(socket);
  try {
    const stream = a.stream('Precheck', {
      inventoryName: 'i',
      inventoryYaml: 'x',
      configName: '',
      configYaml: '',
      skip: [],
      ignoreErrors: [],
      watch: true,
      workDir: '/',
      watchIntervalMs: 1000,
    });
    const err = await new Promise<AdminCallError>((resolve) => {
      stream
        .on('data', () => stream.cancel())
        .on('error', resolve)
        .on('end', () => resolve(new AdminCallError(-1, 'ended instead')));
    });
    assert.equal(err.code, GrpcStatus.CANCELLED);
    for (let i = 0; i < 50 && !cancelledOnServer; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(cancelledOnServer, true, 'the server saw the call cancelled');
  } finally {
    a.close();
  }
});

test('no socket, or nothing listening on it, is UNAVAILABLE naming the socket', async () => {
  const missing = socketAdmin(path.join(dir, 'none.sock'));
  await assert.rejects(
    missing.unary('ListNodes', {}, 5000),
    (err: unknown) => err instanceof AdminCallError && err.code === GrpcStatus.UNAVAILABLE && /ENOENT on .*none\.sock/.test(err.details),
  );
  missing.close();
  // A socket file whose server is gone.
  const stale = path.join(dir, 'stale.sock');
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(stale, resolve));
  const a = socketAdmin(stale);
  s.close();
  await new Promise((r) => setTimeout(r, 20));
  await assert.rejects(a.unary('ListNodes', {}, 5000), (err: unknown) => err instanceof AdminCallError && err.code === GrpcStatus.UNAVAILABLE);
  a.close();
});

test('a peer that is not gRPC is an error, not a hang or a crash', async () => {
  const odd = path.join(dir, 'odd.sock');
  const s = net.createServer((c) => c.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
  await new Promise<void>((resolve) => s.listen(odd, resolve));
  const a = socketAdmin(odd);
  try {
    await assert.rejects(a.unary('ListNodes', {}, 5000), (err: unknown) => err instanceof AdminCallError && err.code === GrpcStatus.UNAVAILABLE);
  } finally {
    a.close();
    s.close();
  }
});

test('AdminService messages carry no bytes fields (JSON could not hand them over as Buffers)', () => {
  const scalarsOnly = new Set(['double', 'float']);
  for (const [name, m] of Object.entries(contractTypes.AdminService?.methods ?? {})) {
    const types = (
      descriptorFor([m.requestType, m.responseType]) as unknown as {
        nested: { kk: { nested: { v1: { nested: Record<string, { fields?: Record<string, { type: string }> }> } } } };
      }
    ).nested.kk.nested.v1.nested;
    for (const [t, def] of Object.entries(types)) {
      for (const [f, field] of Object.entries(def.fields ?? {})) {
        assert.notEqual(localName(field.type), 'bytes', `${name}: ${t}.${f} is bytes`);
        assert.ok(!scalarsOnly.has(field.type), `${name}: ${t}.${f} is ${field.type} (NaN/Infinity do not survive JSON)`);
      }
    }
  }
  assert.ok(Object.keys(contractTypes.AdminService?.methods ?? {}).length >= 13);
});
