// The CLI's AdminService codecs are made without @grpc/proto-loader (shared/proto/lean-codec.ts,
// wrapped for grpc-js by lean-service.ts); they must put the same bytes on the wire and hand back
// the same objects as the loader's definition the server uses (shared/proto/index.ts), method by
// method. The CLI's method table (coordinator/cli/client/admin-api.ts) must name every method.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as grpc from '@grpc/grpc-js';
import { leanServiceDefinition, leanClientClass } from '../../../shared/proto/lean-service';
import { descriptorFor } from '../../../shared/proto/descriptor';
import type { AdminStreamMethods, AdminUnaryMethods } from '../../../coordinator/cli/client/admin-api';
import { factSetToWire } from '../../../shared/facts/wire';
import { fullFactSet, nullLeavesFactSet } from '../facts/sample-facts';
import { loadGrpc } from '../../../shared/proto/index';

const reference = loadGrpc().kk.v1.AdminService.service as unknown as Record<string, grpc.MethodDefinition<object, object>>;
const light = leanServiceDefinition('AdminService') as Record<string, grpc.MethodDefinition<object, object>>;

test('every AdminService method: same path, streaming and client method name as proto-loader', () => {
  assert.deepEqual(Object.keys(light).sort(), Object.keys(reference).sort());
  assert.ok(Object.keys(light).length >= 10);
  for (const [name, ref] of Object.entries(reference)) {
    const m = light[name]!;
    assert.equal(m.path, ref.path, name);
    assert.equal(m.requestStream, ref.requestStream, name);
    assert.equal(m.responseStream, ref.responseStream, name);
    assert.equal(m.originalName, ref.originalName, name);
  }
  const Client = leanClientClass('AdminService');
  for (const name of Object.keys(reference)) {
    assert.equal(typeof (Client.prototype as unknown as Record<string, unknown>)[name], 'function', name);
    assert.equal(typeof (Client.prototype as unknown as Record<string, unknown>)[reference[name]!.originalName!], 'function', name);
  }
});

// Messages with maps, repeated fields, enums-as-strings, 64-bit numbers, optional and nested fields.
const samples: Record<string, { request?: object; response?: object }> = {
  RunCommand: {
    request: {
      inventoryName: '/srv/inventory.yaml',
      inventoryYaml: 'a: 1\n',
      configName: '',
      configYaml: '',
      hosts: ['node1', 'etcd'],
      argv: ['bash', '-c', 'echo ü'],
      timeoutSeconds: 30,
    },
    response: { finished: { runId: 'adhoc-x', status: 'failed', exitCodes: { node1: 0, node2: 2 }, errors: { node2: 'timeout: no result' } } },
  },
  RefreshFacts: {
    request: { names: ['a', 'b'], fioDirectory: '/var/lib/etcd', timeoutMs: 30_000 },
    response: { refreshed: ['a'], failed: { b: 'agent not connected' } },
  },
  ListNodes: {
    request: {},
    response: {
      nodes: [{ name: 'n1', internalIps: ['10.0.0.1'], connected: true, lastSeenMs: 1764057600123, memoryBytes: 8 * 2 ** 30, cpuCount: 4, clockOffsetMs: -12 }],
      coordinatorTimeMs: 1764057600999,
    },
  },
  GetFacts: { request: { name: 'n1' }, response: { facts: factSetToWire(fullFactSet()), receivedAtMs: 1764057600123, clockOffsetMs: 3 } },
  GetFactsNulls: { response: { facts: factSetToWire(nullLeavesFactSet()), receivedAtMs: 1, clockOffsetMs: 0 } },
  CreateToken: {
    request: { ttlSeconds: 86400, uses: 0, description: 'x' },
    response: { id: 't1', token: 'h::t1.s', oneLiner: 'curl …', usesAllowed: 3, expiresAtMs: 1764057600123 },
  },
};

