// The JWT trust kk hands nats-server (auth.conf) and the user JWTs it signs: what they claim, who
// signed them, and what is refused before anything is signed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createUser } from 'nkeys.js';
import { credsAuthenticator } from 'nats';
import { UserError } from '../../../shared/errors';
import { nodePermissions } from '../../../shared/subjects';
import { buildAuthConfig, isUserNkeyPublic, renderAuthConfig } from '../../../coordinator/nats/auth';
import { NatsAuthority } from '../../../coordinator/nats/authority';
import { decodeJwt, type AccountClaim, type OperatorClaim, type UserClaim } from '../../../coordinator/nats/jwt';

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'kk-nats-auth-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const n1 = { name: 'n1.lab', nkeyPublic: createUser().getPublicKey() };

test('auth.conf: operator JWT, system account, MEMORY resolver with both account JWTs — and no users', () => {
  withDir((dir) => {
    const a = NatsAuthority.open(dir);
    const t = a.trust();
    assert.deepEqual(Object.keys(buildAuthConfig(t)), ['operator', 'system_account', 'resolver', 'resolver_preload']);
    const text = renderAuthConfig(t);
    assert.match(text, new RegExp(`^operator: "${t.operatorJwt}"$`, 'm'));
    assert.match(text, new RegExp(`^system_account: "${a.systemAccount.publicKey}"$`, 'm'));
    assert.match(text, /^resolver: "MEMORY"$/m);
    assert.match(text, new RegExp(`^  ${a.kkAccount.publicKey}: "${t.kkAccount.jwt}"$`, 'm'));
    assert.match(text, new RegExp(`^  ${a.systemAccount.publicKey}: "${t.systemAccount.jwt}"$`, 'm'));
    assert.doesNotMatch(text, /nkey|users|U[A-Z2-7]{55}/);

    const op = decodeJwt<OperatorClaim>(t.operatorJwt);
    assert.equal(op.iss, a.operator.publicKey);
    assert.equal(op.sub, a.operator.publicKey, 'the operator signs itself');
    assert.equal(op.nats.system_account, a.systemAccount.publicKey);
    const kk = decodeJwt<AccountClaim>(t.kkAccount.jwt);
    assert.equal(kk.iss, a.operator.publicKey);
    assert.equal(kk.sub, a.kkAccount.publicKey);
    assert.equal(kk.name, 'KK');
    assert.equal(kk.nats.limits.disk_storage, -1, 'JetStream enabled');
    assert.equal(kk.nats.limits.conn, -1);
    assert.equal(kk.nats.revocations, undefined);
    const sys = decodeJwt<AccountClaim>(t.systemAccount.jwt);
    assert.equal(sys.iss, a.operator.publicKey);
    assert.equal(sys.nats.limits.disk_storage, undefined, 'no JetStream in the system account');
  });
});

test("a node's user JWT: its own key, signed by the KK account, permissions exactly nodePermissions()", () => {
  withDir((dir) => {
    const a = NatsAuthority.open(dir);
    const u = decodeJwt<UserClaim>(a.userJwt(n1));
    assert.equal(u.sub, n1.nkeyPublic);
    assert.equal(u.iss, a.kkAccount.publicKey);
    assert.equal(u.name, 'n1.lab');
    const p = nodePermissions('n1.lab');
    assert.deepEqual(u.nats.pub, { allow: p.publish.allow, deny: p.publish.deny });
    assert.deepEqual(u.nats.sub, { allow: p.subscribe.allow, deny: p.subscribe.deny });
    assert.deepEqual(u.nats.resp, { max: 1, ttl: p.allowResponses.expiresMs * 1_000_000 });
    assert.equal(u.nats.type, 'user');
    assert.equal((u as { exp?: number }).exp, undefined, 'no expiry: removal is by revocation');
    // The coordinator's own JWT has no limits.
    const c = decodeJwt<UserClaim>(a.coordinatorJwt());
    assert.equal(c.sub, a.coordinator.publicKey);
    assert.deepEqual([c.nats.pub, c.nats.sub], [{}, {}]);
    // coordinator.creds is what `nats --creds` and nats.js read.
    const auth = credsAuthenticator(new TextEncoder().encode(a.coordinatorCreds()))('nonce') as { jwt?: string; nkey?: string };
    assert.equal(auth.jwt, a.coordinatorJwt());
  });
});

