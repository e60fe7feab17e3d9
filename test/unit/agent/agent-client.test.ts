// The agent's AgentService client is made without @grpc/proto-loader (agent/runtime/agent-client.ts,
// shared/proto/lean-service.ts); it must put the same bytes on the wire and hand back the same
// objects as the loader's definition the coordinator serves with, for every method.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as grpc from '@grpc/grpc-js';
import { leanServiceDefinition } from '../../../shared/proto/lean-service';
import { agentClientClass } from '../../../agent/runtime/agent-client';
import { loadGrpc } from '../../../shared/proto/index';
import { factSetToWire } from '../../../shared/facts/wire';
import { fullFactSet } from '../facts/sample-facts';

const reference = loadGrpc().kk.v1.AgentService.service as unknown as Record<string, grpc.MethodDefinition<object, object>>;
const lean = leanServiceDefinition('AgentService') as Record<string, grpc.MethodDefinition<object, object>>;

test('every AgentService method: same path, streaming and names as proto-loader; the client has them all', () => {
  assert.deepEqual(Object.keys(lean).sort(), Object.keys(reference).sort());
  assert.ok(Object.keys(lean).includes('NatsCredentials'));
  const Client = agentClientClass();
  for (const [name, ref] of Object.entries(reference)) {
    const m = lean[name]!;
    assert.equal(m.path, ref.path, name);
    assert.equal(m.requestStream, ref.requestStream, name);
    assert.equal(m.responseStream, ref.responseStream, name);
    assert.equal(typeof (Client.prototype as unknown as Record<string, unknown>)[name], 'function', name);
  }
});

const samples: Record<string, { request: object; response: object }> = {
  Enroll: {
    request: {
      token: 'id.secret',
      name: 'node1',
      machineId: 'a'.repeat(32),
      csrPem: '-----BEGIN CERTIFICATE REQUEST-----\n',
      natsPublicKey: 'U'.repeat(56),
      force: true,
      agentVersion: '0.1.0',
    },
    response: {
      nodeName: 'node1',
      certificatePem: 'c',
      caPem: 'ca',
      natsUrls: ['tls://10.0.0.1:9442', 'tls://[fd00::1]:9442'],
      commandSigningPublicKeyPem: 'k',
      commandSubject: 'kk.cmd.node1',
      resultSubjectPrefix: 'kk.res.node1',
      factsIntervalSeconds: 30,
      natsUserJwt: 'a.b.c',
    },
  },
  ReportFacts: {
    request: { facts: factSetToWire(fullFactSet()), lastRoundTripMs: 4, reason: 'requested', requestId: 'r1' },
    response: { receivedAtMs: 1764057600123, clockOffsetMs: -40 },
  },
  Session: { request: { agentVersion: '0.1.0' }, response: { refreshFacts: { requestId: 'r2', fioDirectory: '/var/lib/etcd' } } },
  NatsCredentials: { request: { agentVersion: '0.1.0' }, response: { natsUserJwt: 'x.y.z', natsUrls: ['tls://c:9442'] } },
};

test('requests and responses encode to the same bytes and decode to the same objects', () => {
  for (const [name, s] of Object.entries(samples)) {
    const ref = reference[name]!;
    const m = lean[name]!;
    const req = m.requestSerialize(s.request);
    assert.deepEqual(req, ref.requestSerialize(s.request), `${name} request bytes`);
    assert.deepEqual(m.requestDeserialize(req), ref.requestDeserialize(req), `${name} request object`);
    const res = ref.responseSerialize(s.response);
    assert.deepEqual(m.responseSerialize(s.response), res, `${name} response bytes`);
    assert.deepEqual(m.responseDeserialize(res), ref.responseDeserialize(res), `${name} response object`);
  }
  // The samples are real fields: they survive the round trip (unknown ones would vanish on both sides).
  const enrolled = lean.Enroll!.responseDeserialize(reference.Enroll!.responseSerialize(samples.Enroll!.response)) as {
    natsUserJwt: string;
    natsUrls: string[];
  };
  assert.equal(enrolled.natsUserJwt, 'a.b.c');
  assert.equal(enrolled.natsUrls.length, 2);
  const ev = lean.Session!.responseDeserialize(reference.Session!.responseSerialize(samples.Session!.response)) as {
    event?: string;
    refreshFacts?: { requestId: string };
  };
  assert.equal(ev.event, 'refreshFacts');
  assert.equal(ev.refreshFacts?.requestId, 'r2');
});
