// The native nkey helpers must be indistinguishable from nkeys.js on the wire: same key encodings,
// same signatures (Ed25519 is deterministic), same authenticator answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createUser, fromPublic, fromSeed, createAccount } from 'nkeys.js';
import { jwtAuthenticator, nkeyAuthenticator } from 'nats';
import { createUserNkey, nativeNkeyAuthenticator, userNkeyFromSeed } from '../../../shared/nats/nkey-native';

test('a created key pair is a valid nkeys.js user pair', () => {
  const k = createUserNkey();
  assert.match(k.seed, /^SU[A-Z2-7]{56}$/);
  assert.match(k.publicKey, /^U[A-Z2-7]{55}$/);
  assert.equal(fromSeed(new TextEncoder().encode(k.seed)).getPublicKey(), k.publicKey);
  assert.doesNotThrow(() => fromPublic(k.publicKey));
  assert.notEqual(createUserNkey().seed, k.seed);
});

test('a seed from nkeys.js gives the same public key', () => {
  const kp = createUser();
  assert.equal(userNkeyFromSeed(new TextDecoder().decode(kp.getSeed())).publicKey, kp.getPublicKey());
});

test('the authenticator answers exactly as nats.js would, with and without a JWT', () => {
  const kp = createUser();
  const seedText = new TextDecoder().decode(kp.getSeed());
  const nonce = 'ybA2TJZn8xGlxWk0MXtW8g';
  assert.deepEqual(nativeNkeyAuthenticator(seedText)(nonce), nkeyAuthenticator(kp.getSeed())(nonce));
  assert.deepEqual(nativeNkeyAuthenticator(seedText, () => 'a.jwt.here')(nonce), jwtAuthenticator('a.jwt.here', kp.getSeed())(nonce));
  const { sig } = nativeNkeyAuthenticator(seedText)(nonce) as { sig: string };
  assert.ok(fromPublic(kp.getPublicKey()).verify(new TextEncoder().encode(nonce), Buffer.from(sig, 'base64')));
});

test('the JWT is read at each connect, so one fetched later is used next time', () => {
  const k = createUserNkey();
  const held: { jwt?: string } = {};
  const auth = nativeNkeyAuthenticator(k.seed, () => held.jwt);
  assert.equal('jwt' in (auth('n') as object), false);
  held.jwt = 'later.jwt.value';
  assert.equal((auth('n') as { jwt: string }).jwt, 'later.jwt.value');
});

test('a seed of another kind, or garbage, is refused', () => {
  assert.throws(() => userNkeyFromSeed(new TextDecoder().decode(createAccount().getSeed())), /user seed/);
  assert.throws(() => userNkeyFromSeed('SUNOTASEED'));
});
