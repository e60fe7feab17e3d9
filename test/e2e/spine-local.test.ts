// The coordinator's trust boundary, end to end on this host: the real coordinator (with its real
// nats-server child) and the real agent as processes, plus hand-made gRPC calls for the requests a
// genuine agent would never send. Every refusal is asserted, and after each bad input the
// coordinator must still serve everyone else.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync, statSync, lstatSync, renameSync, chmodSync, copyFileSync } from 'node:fs';
import { connect, jwtAuthenticator, type NatsError } from 'nats';
import { createUser } from 'nkeys.js';
import { commandSubject, resultSubject, nodeInboxPrefix } from '../../shared/subjects';
import { tmpdir, hostname } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import tls from 'node:tls';
import { TestCoordinator, AGENT_BIN, REPO, httpsGet, eventually } from './lib/coordinator';
import { agentClient, enrollDirect, grpcCode, grpc, randomMachineId } from './lib/grpc-clients';
import { generateKeyPair, x509, SIGNING_ALGORITHM } from '../../shared/pki/x509';
import type { NodeInfo__Output } from '../../shared/proto/generated/kk/v1/NodeInfo';
import type { FactSet } from '../../shared/facts/types';

const coord = new TestCoordinator();
const agents: ChildProcess[] = [];
const tmpDirs: string[] = [];

