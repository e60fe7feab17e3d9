// From "the registry now" to revocations: only keys that drop out cost anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createUser } from 'nkeys.js';
import { NatsMembership } from '../../../coordinator/nats/membership';

const node = (name: string) => ({ name, nkeyPublic: createUser().getPublicKey() });

test('adding nodes revokes nothing; removing or re-keying revokes exactly the keys that left', async () => {
  const calls: string[][] = [];
  const a = node('a');
  const b = node('b');
  const m = new NatsMembership([a], async (keys) => void calls.push(keys));
  await m.sync([a, b]);
  assert.deepEqual(calls, [], 'enrolments cost the server nothing');
  const bRekeyed = { ...b, nkeyPublic: createUser().getPublicKey() };
  await m.sync([a, bRekeyed]);
  assert.deepEqual(calls, [[b.nkeyPublic]], 'the replaced key is revoked');
  await m.sync([bRekeyed]);
  assert.deepEqual(calls, [[b.nkeyPublic], [a.nkeyPublic]], 'the removed node is revoked');
  await m.sync([bRekeyed]);
  assert.equal(calls.length, 2, 'nothing left: nothing to do');
});

test('a failed revocation reaches the caller', async () => {
  const a = node('a');
  const m = new NatsMembership([a], () => Promise.reject(new Error('nats down')));
  await assert.rejects(m.sync([]), /nats down/);
});
