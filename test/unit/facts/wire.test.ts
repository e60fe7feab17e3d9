// FactSet → proto → FactSet through the real descriptor, encoded and decoded the way grpc-js's
// proto-loader does it (fromObject/encode, decode/toObject with LOADER_OPTIONS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import protobuf from 'protobufjs';
import { descriptor, LOADER_OPTIONS, type WireFactSet } from '../../../shared/proto/index';
import { factSetFromWire, factSetToWire } from '../../../shared/facts/wire';
import type { FactSet } from '../../../shared/facts/types';
import { fullFactSet, nullFactsFactSet, nullLeavesFactSet } from './sample-facts';

const FactSetType = protobuf.Root.fromJSON(descriptor).lookupType('kk.v1.FactSet');

function throughTheWire(f: FactSet): FactSet {
  const bytes = FactSetType.encode(FactSetType.fromObject(factSetToWire(f) as Record<string, unknown>)).finish();
  const decoded = FactSetType.toObject(FactSetType.decode(bytes), {
    longs: Number,
    enums: String,
    defaults: LOADER_OPTIONS.defaults,
    arrays: LOADER_OPTIONS.arrays,
    oneofs: LOADER_OPTIONS.oneofs,
  });
  return factSetFromWire(decoded as WireFactSet);
}

test('a fact set with a value everywhere survives the wire', () => {
  assert.deepEqual(throughTheWire(fullFactSet()), fullFactSet());
});

test('null in every nullable leaf, and empty lists/maps, survive the wire distinct from each other', () => {
  assert.deepEqual(throughTheWire(nullLeavesFactSet()), nullLeavesFactSet());
});

test('every top-level fact null (with and without a probe error) survives the wire', () => {
  assert.deepEqual(throughTheWire(nullFactsFactSet()), nullFactsFactSet());
});

test('a live-like mix: services and fio null without errors, lists present', () => {
  const f: FactSet = { ...fullFactSet(), services: null, fio: null, listeningPorts: [], probeErrors: { productUuid: 'x' }, productUuid: null };
  assert.deepEqual(throughTheWire(f), f);
});
