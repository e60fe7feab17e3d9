// --nats URL: an operator-run nats-server that includes the auth.conf kk writes (JWT trust). The
// operator loads it once; new nodes need nothing from them, and kk pushes revocations itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connect, type NatsError } from 'nats';
import { NatsTrust } from '../../../coordinator/nats/trust';
import { confString } from '../../../coordinator/nats/conf-syntax';
import { connectAsNode, credit, eventually, freePort, makeNode, makeTempDir, makeTls, sleep, within } from './helpers';

function startServer(conf: string): { proc: ChildProcess; log: () => string } {
  let log = '';
  const proc = spawn('nats-server', ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  proc.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  return { proc, log: () => log };
}

async function stopServer(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill('SIGTERM');
  await within(new Promise((r) => proc.once('exit', r)), 10_000, 'operator server exit').catch(async () => {
    proc.kill('SIGKILL');
    await sleep(100);
  });
}

test('an operator server including kk’s auth.conf takes new nodes without a reload, and revocations pushed by kk', async () => {
  const tmp = makeTempDir('kk-nats-ext-');
  const tlsFiles = makeTls(tmp.dir);
  const port = await freePort();
  const dataDir = path.join(tmp.dir, 'kk-data');
  const authFile = new NatsTrust(dataDir).writeFiles();
  const opConf = path.join(tmp.dir, 'operator.conf');
  writeFileSync(
    opConf,
    [
      `host: "127.0.0.1"`,
      `port: ${port}`,
      `jetstream { store_dir: ${confString(path.join(tmp.dir, 'js'))} }`,
      `tls { cert_file: ${confString(tlsFiles.certFile)}, key_file: ${confString(tlsFiles.keyFile)} }`,
      // nats-server 2.9 resolves include paths against the including file's directory, even absolute ones.
      `include ${confString(path.relative(tmp.dir, authFile))}`,
      '',
    ].join('\n'),
  );
  let server = startServer(opConf);
  const ready = async (s: typeof server) =>
    eventually(() => {
      if (s.proc.exitCode !== null) throw new Error(`operator server exited: ${s.log()}`);
      return s.log().includes('Server is ready');
    }, 'operator server to start');
  try {
    await ready(server);
    const servers = [`127.0.0.1:${port}`];
    const coord = await connect({ ...new NatsTrust(dataDir).coordinatorConnectionOptions({ servers, caFile: tlsFiles.caFile }), reconnect: false });
    await (await coord.jetstream().views.kv('kk-ext')).put('k', new Uint8Array([1]));

    // A node enrolled after the server started: its JWT is all it needs, no reload.
    const ext = new NatsTrust(dataDir);
    const [node, other] = credit(ext, makeNode('ext-node'), makeNode('ext-other'));
    const nc = await connectAsNode(port, tlsFiles.caFile, node!);
    const otherNc = await connectAsNode(port, tlsFiles.caFile, other!);
    await assert.rejects(nc.request('$JS.API.INFO', undefined, { timeout: 2000 }), (e: NatsError) => e.code === 'PERMISSIONS_VIOLATION');
    await assert.rejects(connectAsNode(port, tlsFiles.caFile, makeNode('no-jwt')), (e: NatsError) => e.code === 'AUTHORIZATION_VIOLATION');

    // Removal: kk rewrites auth.conf and pushes the account JWT itself; the operator does nothing.
    const before = readFileSync(authFile, 'utf8');
    assert.deepEqual(ext.revoke([node!.nkeyPublic]), [node!.nkeyPublic]);
    assert.notEqual(readFileSync(authFile, 'utf8'), before);
    await ext.pushAccount(servers, tlsFiles.caFile);
    await within(nc.closed(), 10_000, 'the revoked node to be disconnected');
    await assert.rejects(connectAsNode(port, tlsFiles.caFile, node!), (e: NatsError) => e.code === 'AUTHORIZATION_VIOLATION');
    assert.equal(otherNc.isClosed(), false, 'other nodes stay connected');
    assert.equal(coord.isClosed(), false, 'the coordinator stays connected');
    assert.doesNotMatch(server.log(), /Reloaded/, 'the operator never reloaded');
    await otherNc.close();
    await coord.close();

    // Their restart reads the revocation from auth.conf.
    await stopServer(server.proc);
    server = startServer(opConf);
    await ready(server);
    await assert.rejects(connectAsNode(port, tlsFiles.caFile, node!), (e: NatsError) => e.code === 'AUTHORIZATION_VIOLATION');
    await (await connectAsNode(port, tlsFiles.caFile, other!)).close();
  } finally {
    await stopServer(server.proc);
    tmp.cleanup();
  }
});
