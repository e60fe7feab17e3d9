// The agent's NATS credentials on disk: the seed always, the JWT when it has one; a data dir from
// before JWT auth (no nats.jwt) still loads, and the authenticator falls back to the bare nkey.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createUser } from 'nkeys.js';
import { AgentStateStore, type AgentState } from '../../../agent/runtime/state';
import { agentNatsAuthenticator } from '../../../agent/runtime/channel';
import { isNatsAuthError } from '../../../agent/runtime/nats-credentials';

function state(natsJwt?: string): AgentState {
  return {
    identity: {
      nodeName: 'n1',
      server: 'https://127.0.0.1:1',
      grpcAddress: '127.0.0.1:2',
      natsUrls: ['tls://127.0.0.1:3'],
      commandSubject: 'kk.cmd.n1',
      resultSubjectPrefix: 'kk.res.n1',
      commandSigningPublicKeyPem: '',
      factsIntervalSeconds: 30,
      enrolledAtMs: 1,
    },
    keyPem: 'k',
    certPem: 'c',
    caPem: 'ca',
    natsSeed: new TextDecoder().decode(createUser().getSeed()),
    ...(natsJwt ? { natsJwt } : {}),
  };
}

test('the JWT is saved (0600) and loaded with the state; without one the state still loads', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kk-agent-state-'));
  try {
    const store = new AgentStateStore(dir);
    store.save(state());
    assert.equal(store.load()?.natsJwt, undefined, 'a pre-JWT data dir loads');
    assert.equal(existsSync(path.join(dir, 'nats.jwt')), false);
    store.saveNatsJwt('eyJ.fetched.jwt');
    assert.equal(store.load()?.natsJwt, 'eyJ.fetched.jwt');
    assert.equal(statSync(path.join(dir, 'nats.jwt')).mode & 0o777, 0o600);
    store.save(state('eyJ.enrolled.jwt'));
    assert.equal(store.load()?.natsJwt, 'eyJ.enrolled.jwt');
    store.clear();
    assert.equal(existsSync(path.join(dir, 'nats.jwt')), false, 'forgetting the enrolment forgets the JWT');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the authenticator sends the JWT when there is one (read at each connect), else the bare nkey', () => {
  const s = state();
  const auth = agentNatsAuthenticator(s);
  const bare = auth('nonce') as { nkey?: string; jwt?: string; sig?: string };
  assert.ok(bare.nkey && bare.sig && !bare.jwt);
  s.natsJwt = 'eyJ.later.jwt';
  const withJwt = auth('nonce') as { nkey?: string; jwt?: string; sig?: string };
  assert.equal(withJwt.jwt, 'eyJ.later.jwt');
  assert.equal(withJwt.sig, bare.sig, 'same seed signs the nonce');
});

test('which NATS errors mean "fetch a fresh JWT"', () => {
  assert.equal(isNatsAuthError({ code: 'AUTHORIZATION_VIOLATION', message: '' }), true);
  assert.equal(isNatsAuthError(new Error("'User Authentication Revoked'")), true);
  assert.equal(isNatsAuthError({ code: 'CONNECTION_REFUSED', message: 'connect ECONNREFUSED' }), false);
  assert.equal(isNatsAuthError(null), false);
});
