import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { signCommand, verifyCommand } from '../../../shared/commands/signing';
import { decodeCommand, encodeCommand } from '../../../shared/commands/codec';
import { payloadHash } from '../../../shared/commands/payload-hash';

function keys() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { priv: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), pub: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

test('a signature verifies with the matching public key only, and only for the same bytes', () => {
  const a = keys();
  const b = keys();
  const bytes = encodeCommand({ id: 'run1-t1-n1', node: 'n1', issuedAtMs: 1, expiresAtMs: 2, exec: { argv: ['true'] } });
  const sig = signCommand(bytes, a.priv);
  assert.equal(sig.length, 64);
  assert.equal(verifyCommand(bytes, sig, a.pub), true);
  assert.equal(verifyCommand(bytes, sig, b.pub), false);
  const tampered = Buffer.from(bytes);
  tampered.writeUInt8(tampered.readUInt8(tampered.length - 1) ^ 1, tampered.length - 1);
  assert.equal(verifyCommand(tampered, sig, a.pub), false);
  assert.equal(verifyCommand(bytes, new Uint8Array(64), a.pub), false);
  assert.equal(verifyCommand(bytes, sig.subarray(0, 63), a.pub), false);
});

test('the signature covers a context prefix: a plain Ed25519 signature over the bytes is not accepted', async () => {
  const a = keys();
  const { sign, createPrivateKey } = await import('node:crypto');
  const bytes = encodeCommand({ id: 'x', node: 'n1', exec: { argv: ['true'] } });
  const bare = sign(null, bytes, createPrivateKey(a.priv));
  assert.equal(verifyCommand(bytes, bare, a.pub), false);
});

test('a non-Ed25519 key is refused with a clear error', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  assert.throws(() => signCommand(new Uint8Array(1), privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()), /must be Ed25519/);
});

test('payload hash ignores issue/expiry times and env order, but not content', () => {
  const base = { id: 'r-t-h', node: 'n1', issuedAtMs: 100, expiresAtMs: 200, exec: { argv: ['echo', 'a'], env: { A: '1', B: '2' } } };
  const h = payloadHash(decodeCommand(encodeCommand(base)));
  assert.equal(payloadHash(decodeCommand(encodeCommand({ ...base, issuedAtMs: 999, expiresAtMs: 5000 }))), h);
  assert.equal(payloadHash(decodeCommand(encodeCommand({ ...base, exec: { argv: ['echo', 'a'], env: { B: '2', A: '1' } } }))), h);
  assert.notEqual(payloadHash(decodeCommand(encodeCommand({ ...base, exec: { argv: ['echo', 'b'], env: { A: '1', B: '2' } } }))), h);
  assert.notEqual(payloadHash(decodeCommand(encodeCommand({ ...base, node: 'n2' }))), h);
});
