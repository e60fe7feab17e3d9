// The fact set is defined once (shared/facts/shape.ts: types, zod and the quick check come from
// it); the proto (proto/kk/v1/facts.proto) is the one other form. This walks both together, so a
// field added to, renamed in or dropped from either one fails here until the other follows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import protobuf from 'protobufjs';
import { descriptor } from '../../../shared/proto/index';
import { COORDINATOR_FIELDS, FIO_FIELD, PROBE_ERRORS_FIELD, REQUIRED_FACTS, factSetSchema, type Field } from '../../../shared/facts/shape';
import { factSetSchema as schemaFromSchemaModule } from '../../../shared/facts/schema';

const root = protobuf.Root.fromJSON(descriptor);
const FactSetType = root.lookupType('kk.v1.FactSet');

/** The object a field holds once nullable, list and record are unwrapped (null for a leaf). */
function objectFields(f: Field): Readonly<Record<string, Field>> | null {
  switch (f.shape.kind) {
    case 'leaf':
      return null;
    case 'nullable':
      return objectFields(f.shape.inner);
    case 'list':
      return objectFields(f.shape.item);
    case 'record':
      return objectFields(f.shape.value);
    case 'object':
      return f.shape.fields;
  }
}

/** Compares one message with one object of the shape, recursing into nested messages. */
function compare(type: protobuf.Type, fields: Readonly<Record<string, Field>>, at: string): string[] {
  const problems: string[] = [];
  type.resolveAll();
  const protoNames = Object.keys(type.fields).sort();
  const shapeNames = Object.keys(fields).sort();
  for (const n of shapeNames) if (!protoNames.includes(n)) problems.push(`${at}.${n} is in shape.ts, not in ${type.name} (facts.proto)`);
  for (const n of protoNames) if (!shapeNames.includes(n)) problems.push(`${at}.${n} is in ${type.name} (facts.proto), not in shape.ts`);
  for (const n of shapeNames) {
    const pf = type.fields[n];
    if (!pf) continue;
    const nested = objectFields(fields[n]!);
    const message = pf.resolvedType instanceof protobuf.Type ? pf.resolvedType : null;
    // A null map value travels as NullableString (shared/facts/wire.ts): a leaf on our side.
    if (nested === null && message && message.name !== 'NullableString')
      problems.push(`${at}.${n} is a leaf in shape.ts but the message ${message.name} in facts.proto`);
    if (nested !== null && !message) problems.push(`${at}.${n} is an object in shape.ts but a scalar in facts.proto`);
    if (nested !== null && message) problems.push(...compare(message, nested, `${at}.${n}`));
  }
  return problems;
}

test('shape.ts and facts.proto name the same fields, at every level', () => {
  // receivedAtMs/clockOffsetMs are the coordinator's own, added when it stores a set: never on the wire.
  const wireFields = { ...REQUIRED_FACTS, fio: FIO_FIELD, probeErrors: PROBE_ERRORS_FIELD };
  assert.deepEqual(compare(FactSetType, wireFields, 'FactSet'), []);
  for (const k of Object.keys(COORDINATOR_FIELDS)) assert.equal(FactSetType.fields[k], undefined, `${k} is the coordinator's, not the agent's`);
});

test("the zod schema is the one built from the shape, with every field in the shape's order", () => {
  assert.equal(schemaFromSchemaModule, factSetSchema);
  assert.deepEqual(Object.keys(factSetSchema.shape), [...Object.keys(REQUIRED_FACTS), 'fio', 'probeErrors', ...Object.keys(COORDINATOR_FIELDS)]);
});