test('keys are created once (0600) and reused; the operator and system JWTs stay byte-identical', () => {
  withDir((dir) => {
    const a = NatsAuthority.open(dir);
    const b = NatsAuthority.open(dir);
    assert.equal(b.operator.publicKey, a.operator.publicKey);
    assert.equal(b.kkAccount.publicKey, a.kkAccount.publicKey);
    assert.equal(b.trust().operatorJwt, a.trust().operatorJwt);
    assert.equal(b.trust().systemAccount.jwt, a.trust().systemAccount.jwt);
    assert.match(readFileSync(path.join(dir, 'operator.nk'), 'utf8'), /^SO/);
    assert.match(readFileSync(path.join(dir, 'kk-account.nk'), 'utf8'), /^SA/);
    // A JWT from another operator lying around is replaced, not trusted.
    writeFileSync(path.join(dir, 'operator.jwt'), NatsAuthority.open(mkdtempSync(path.join(tmpdir(), 'kk-other-'))).trust().operatorJwt);
    assert.equal(decodeJwt(NatsAuthority.open(dir).trust().operatorJwt).iss, a.operator.publicKey);
  });
});

test('revocations go into the KK account JWT, persist, and stop the key being signed again', () => {
  withDir((dir) => {
    const a = NatsAuthority.open(dir);
    const before = a.userJwt(n1);
    assert.deepEqual(a.revoke([n1.nkeyPublic, n1.nkeyPublic]), [n1.nkeyPublic]);
    assert.deepEqual(a.revoke([n1.nkeyPublic]), [], 'already revoked');
    const kk = decodeJwt<AccountClaim>(a.trust().kkAccount.jwt);
    const at = kk.nats.revocations?.[n1.nkeyPublic];
    assert.ok(at !== undefined && at >= decodeJwt(before).iat, 'the revocation covers the JWT issued before it');
    assert.throws(() => a.userJwt(n1), /revoked/);
    const reopened = NatsAuthority.open(dir);
    assert.equal(reopened.isRevoked(n1.nkeyPublic), true);
    assert.throws(() => reopened.userJwt(n1), /revoked/);
    assert.throws(() => a.revoke([a.coordinator.publicKey]), /coordinator's own/);
    assert.throws(() => a.revoke(['UNOPE']), /not an nkey user public key/);
  });
});

test('a corrupt revocations.json is a UserError naming the file, not a crash', () => {
  withDir((dir) => {
    for (const body of ['{nope', '{"version": 1, "revoked": {"x": 1}}', '{"version": 1, "revoked": {"' + n1.nkeyPublic + '": "soon"}}', '[]']) {
      writeFileSync(path.join(dir, 'revocations.json'), body);
      assert.throws(
        () => NatsAuthority.open(dir),
        (e: Error) => e instanceof UserError && e.message.includes('revocations.json'),
        body,
      );
    }
  });
});

test('nkey validation, and what userJwt refuses before signing', () => {
  withDir((dir) => {
    const a = NatsAuthority.open(dir);
    assert.equal(isUserNkeyPublic(n1.nkeyPublic), true);
    const corrupted = n1.nkeyPublic.slice(0, -1) + (n1.nkeyPublic.endsWith('A') ? 'B' : 'A');
    for (const k of ['', 'U', corrupted, n1.nkeyPublic.toLowerCase(), 'A' + n1.nkeyPublic.slice(1), `${n1.nkeyPublic}"`]) {
      assert.equal(isUserNkeyPublic(k), false, k);
      assert.throws(() => a.userJwt({ name: 'x', nkeyPublic: k }), UserError, k);
    }
    assert.throws(() => a.userJwt({ name: 'x" } users: [ { nkey: "', nkeyPublic: n1.nkeyPublic }), /invalid node name/);
    assert.throws(() => a.userJwt({ name: 'x', nkeyPublic: a.coordinator.publicKey }), /same NATS nkey as the coordinator/);
    assert.throws(() => a.userJwt({ name: 'x', nkeyPublic: a.systemUser.publicKey }), /same NATS nkey as the coordinator/);
  });
});
