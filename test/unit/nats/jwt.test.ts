// JWT encoding: the format nats-server reads (header, claims, ed25519 signature by the issuer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount, createUser } from 'nkeys.js';
import { decodeJwt, encodeJwt, JwtError, unrestrictedUserClaim } from '../../../coordinator/nats/jwt';
import { nativeSigner, rawSeed } from '../../../coordinator/nats/signer';

const account = createAccount();
const user = createUser().getPublicKey();

test('the native signer makes exactly the signatures nkeys.js makes', () => {
  const signer = nativeSigner(account);
  assert.equal(signer.getPublicKey(), account.getPublicKey());
  for (const text of ['', 'nonce', 'x'.repeat(5000)]) {
    const data = new TextEncoder().encode(text);
    assert.deepEqual(Buffer.from(signer.sign(data)), Buffer.from(account.sign(data)));
  }
  assert.equal(rawSeed(account).length, 32);
});

test('encode → decode round trip; header, issuer, subject, id and time are as the server expects', () => {
  const jwt = encodeJwt(nativeSigner(account), user, 'n1', unrestrictedUserClaim(), 1_700_000_000);
  const [h, c] = jwt.split('.');
  assert.deepEqual(JSON.parse(Buffer.from(h!, 'base64url').toString()), { typ: 'JWT', alg: 'ed25519-nkey' });
  assert.doesNotMatch(jwt, /[=+/]/, 'base64url without padding');
  const claims = decodeJwt(jwt);
  assert.equal(claims.iss, account.getPublicKey());
  assert.equal(claims.sub, user);
  assert.equal(claims.iat, 1_700_000_000);
  assert.match(claims.jti, /^[A-Z2-7]{52}$/, 'base32 of a 32-byte hash');
  assert.deepEqual(JSON.parse(Buffer.from(c!, 'base64url').toString()), claims);
  // The id is a hash of the claims: the same claims give the same JWT.
  assert.equal(encodeJwt(nativeSigner(account), user, 'n1', unrestrictedUserClaim(), 1_700_000_000), jwt);
  assert.notEqual(encodeJwt(nativeSigner(account), user, 'n2', unrestrictedUserClaim(), 1_700_000_000), jwt);
});

test('a tampered or malformed JWT does not decode', () => {
  const jwt = encodeJwt(nativeSigner(account), user, 'n1', unrestrictedUserClaim());
  const [h, c, s] = jwt.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(c, 'base64url').toString()) as { sub: string };
  const forged = Buffer.from(JSON.stringify({ ...claims, sub: createUser().getPublicKey() })).toString('base64url');
  for (const bad of [`${h}.${forged}.${s}`, `${h}.${c}`, 'x.y.z', `${h}.${c}.${s.slice(0, -4)}AAAA`]) {
    assert.throws(() => decodeJwt(bad), JwtError, bad.slice(0, 40));
  }
});
