// Start/stop of the supervised nats-server: files it writes, clean shutdown, clear failures,
// awkward data-dir paths, and cleanup of a server orphaned by a coordinator killed with -9.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, StringCodec } from 'nats';
import { UserError } from '../../../shared/errors';
import { NatsSupervisor } from '../../../coordinator/nats/supervisor';
import { connectAsNode, credit, freePort, makeNode, makeTempDir, makeTls, memoryLogger, within } from './helpers';
import type { NatsError } from 'nats';
import { processAlive, processesWithArg } from '../../lib/procs';

const sc = StringCodec();

test('start writes its files, stop leaves no process behind, and a restart keeps key and data', async () => {
  const tmp = makeTempDir('kk-nats-life-');
  try {
    const tlsFiles = makeTls(tmp.dir);
    const port = await freePort();
    const opts = { dataDir: tmp.dir, host: '127.0.0.1', port, tls: tlsFiles, log: memoryLogger().log };
    const sup = new NatsSupervisor(opts);
    let restartEvents = 0;
    sup.on('restarted', () => (restartEvents += 1));
    await sup.start();
    const natsDir = path.join(tmp.dir, 'nats');
    const confFile = path.join(natsDir, 'nats.conf');
    assert.equal(statSync(natsDir).mode & 0o777, 0o700);
    assert.equal(statSync(path.join(natsDir, 'coordinator.nk')).mode & 0o777, 0o600);
    assert.match(readFileSync(path.join(natsDir, 'coordinator.nk'), 'utf8'), /^SU[A-Z2-7]{56}\n$/);
    const conf = readFileSync(confFile, 'utf8');
    assert.match(conf, /^max_payload: 1048576$/m);
    assert.match(conf, /^include "auth\.conf"$/m);
    for (const [f, prefix] of [
      ['operator.nk', 'SO'],
      ['system-account.nk', 'SA'],
      ['kk-account.nk', 'SA'],
      ['system-user.nk', 'SU'],
    ] as const) {
      assert.equal(statSync(path.join(natsDir, f)).mode & 0o777, 0o600, f);
      assert.match(readFileSync(path.join(natsDir, f), 'utf8'), new RegExp(`^${prefix}[A-Z2-7]{56}\n$`), f);
    }
    assert.equal(statSync(path.join(natsDir, 'coordinator.creds')).mode & 0o777, 0o600);
    const auth = readFileSync(path.join(natsDir, 'auth.conf'), 'utf8');
    assert.match(auth, /^operator: "eyJ/m);
    assert.match(auth, /^resolver: "MEMORY"$/m);
    assert.doesNotMatch(auth, /nkey|users/, 'no per-node users in the server config');
    const firstKey = sup.coordinatorPublicKey;
    const node = credit(sup, makeNode('n-kept'))[0]!;
    const revoked = credit(sup, makeNode('n-revoked'))[0]!;
    await sup.revoke([revoked.nkeyPublic]);

    const coord = await connect(sup.coordinatorConnectionOptions());
    const kv = await coord.jetstream().views.kv('kk-life');
    await kv.put('k', sc.encode('kept'));
    await coord.close();
    assert.ok(existsSync(path.join(natsDir, 'jetstream')), 'JetStream store under <dataDir>/nats/jetstream');

    const pid = sup.pid;
    assert.ok(pid && processAlive(pid));
    assert.deepEqual(processesWithArg(confFile), [pid]);
    await sup.stop();
    assert.equal(sup.pid, undefined);
    assert.equal(processAlive(pid), false);
    assert.deepEqual(processesWithArg(confFile), []);
    assert.equal(restartEvents, 0, 'a requested stop is not a crash');
    await new Promise<void>((resolve, reject) => {
      const probe = net.createServer().once('error', reject);
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
    });
    await sup.stop(); // idempotent

    const again = new NatsSupervisor(opts);
    await again.start();
    try {
      assert.equal(again.coordinatorPublicKey, firstKey);
      // The operator JWT is kept byte for byte (nats-server cannot take a changed operator without a restart).
      const operatorLine = (text: string) => /^operator: .*$/m.exec(text)?.[0];
      assert.equal(operatorLine(readFileSync(path.join(natsDir, 'auth.conf'), 'utf8')), operatorLine(auth));
      // JWTs issued before the restart still work, and revocations still hold.
      await (await connectAsNode(port, tlsFiles.caFile, node)).close();
      await assert.rejects(connectAsNode(port, tlsFiles.caFile, revoked), (e: NatsError) => e.code === 'AUTHORIZATION_VIOLATION');
      const c2 = await connect(again.coordinatorConnectionOptions());
      const kv2 = await c2.jetstream().views.kv('kk-life');
      assert.equal(sc.decode((await kv2.get('k'))?.value ?? new Uint8Array()), 'kept');
      await c2.close();
    } finally {
      await again.stop();
    }
    assert.deepEqual(processesWithArg(confFile), []);
  } finally {
    tmp.cleanup();
  }
});

test('start fails with a clear UserError when the port is taken, leaving nothing running', async () => {
  const tmp = makeTempDir('kk-nats-busy-');
  const blocker = net.createServer();
  try {
    const tlsFiles = makeTls(tmp.dir);
    const port = await freePort();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', () => r()));
    const sup = new NatsSupervisor({ dataDir: tmp.dir, host: '127.0.0.1', port, tls: tlsFiles, log: memoryLogger().log });
    await assert.rejects(
      sup.start(),
      (e: Error) => e instanceof UserError && /exited during startup/.test(e.message) && /address already in use/.test(e.message),
    );
    assert.equal(sup.pid, undefined);
    assert.deepEqual(processesWithArg(path.join(tmp.dir, 'nats', 'nats.conf')), []);
  } finally {
    blocker.close();
    tmp.cleanup();
  }
});

test('start fails with a clear UserError when nats-server is missing', async () => {
  const tmp = makeTempDir('kk-nats-nobin-');
  try {
    const sup = new NatsSupervisor({
      dataDir: tmp.dir,
      host: '127.0.0.1',
      port: await freePort(),
      tls: makeTls(tmp.dir),
      log: memoryLogger().log,
      binary: path.join(tmp.dir, 'no-such-nats-server'),
    });
    await assert.rejects(sup.start(), (e: Error) => e instanceof UserError && /nats-server not found/.test(e.message));
  } finally {
    tmp.cleanup();
  }
});

test('a data dir with quotes, dollars, backslashes and spaces is written literally into the config', async () => {
  const tmp = makeTempDir('kk-nats-path-');
  try {
    const dataDir = path.join(tmp.dir, 'we"ird $HOME \\dir');
    mkdirSync(dataDir);
    const node = makeNode('n1');
    const sup = new NatsSupervisor({ dataDir, host: '127.0.0.1', port: await freePort(), tls: makeTls(tmp.dir), log: memoryLogger().log });
    await sup.start();
    credit(sup, node);
    try {
      const coord = await connect(sup.coordinatorConnectionOptions());
      await (await coord.jetstream().views.kv('kk-path')).put('k', sc.encode('v'));
      await coord.close();
      assert.ok(existsSync(path.join(dataDir, 'nats', 'jetstream')), 'store created at the literal path');
      const nc = await connectAsNode(
        Number(/^port: (\d+)$/m.exec(readFileSync(path.join(dataDir, 'nats', 'nats.conf'), 'utf8'))?.[1]),
        path.join(tmp.dir, 'ca.crt'),
        node,
      );
      await nc.close();
    } finally {
      await sup.stop();
    }
  } finally {
    tmp.cleanup();
  }
});

test('a nats-server orphaned by a coordinator killed with -9 is cleaned up by the next start', async () => {
  const tmp = makeTempDir('kk-nats-orphan-');
  try {
    const tlsFiles = makeTls(tmp.dir);
    const port = await freePort();
    const supervisorModule = fileURLToPath(new URL('../../../coordinator/nats/supervisor.ts', import.meta.url));
    const script = `
      import pino from 'pino';
      import { NatsSupervisor } from ${JSON.stringify(supervisorModule)};
      const sup = new NatsSupervisor({ dataDir: ${JSON.stringify(tmp.dir)}, host: '127.0.0.1', port: ${port},
        tls: ${JSON.stringify(tlsFiles)}, log: pino({ level: 'silent' }) });
      await sup.start();
      console.log('READY ' + sup.pid);
      setInterval(() => {}, 1000);
    `;
    const coordinator = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const orphanPid = await within(
      new Promise<number>((resolve, reject) => {
        let out = '';
        coordinator.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /READY (\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        coordinator.once('exit', (code) => reject(new Error(`coordinator child exited early (${code})`)));
      }),
      30_000,
      'the child coordinator to start nats-server',
    );
    coordinator.kill('SIGKILL');
    await new Promise((r) => coordinator.once('exit', r));
    assert.ok(processAlive(orphanPid), 'nats-server outlives a coordinator killed with -9');

    const logs = memoryLogger();
    const sup = new NatsSupervisor({ dataDir: tmp.dir, host: '127.0.0.1', port, tls: tlsFiles, log: logs.log });
    await sup.start();
    try {
      assert.equal(processAlive(orphanPid), false);
      assert.ok(logs.records.some((r) => r.msg === 'stopping a nats-server left over from a previous coordinator run' && r.pid === orphanPid));
      assert.deepEqual(processesWithArg(path.join(tmp.dir, 'nats', 'nats.conf')), [sup.pid]);
    } finally {
      await sup.stop();
    }
  } finally {
    tmp.cleanup();
  }
});

test('stop() during start(): start rejects and nothing is left running', async () => {
  const tmp = makeTempDir('kk-nats-race-');
  try {
    const sup = new NatsSupervisor({ dataDir: tmp.dir, host: '127.0.0.1', port: await freePort(), tls: makeTls(tmp.dir), log: memoryLogger().log });
    const starting = sup.start();
    const stopping = sup.stop();
    await assert.rejects(starting, /stopped while starting/);
    await stopping;
    assert.equal(sup.pid, undefined);
    assert.deepEqual(processesWithArg(path.join(tmp.dir, 'nats', 'nats.conf')), []);
  } finally {
    tmp.cleanup();
  }
});

test('revoke() during start() takes effect once start resolves', async () => {
  const tmp = makeTempDir('kk-nats-early-');
  try {
    const tlsFiles = makeTls(tmp.dir);
    const port = await freePort();
    const sup = new NatsSupervisor({ dataDir: tmp.dir, host: '127.0.0.1', port, tls: tlsFiles, log: memoryLogger().log });
    const [early, other] = credit(sup, makeNode('early-bird'), makeNode('other-bird'));
    const starting = sup.start();
    const revoking = sup.revoke([early!.nkeyPublic]);
    await starting;
    await revoking;
    try {
      await assert.rejects(connectAsNode(port, tlsFiles.caFile, early!), (e: NatsError) => e.code === 'AUTHORIZATION_VIOLATION');
      const nc = await connectAsNode(port, tlsFiles.caFile, other!);
      await nc.close();
    } finally {
      await sup.stop();
    }
  } finally {
    tmp.cleanup();
  }
});