function startAgent(args: string[], env: NodeJS.ProcessEnv = {}): { proc: ChildProcess; log: () => string; dataDir: string } {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kk-agent-'));
  tmpDirs.push(dataDir);
  let log = '';
  const proc = spawn(AGENT_BIN, ['run', '--data-dir', dataDir, ...args], {
    env: { ...process.env, KK_LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  proc.stderr?.on('data', (d: Buffer) => {
    log += d.toString();
  });
  agents.push(proc);
  return { proc, log: () => log, dataDir };
}

const nodes = () => coord.json<NodeInfo__Output[]>(['nodes']);

/** Runs argv as another user (uid = gid), with no supplementary groups. */
function runAs(uid: number, argv: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(argv[0]!, argv.slice(1), { uid, gid: uid, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    p.on('close', (code) => resolve({ code: code ?? -1, stderr }));
  });
}
const exitOf = (p: ChildProcess) => new Promise<number | null>((r) => (p.exitCode !== null ? r(p.exitCode) : p.once('exit', (c) => r(c))));

async function coordinatorStillServes(): Promise<void> {
  const r = await coord.cli(['token', 'list']);
  assert.equal(r.code, 0, `coordinator stopped serving: ${r.stderr}`);
}

before(async () => {
  await coord.start();
});

after(async () => {
  for (const a of agents) if (a.exitCode === null) a.kill('SIGKILL');
  await coord.stop();
  coord.cleanup();
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

describe('tokens and the one-liner', () => {
  test('token create prints the CA-pinned one-liner; list and revoke show state', async () => {
    const t = await coord.token(['--ttl', '1h', '--uses', '3', '--description', 'rack 4']);
    assert.match(t.token, /^[0-9a-f]{64}::[a-z0-9]{6}\.[a-z0-9]{16}$/);
    assert.match(
      t.oneLiner,
      new RegExp(
        `^script=\\$\\(curl -fsSL -k --pinnedpubkey 'sha256//[A-Za-z0-9+/=]{44}' https://127\\.0\\.0\\.1:${coord.httpPort}/bootstrap\\.sh\\) && sh -c "\\$script" bootstrap\\.sh --server https://127\\.0\\.0\\.1:${coord.httpPort} --token [0-9a-f]{64}::`,
      ),
    );
    // The pin in the one-liner is the real serving key: curl with it succeeds, curl with another fails.
    const pin = /--pinnedpubkey '([^']+)'/.exec(t.oneLiner)?.[1] ?? '';
    const ok = execFileSync('curl', ['-fsS', '-k', '--pinnedpubkey', pin, `${coord.serverUrl}/bootstrap.sh`]).toString();
    assert.match(ok, /^#!\/bin\/sh/);
    assert.throws(() =>
      execFileSync('curl', ['-fsS', '-k', '--pinnedpubkey', 'sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', `${coord.serverUrl}/bootstrap.sh`], {
        stdio: 'pipe',
      }),
    );
    const list = await coord.json<{ id: string; status: string; usesAllowed: number; description: string }[]>(['token', 'list']);
    const mine = list.find((x) => x.id === t.id);
    assert.equal(mine?.status, 'valid');
    assert.equal(mine?.description, 'rack 4');
    const rv = await coord.cli(['token', 'revoke', t.id]);
    assert.equal(rv.code, 0, rv.stderr);
    const after = await coord.json<{ id: string; status: string }[]>(['token', 'list']);
    assert.equal(after.find((x) => x.id === t.id)?.status, 'revoked');
  });

  test('bad durations and unknown token ids are clear errors', async () => {
    const bad = await coord.cli(['token', 'create', '--ttl', 'soon']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /not a duration/);
    assert.doesNotMatch(bad.stderr, /at .*\.cjs/);
    const unknown = await coord.cli(['token', 'revoke', 'zzzzzz']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no token with id "zzzzzz"/);
  });
});

describe('enrolment refusals', () => {
  const caAndAddr = () => ({ ca: coord.adminCredentials().caPem, addr: `127.0.0.1:${coord.grpcPort}` });

  test('wrong, malformed, expired, used-up and revoked tokens are refused and enrol nothing', async () => {
    const { ca, addr } = caAndAddr();
    const expired = (await coord.token(['--ttl', '1s'])).token.split('::')[1] ?? '';
    const once = (await coord.token(['--uses', '1'])).token.split('::')[1] ?? '';
    const revoked = await coord.token();
    await coord.cli(['token', 'revoke', revoked.id]);
    await enrollDirect(addr, ca, { token: once, name: 'first-use' });
    await new Promise((r) => setTimeout(r, 1100));
    const cases: [string, string, RegExp][] = [
      ['wrong', 'abcdef.0123456789abcdef', /unknown token/],
      ['malformed', 'not-a-token', /malformed token/],
      ['expired', expired, /is expired/],
      ['used-up', once, /is used-up/],
      ['revoked', revoked.token.split('::')[1] ?? '', /is revoked/],
    ];
    for (const [label, token, why] of cases) {
      await assert.rejects(enrollDirect(addr, ca, { token, name: `refused-${label}` }), (err: unknown) => {
        assert.equal(grpcCode(err), grpc.status.UNAUTHENTICATED, label);
        assert.match((err as Error).message, why, label);
        return true;
      });
    }
    const names = (await nodes()).map((n) => n.name);
    assert.ok(names.includes('first-use'));
    assert.ok(!names.some((n) => n.startsWith('refused-')), `refused enrolments left nodes behind: ${names}`);
  });

  test('bad names, machine ids, nkeys and CSRs are refused with the reason', async () => {
    const { ca, addr } = caAndAddr();
    const token = (await coord.token()).token.split('::')[1] ?? '';
    const bad: [Parameters<typeof enrollDirect>[2], RegExp][] = [
      [{ token, name: '../../etc/passwd' }, /not a valid node name/],
      [{ token, name: 'ok-name', machineId: 'nope' }, /machineId/],
      [{ token, name: 'ok-name', natsPublicKey: 'SUAFAKESEED' }, /nkey/],
      [{ token, name: 'ok-name', csrPem: 'garbage' }, /PKCS#10/],
    ];
    for (const [req, why] of bad) {
      await assert.rejects(enrollDirect(addr, ca, req), (err: unknown) => {
        assert.equal(grpcCode(err), grpc.status.INVALID_ARGUMENT);
        assert.match((err as Error).message, why);
        return true;
      });
    }
    assert.ok(!(await nodes()).some((n) => n.name === 'ok-name'));
  });

  test('a name held by another machine is refused unless forced; forcing revokes the old certificate', async () => {
    const { ca, addr } = caAndAddr();
    const token = (await coord.token()).token.split('::')[1] ?? '';
    const machineA = randomMachineId();
    const a = await enrollDirect(addr, ca, { token, name: 'contested', machineId: machineA });
    // The same machine re-enrolling keeps its name.
    const a2 = await enrollDirect(addr, ca, { token, name: 'contested', machineId: machineA });
    await assert.rejects(enrollDirect(addr, ca, { token, name: 'contested', machineId: randomMachineId() }), (err: unknown) => {
      assert.equal(grpcCode(err), grpc.status.ALREADY_EXISTS);
      assert.match((err as Error).message, /already enrolled by another machine.*--force/);
      return true;
    });
    const b = await enrollDirect(addr, ca, { token, name: 'contested', machineId: randomMachineId(), force: true });
    assert.notEqual(b.certPem, a2.certPem);
    assert.ok(b.res.natsUserJwt, 'the replacing machine gets its own NATS JWT');
    // Both of machine A's certificates are now refused.
    for (const old of [a, a2]) {
      const c = agentClient(addr, ca, old);
      await assert.rejects(
        new Promise((resolve, reject) => c.ReportFacts({ facts: { schemaVersion: 1 } }, (err, r) => (err ? reject(err) : resolve(r)))),
        (err: unknown) => grpcCode(err) === grpc.status.PERMISSION_DENIED,
      );
      c.close();
    }
  });

  test('an agent whose token carries another CA hash stops before enrolling (exit 78)', async () => {
    const t = await coord.token();
    const forged = `${'0'.repeat(64)}::${t.token.split('::')[1]}`;
    const a = startAgent(['--server', coord.serverUrl, '--token', forged, '--name', 'forged']);
    assert.equal(await exitOf(a.proc), 78);
    assert.match(a.log(), /does not match the token's CA hash/);
    assert.ok(!existsSync(path.join(a.dataDir, 'identity.json')));
    assert.ok(!(await nodes()).some((n) => n.name === 'forged'));
  });
});

describe('a real agent on this host', () => {
  let agentDir = '';
  let agentLog: () => string = () => '';

  test('enrols with the one-liner token, reports its facts and shows as connected', async () => {
    const t = await coord.token();
    const a = startAgent(['--server', coord.serverUrl, '--token', t.token, '--name', 'hostagent']);
    agentDir = a.dataDir;
    agentLog = a.log;
    const n = await eventually(async () => (await nodes()).find((x) => x.name === 'hostagent' && x.connected && x.kernel), 'hostagent connected with facts');
    assert.equal(n.kernel, execFileSync('uname', ['-r']).toString().trim());
    assert.equal(n.cpuCount > 0, true);
    const facts = await coord.json<FactSet>(['facts', 'hostagent']);
    assert.equal(facts.hostname, hostname());
    assert.equal(typeof facts.receivedAtMs, 'number');
    assert.equal(typeof facts.clockOffsetMs, 'number');
    assert.ok(Math.abs(facts.clockOffsetMs ?? 1e9) < 2000, `same host, offset ${facts.clockOffsetMs}`);
    // The agent's secrets stay private.
    const mode = execFileSync('stat', ['-c', '%a', path.join(agentDir, 'agent.key')])
      .toString()
      .trim();
    assert.equal(mode, '600');
    assert.match(agentLog(), /NATS connected/);
  });

  test("the agent's own NATS credentials reach only its own subjects", async () => {
    const seed = readFileSync(path.join(agentDir, 'nats.nk'), 'utf8').trim();
    const jwt = readFileSync(path.join(agentDir, 'nats.jwt'), 'utf8').trim();
    assert.equal(statSync(path.join(agentDir, 'nats.jwt')).mode & 0o777, 0o600);
    const nc = await connect({
      servers: `tls://127.0.0.1:${coord.natsPort}`,
      authenticator: jwtAuthenticator(jwt, new TextEncoder().encode(seed)),
      tls: { ca: coord.adminCredentials().caPem },
      inboxPrefix: nodeInboxPrefix('hostagent'),
      reconnect: false,
    });
    const statusErrors: string[] = [];
    void (async () => {
      for await (const st of nc.status()) if (st.type === 'error') statusErrors.push(String(st.data));
    })();
    try {
      const own = nc.subscribe(commandSubject('hostagent'));
      const violation = new Promise<string>((resolve) => {
        nc.subscribe(commandSubject('node-b'), {
          callback: (err) => {
            if (err) resolve(err.code);
          },
        });
      });
      await nc.flush();
      assert.equal(await violation, 'PERMISSIONS_VIOLATION');
      nc.publish('kk.coord.forged', new Uint8Array([1]));
      nc.publish(resultSubject('node-b', 'forged'), new Uint8Array([1]));
      await nc.flush();
      await eventually(async () => statusErrors.length >= 2, 'publish violations reported');
      assert.ok(
        statusErrors.every((e) => /PERMISSIONS_VIOLATION/.test(e)),
        statusErrors.join(),
      );
      assert.equal(own.isClosed(), false, 'its own command subject stays subscribed');
    } finally {
      await nc.close();
    }
  });

  test('enrolling nodes never reloads nats-server nor rewrites its auth config', async () => {
    const authConf = path.join(coord.dataDir, 'nats', 'auth.conf');
    const before = { mtimeMs: statSync(authConf).mtimeMs, text: readFileSync(authConf, 'utf8') };
    const mark = coord.log.length;
    const token = (await coord.token(['--uses', '0'])).token.split('::')[1] ?? '';
    const addr = `127.0.0.1:${coord.grpcPort}`;
    const ca = coord.adminCredentials().caPem;
    const enrolled = await Promise.all(
      ['quiet-1', 'quiet-2', 'quiet-3'].map(async (name) => {
        const kp = createUser();
        const e = await enrollDirect(addr, ca, { token, name, natsPublicKey: kp.getPublicKey() });
        return { name, kp, jwt: e.res.natsUserJwt };
      }),
    );
    for (const e of enrolled) {
      // The JWT from Enroll works at once with the node's own seed.
      const nc = await connect({
        servers: `tls://127.0.0.1:${coord.natsPort}`,
        authenticator: jwtAuthenticator(e.jwt, e.kp.getSeed()),
        tls: { ca },
        inboxPrefix: nodeInboxPrefix(e.name),
        reconnect: false,
      });
      await nc.flush();
      await nc.close();
    }
    assert.equal(statSync(authConf).mtimeMs, before.mtimeMs);
    assert.equal(readFileSync(authConf, 'utf8'), before.text);
    const log = coord.log.slice(mark);
    assert.doesNotMatch(log, /Reloaded|revoking NATS keys|re-signed account JWT/);
  });

  test('a node re-enrolled with a new key gets a fresh JWT and its old key is cut off', async () => {
    const addr = `127.0.0.1:${coord.grpcPort}`;
    const ca = coord.adminCredentials().caPem;
    const token = (await coord.token(['--uses', '0'])).token.split('::')[1] ?? '';
    const machineId = randomMachineId();
    const oldKp = createUser();
    const first = await enrollDirect(addr, ca, { token, name: 'rekeyed', machineId, natsPublicKey: oldKp.getPublicKey() });
    const opts = (jwt: string, seed: Uint8Array) => ({
      servers: `tls://127.0.0.1:${coord.natsPort}`,
      authenticator: jwtAuthenticator(jwt, seed),
      tls: { ca },
      inboxPrefix: nodeInboxPrefix('rekeyed'),
      reconnect: false,
    });
    const oldConn = await connect(opts(first.res.natsUserJwt, oldKp.getSeed()));
    const newKp = createUser();
    const second = await enrollDirect(addr, ca, { token, name: 'rekeyed', machineId: randomMachineId(), force: true, natsPublicKey: newKp.getPublicKey() });
    assert.notEqual(second.res.natsUserJwt, first.res.natsUserJwt);
    await eventually(async () => oldConn.isClosed(), 'the old key’s connection to be closed');
    await assert.rejects(connect(opts(first.res.natsUserJwt, oldKp.getSeed())), (e: NatsError) => e.code === 'AUTHORIZATION_VIOLATION');
    await (await connect(opts(second.res.natsUserJwt, newKp.getSeed()))).close();
    // A key held by another node is refused at enrolment.
    await assert.rejects(enrollDirect(addr, ca, { token, name: 'key-thief', natsPublicKey: newKp.getPublicKey() }), (err: unknown) => {
      assert.equal(grpcCode(err), grpc.status.INVALID_ARGUMENT);
      assert.match((err as Error).message, /already node rekeyed's/);
      return true;
    });
    // So is the revoked old key, even for its own node name.
    await assert.rejects(enrollDirect(addr, ca, { token, name: 'rekeyed', machineId, force: true, natsPublicKey: oldKp.getPublicKey() }), (err: unknown) => {
      assert.equal(grpcCode(err), grpc.status.INVALID_ARGUMENT);
      assert.match((err as Error).message, /revoked/);
      return true;
    });
  });

  test('an agent data dir from before NATS used JWTs (seed, no JWT) fetches one and connects', async () => {
    const proc = agents.find((p) => p.exitCode === null && p.spawnargs.includes('hostagent'));
    assert.ok(proc);
    proc.kill('SIGTERM');
    await exitOf(proc);
    const seedBefore = readFileSync(path.join(agentDir, 'nats.nk'), 'utf8');
    rmSync(path.join(agentDir, 'nats.jwt'));
    const mark = coord.log.length;
    let log = '';
    const again = spawn(AGENT_BIN, ['run', '--data-dir', agentDir, '--name', 'hostagent'], {
      env: { ...process.env, KK_LOG_FORMAT: 'json' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    again.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    agents.push(again);
    agentLog = () => log;
    await eventually(async () => /NATS connected/.test(log), 'the migrated agent connects to NATS', 30_000);
    assert.match(log, /got NATS credentials from the coordinator/);
    assert.equal(readFileSync(path.join(agentDir, 'nats.nk'), 'utf8'), seedBefore, 'the node keeps its key');
    assert.ok(existsSync(path.join(agentDir, 'nats.jwt')), 'and stores the JWT');
    await coord.waitForLog(/issued NATS credentials/, 10_000, mark);
    await eventually(async () => (await nodes()).find((x) => x.name === 'hostagent' && x.connected), 'hostagent connected again');
  });

  test('facts --refresh asks the agent for fresh facts', async () => {
    const before = (await coord.json<FactSet>(['facts', 'hostagent'])).receivedAtMs ?? 0;
    const r = await coord.cli(['facts', 'hostagent', '--refresh']);
    assert.equal(r.code, 0, r.stderr);
    const after = (JSON.parse(r.stdout) as FactSet).receivedAtMs ?? 0;
    assert.ok(after > before, 'refresh brought newer facts');
  });

  test('ReportFacts without a client certificate, or with a certificate from another CA, is refused', async () => {
    const addr = `127.0.0.1:${coord.grpcPort}`;
    const ca = coord.adminCredentials().caPem;
    const anon = agentClient(addr, ca);
    await assert.rejects(
      new Promise((resolve, reject) => anon.ReportFacts({ facts: { schemaVersion: 1 } }, (e, r) => (e ? reject(e) : resolve(r)))),
      (err: unknown) => grpcCode(err) === grpc.status.UNAUTHENTICATED,
    );
    anon.close();
    // A self-made CA signing a certificate for "hostagent": not ours, so not trusted.
    const rogue = await generateKeyPair();
    const rogueCert = await x509.X509CertificateGenerator.createSelfSigned({
      name: 'CN=hostagent,O=kk-nodes',
      keys: rogue.keys,
      signingAlgorithm: SIGNING_ALGORITHM,
    });
    const forged = agentClient(addr, ca, { keyPem: rogue.privateKeyPem, certPem: rogueCert.toString('pem') });
    await assert.rejects(new Promise((resolve, reject) => forged.ReportFacts({ facts: { schemaVersion: 1 } }, (e, r) => (e ? reject(e) : resolve(r)))));
    forged.close();
    const facts = await coord.json<FactSet>(['facts', 'hostagent']);
    assert.notEqual(facts.schemaVersion, 0);
    assert.ok(facts.os !== null, 'the real facts were not overwritten');
  });

  test('a node reports only as itself: its facts never land on another node', async () => {
    const { caPem } = coord.adminCredentials();
    const token = (await coord.token()).token.split('::')[1] ?? '';
    const a = await enrollDirect(`127.0.0.1:${coord.grpcPort}`, caPem, { token, name: 'node-a' });
    const c = agentClient(`127.0.0.1:${coord.grpcPort}`, caPem, a);
    await new Promise((resolve, reject) =>
      c.ReportFacts({ facts: { schemaVersion: 1, collectedAtMs: 1, hostname: 'hostagent', probeErrors: {} } }, (e, r) => (e ? reject(e) : resolve(r))),
    );
    c.close();
    const own = await coord.json<FactSet>(['facts', 'node-a']);
    assert.equal(own.hostname, 'hostagent');
    const other = await coord.json<FactSet>(['facts', 'hostagent']);
    assert.ok(other.os !== null, 'hostagent keeps its own facts');
  });

  test('operator commands need the admin credential', async () => {
    const noCred = await coord.cli(['nodes', '--credentials', '/nonexistent/creds.json']);
    assert.equal(noCred.code, 1);
    assert.match(noCred.stderr, /credentials file .* does not exist/);
    // A node's own certificate is not an admin credential.
    const admin = coord.adminCredentials();
    const nodeCreds = path.join(agentDir, 'as-admin.json');
    writeFileSync(
      nodeCreds,
      JSON.stringify({
        coordinator: admin.coordinator,
        caPem: admin.caPem,
        certPem: execFileSync('cat', [path.join(agentDir, 'agent.crt')]).toString(),
        keyPem: execFileSync('cat', [path.join(agentDir, 'agent.key')]).toString(),
      }),
    );
    const asNode = await coord.cli(['nodes', '--credentials', nodeCreds]);
    assert.equal(asNode.code, 1);
    assert.match(asNode.stderr, /refused by the coordinator: operator commands need the admin credential/);
    const tokenAsNode = await coord.cli(['token', 'create', '--credentials', nodeCreds]);
    assert.equal(tokenAsNode.code, 1);
  });

  test('the local admin socket is 0600, used by default, and answers as the mTLS port does', async () => {
    const sock = path.join(coord.dataDir, 'admin.sock');
    const st = lstatSync(sock);
    assert.ok(st.isSocket());
    assert.equal(st.mode & 0o777, 0o600);
    // With the admin credential out of the way, only the socket can answer.
    const cred = path.join(coord.dataDir, 'admin-credentials.json');
    renameSync(cred, `${cred}.away`);
    let viaSocket;
    try {
      viaSocket = await coord.cli(['nodes', '-o', 'json']);
    } finally {
      renameSync(`${cred}.away`, cred);
    }
    assert.equal(viaSocket.code, 0, viaSocket.stderr);
    const viaTls = await coord.cli(['nodes', '-o', 'json', '--coordinator', `127.0.0.1:${coord.grpcPort}`, '--credentials', cred]);
    assert.equal(viaTls.code, 0, viaTls.stderr);
    const names = (out: string) => (JSON.parse(out) as NodeInfo__Output[]).map((n) => `${n.name} ${n.connected} ${n.internalIps.join(',')}`).sort();
    assert.deepEqual(names(viaSocket.stdout), names(viaTls.stdout));
    assert.ok(names(viaSocket.stdout).length > 0);
  });

  test('a user other than root cannot use the admin socket and is told why', async () => {
    // The bundles are copied where that user can read them; the data dir is opened for traversal
    // only, so what refuses is the socket's own mode.
    const bin = mkdtempSync(path.join(tmpdir(), 'kk-cli-'));
    tmpDirs.push(bin);
    chmodSync(bin, 0o755);
    for (const f of ['kk-coordinator.cjs', 'kk-coordinator-ops.cjs']) copyFileSync(path.join(REPO, 'dist', f), path.join(bin, f));
    const mode = statSync(coord.dataDir).mode & 0o777;
    chmodSync(coord.dataDir, 0o711);
    try {
      const r = await runAs(65534, [process.execPath, path.join(bin, 'kk-coordinator.cjs'), 'nodes', '--data-dir', coord.dataDir]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /no permission to use .*admin\.sock: operator commands run as root/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    } finally {
      chmodSync(coord.dataDir, mode);
    }
  });

  test('a second coordinator on the same data dir stops at once, naming the running one', async () => {
    const second = new TestCoordinator({ dataDir: coord.dataDir });
    await assert.rejects(second.start(), /another coordinator is serving this data dir/);
    await coordinatorStillServes();
    assert.ok(lstatSync(path.join(coord.dataDir, 'admin.sock')).isSocket(), 'the running coordinator keeps its socket');
  });

  test('garbage, truncated and oversized input on the gRPC, HTTPS and NATS ports fails only that client', async () => {
    const garbage = Buffer.from('GET / HTTP/1.1\r\n\x00\x01\x02\xff\xfe garbage \r\n\r\n'.repeat(50));
    // The local admin socket: garbage, and an HTTP/2 preface followed by nonsense.
    for (const bytes of [garbage, Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), garbage])]) {
      await new Promise<void>((resolve) => {
        const s = net.connect(path.join(coord.dataDir, 'admin.sock'), () => s.end(bytes));
        s.on('error', () => resolve());
        s.on('close', () => resolve());
        s.resume();
      });
    }
    for (const port of [coord.grpcPort, coord.httpPort, coord.natsPort]) {
      await new Promise<void>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => s.end(garbage));
        s.on('error', () => resolve());
        s.on('close', () => resolve());
        s.resume();
      });
      // A TLS client that sends a truncated handshake then vanishes.
      await new Promise<void>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => {
          s.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]));
          s.destroy();
          resolve();
        });
        s.on('error', () => resolve());
      });
    }
    // An oversized gRPC message (over the 4 MiB limit) from an enrolled node.
    const { caPem } = coord.adminCredentials();
    const token = (await coord.token()).token.split('::')[1] ?? '';
    const big = await enrollDirect(`127.0.0.1:${coord.grpcPort}`, caPem, { token, name: 'big-sender' });
    const c = agentClient(`127.0.0.1:${coord.grpcPort}`, caPem, big);
    await assert.rejects(
      new Promise((resolve, reject) =>
        c.ReportFacts({ facts: { schemaVersion: 1, kernelModules: Array.from({ length: 200_000 }, (_, i) => `module_${i}_${'x'.repeat(20)}`) } }, (e, r) =>
          e ? reject(e) : resolve(r),
        ),
      ),
      (err: unknown) => grpcCode(err) === grpc.status.RESOURCE_EXHAUSTED,
    );
    c.close();
    // HTTPS: an oversized header and a path that is not served.
    const tlsOversize = await new Promise<string>((resolve) => {
      const s = tls.connect({ host: '127.0.0.1', port: coord.httpPort, rejectUnauthorized: false }, () => {
        s.write(`GET /ca.crt HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
      });
      let out = '';
      s.on('data', (d: Buffer) => {
        out += d.toString();
      });
      s.on('close', () => resolve(out));
      s.on('error', () => resolve(out));
    });
    assert.match(tlsOversize, /^HTTP\/1\.1 (431|400)/);
    const notFound = await httpsGet(`https://127.0.0.1:${coord.httpPort}/../../etc/passwd`, caPem);
    assert.equal(notFound.status, 404);
    const post = await new Promise<number>((resolve) => {
      const s = tls.connect({ host: '127.0.0.1', port: coord.httpPort, rejectUnauthorized: false }, () =>
        s.write('POST /bootstrap.sh HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc'),
      );
      s.on('data', (d: Buffer) => {
        resolve(Number(/HTTP\/1\.1 (\d+)/.exec(d.toString())?.[1]));
        s.destroy();
      });
    });
    assert.equal(post, 405);
    // Everyone else is still served: operators, and the real agent stays connected.
    await coordinatorStillServes();
    const n = (await nodes()).find((x) => x.name === 'hostagent');
    assert.equal(n?.connected, true);
  });

  test('HTTPS serves the agent files with sha256 and byte ranges', async () => {
    const { caPem } = coord.adminCredentials();
    const sums = (await httpsGet(`https://127.0.0.1:${coord.httpPort}/agent/SHA256SUMS`, caPem)).body.toString();
    assert.match(sums, /^[0-9a-f]{64} {2}kk-agent\.cjs$/m);
    assert.match(sums, /^[0-9a-f]{64} {2}node-linux-amd64$/m);
    const part = await httpsGet(`https://127.0.0.1:${coord.httpPort}/agent/kk-agent.cjs`, caPem, { Range: 'bytes=0-99' });
    assert.equal(part.status, 206);
    assert.equal(part.body.length, 100);
    assert.match(String(part.headers['content-range']), /^bytes 0-99\/\d+$/);
  });

  test('nats-server killed with SIGKILL is restarted by the coordinator and the agent reconnects', async () => {
    const pid = coord.natsPid();
    assert.ok(pid, 'nats-server pid in the coordinator log');
    const mark = coord.log.length;
    const logMark = agentLog().length;
    process.kill(pid, 'SIGKILL');
    await coord.waitForLog(/nats-server restarted/, 30_000, mark);
    assert.notEqual(coord.natsPid(), pid);
    await eventually(async () => /NATS reconnected/.test(agentLog().slice(logMark)), 'agent NATS reconnect', 30_000);
  });

  test('nodes remove revokes the node: its certificate is refused and the agent stops (exit 78)', async () => {
    const proc = agents.find((p) => p.exitCode === null && p.spawnargs.includes('hostagent'));
    assert.ok(proc);
    const mark = coord.log.length;
    const r = await coord.cli(['nodes', 'remove', 'hostagent']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!(await nodes()).some((n) => n.name === 'hostagent'));
    // NATS cut it off too: its JWT is revoked, a fresh connection with it is refused.
    await coord.waitForLog(/re-signed account JWT/, 10_000, mark);
    const seed = readFileSync(path.join(agentDir, 'nats.nk'), 'utf8').trim();
    const jwt = readFileSync(path.join(agentDir, 'nats.jwt'), 'utf8').trim();
    await assert.rejects(
      connect({
        servers: `tls://127.0.0.1:${coord.natsPort}`,
        authenticator: jwtAuthenticator(jwt, new TextEncoder().encode(seed)),
        tls: { ca: coord.adminCredentials().caPem },
        inboxPrefix: nodeInboxPrefix('hostagent'),
        reconnect: false,
      }),
      (e: NatsError) => e.code === 'AUTHORIZATION_VIOLATION',
    );
    // The agent still holds a valid token, but a removed node stays removed until the operator
    // runs the one-liner again.
    assert.equal(await exitOf(proc), 78);
    assert.match(agentLog(), /removed from the coordinator/);
    assert.ok(!(await nodes()).some((n) => n.name === 'hostagent'));
  });

  test("after removal, the one-liner's rejoin mark lets the same machine enrol again", async () => {
    const t = await coord.token();
    writeFileSync(path.join(agentDir, 'rejoin'), '');
    const proc = spawn(AGENT_BIN, ['run', '--data-dir', agentDir, '--server', coord.serverUrl, '--token', t.token, '--name', 'hostagent'], {
      env: { ...process.env, KK_LOG_FORMAT: 'json' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    agents.push(proc);
    let log = '';
    proc.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    await eventually(async () => (await nodes()).find((x) => x.name === 'hostagent' && x.connected), 're-enrolled after removal');
    assert.match(log, /enrolling again/);
    assert.ok(!existsSync(path.join(agentDir, 'rejoin')), 'the rejoin mark is used up');
  });
});

describe('shutdown', () => {
  test('SIGTERM stops the coordinator cleanly, nats-server included', async () => {
    const pid = coord.natsPid();
    const code = await coord.stop('SIGTERM');
    assert.equal(code, 0);
    assert.ok(pid);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    assert.equal(alive, false, 'nats-server child still running');
    assert.equal(existsSync(path.join(coord.dataDir, 'admin.sock')), false, 'the admin socket is removed');
  });

  test('a socket left by a coordinator that died is replaced on the next start', async () => {
    const sock = path.join(coord.dataDir, 'admin.sock');
    // What SIGKILL leaves: a socket file nobody listens on.
    execFileSync('python3', ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', sock]);
    assert.ok(lstatSync(sock).isSocket());
    await coord.start();
    const r = await coord.cli(['token', 'list']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await coord.stop('SIGTERM'), 0);
  });
});