test('requests and responses encode to the same bytes and decode to the same objects', () => {
  for (const [sample, s] of Object.entries(samples)) {
    const name = sample.replace(/Nulls$/, '');
    const ref = reference[name]!;
    const m = light[name]!;
    if (s.request) {
      const bytes = m.requestSerialize(s.request);
      assert.deepEqual(bytes, ref.requestSerialize(s.request), `${name} request bytes`);
      assert.deepEqual(m.requestDeserialize(bytes), ref.requestDeserialize(bytes), `${name} request object`);
    }
    if (s.response) {
      const bytes = ref.responseSerialize(s.response);
      assert.deepEqual(m.responseSerialize(s.response), bytes, `${name} response bytes`);
      const decoded = m.responseDeserialize(bytes);
      assert.deepEqual(decoded, ref.responseDeserialize(bytes), `${name} response object`);
    }
  }
  // The samples are real fields (unknown ones would vanish on both sides alike).
  const run = light.RunCommand!.responseDeserialize(reference.RunCommand!.responseSerialize(samples.RunCommand!.response!)) as {
    finished: { exitCodes: Record<string, number>; errors: Record<string, string> };
  };
  assert.deepEqual(run.finished.exitCodes, { node1: 0, node2: 2 });
  const nodes = light.ListNodes!.responseDeserialize(reference.ListNodes!.responseSerialize(samples.ListNodes!.response!)) as {
    nodes: { memoryBytes: number; clockOffsetMs: number }[];
    coordinatorTimeMs: number;
  };
  assert.equal(nodes.nodes[0]?.memoryBytes, 8 * 2 ** 30);
  assert.equal(nodes.nodes[0]?.clockOffsetMs, -12);
  assert.equal(nodes.coordinatorTimeMs, 1764057600999);
  // Defaults are filled in, as the CLI's code expects (e.g. exitCodes of a run with no hosts).
  const empty = light.RunCommand!.responseDeserialize(Buffer.alloc(0)) as Record<string, unknown>;
  assert.deepEqual(empty, reference.RunCommand!.responseDeserialize(Buffer.alloc(0)));
  assert.throws(() => light.RunCommand!.requestSerialize([] as unknown as object), /expected object/);
});

test("a method's messages are built from just the part of the descriptor they reach", () => {
  const names = (ns: object) => Object.keys((ns as { nested: { kk: { nested: { v1: { nested: object } } } } }).nested.kk.nested.v1.nested).sort();
  assert.deepEqual(names(descriptorFor(['RunCommandRequest', 'RunEvent'])), [
    'ProgressEvent',
    'ProgressKind',
    'RunCommandRequest',
    'RunEvent',
    'RunFinished',
    'TaskState',
  ]);
  assert.deepEqual(names(descriptorFor(['RefreshFactsRequest', '.kk.v1.RefreshFactsResponse'])), ['RefreshFactsRequest', 'RefreshFactsResponse']);
  const facts = names(descriptorFor(['GetFactsResponse']));
  assert.ok(facts.includes('FactSet') && facts.includes('FioLatency') && facts.includes('NullableString'), facts.join(','));
  assert.ok(!facts.includes('Command') && !facts.includes('EnrollRequest'));
});

// Compile-time: a key missing from either table, or one too many, fails the type-check.
const UNARY: Record<keyof AdminUnaryMethods, true> = {
  CreateToken: true,
  ListTokens: true,
  RevokeToken: true,
  ListNodes: true,
  GetFacts: true,
  RemoveNode: true,
  RefreshFacts: true,
  ListRuns: true,
  ShowRun: true,
  RunLogs: true,
};
const STREAMING: Record<keyof AdminStreamMethods, true> = { Precheck: true, CreateCluster: true, DeleteCluster: true, RunCommand: true };

test("the CLI's method table names every AdminService method, with its streaming kind", () => {
  const unary = Object.entries(reference)
    .filter(([, m]) => !m.requestStream && !m.responseStream)
    .map(([n]) => n)
    .sort();
  const streaming = Object.entries(reference)
    .filter(([, m]) => !m.requestStream && m.responseStream)
    .map(([n]) => n)
    .sort();
  assert.deepEqual(Object.keys(UNARY).sort(), unary);
  assert.deepEqual(Object.keys(STREAMING).sort(), streaming);
  assert.equal(unary.length + streaming.length, Object.keys(reference).length, 'no client-streaming methods');
});
