import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TokenStore, TokenRefused, splitJoinToken } from '../../../coordinator/tokens/tokens';

const dir = () => mkdtempSync(path.join(tmpdir(), 'kk-tokens-'));

test('a token is kubeadm-shaped and its secret is never stored', async () => {
  const d = dir();
  const store = new TokenStore(d);
  const { token, record } = store.create({ ttlMs: 60_000, uses: 0 });
  assert.match(token, /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
  assert.equal(record.id, token.split('.')[0]);
  await store.flushed();
  const onDisk = readFileSync(path.join(d, 'tokens.json'), 'utf8');
  assert.ok(!onDisk.includes(token.split('.')[1] ?? 'x'), 'secret written to disk');
  assert.equal(store.redeem(token).id, record.id);
});

test('expiry, use limits and revocation each refuse with their own reason', () => {
  let now = 1_000_000;
  const store = new TokenStore(dir(), () => now);
  const short = store.create({ ttlMs: 1000, uses: 0 }).token;
  const once = store.create({ ttlMs: 0, uses: 1 }).token;
  const revoked = store.create({ ttlMs: 0, uses: 0 });
  store.revoke(revoked.record.id);
  store.redeem(once);
  now += 1000;
  assert.throws(
    () => store.redeem(short),
    (e: unknown) => e instanceof TokenRefused && /expired/.test(e.message),
  );
  assert.throws(() => store.redeem(once), /used-up/);
  assert.throws(() => store.redeem(revoked.token), /revoked/);
  assert.throws(() => store.redeem(`${short.split('.')[0]}.0000000000000000`), /unknown token/);
  assert.throws(() => store.redeem('x'), /malformed/);
});

test('checking without consuming leaves the use count alone; state survives a reload', async () => {
  const d = dir();
  const store = new TokenStore(d);
  const { token } = store.create({ ttlMs: 0, uses: 2 });
  store.redeem(token, false);
  store.redeem(token, false);
  store.redeem(token);
  await store.flushed();
  const reloaded = new TokenStore(d);
  assert.equal(reloaded.list()[0]?.usesCount, 1);
});

test('join tokens split at the first ::', () => {
  assert.deepEqual(splitJoinToken('abc::def.ghi'), { caHash: 'abc', token: 'def.ghi' });
  assert.throws(() => splitJoinToken('no-separator'), TokenRefused);
});

test('a corrupt state file is a clear error, not a crash with a stack', async () => {
  const d = dir();
  const { writeFileSync } = await import('node:fs');
  writeFileSync(path.join(d, 'tokens.json'), '{not json');
  assert.throws(() => new TokenStore(d), /tokens\.json is not valid JSON/);
});
