// --nats URL: an operator-run nats-server that includes the auth.conf kk writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { connect, type NatsError } from 'nats';
import { externalCoordinatorConnectionOptions, writeExternalAuthConfig } from '../../../coordinator/nats/external';
import { confString } from '../../../coordinator/nats/conf-syntax';
import { connectAsNode, eventually, freePort, makeNode, makeTempDir, makeTls, sleep, within } from './helpers';

test('an operator server including kk’s auth.conf enforces it after the operator reloads', async () => {
  const tmp = makeTempDir('kk-nats-ext-');
  const tlsFiles = makeTls(tmp.dir);
  const port = await freePort();
  const dataDir = path.join(tmp.dir, 'kk-data');
  const node = makeNode('ext-node');
  const authFile = writeExternalAuthConfig(dataDir, []);
  const opConf = path.join(tmp.dir, 'operator.conf');
  writeFileSync(opConf, [
    `host: "127.0.0.1"`, `port: ${port}`, `jetstream { store_dir: ${confString(path.join(tmp.dir, 'js'))} }`,
    `tls { cert_file: ${confString(tlsFiles.certFile)}, key_file: ${confString(tlsFiles.keyFile)} }`,
    // nats-server 2.9 resolves include paths against the including file's directory, even absolute ones.
    `include ${confString(path.relative(tmp.dir, authFile))}`, '',
  ].join('\n'));
  let log = '';
  const server = spawn('nats-server', ['-c', opConf], { stdio: ['ignore', 'pipe', 'pipe'] });
  server.stderr.on('data', (d: Buffer) => (log += d.toString()));
  server.stdout.on('data', (d: Buffer) => (log += d.toString()));
  try {
    await eventually(() => {
      if (server.exitCode !== null) throw new Error(`operator server exited: ${log}`);
      return log.includes('Server is ready');
    }, 'operator server to start');
    const coord = await connect({ ...externalCoordinatorConnectionOptions(dataDir, [`127.0.0.1:${port}`], tlsFiles.caFile), reconnect: false });
    await (await coord.jetstream().views.kv('kk-ext')).put('k', new Uint8Array([1]));
    await assert.rejects(connectAsNode(port, tlsFiles.caFile, node), (e: NatsError) => e.code === 'AUTHORIZATION_VIOLATION');

    writeExternalAuthConfig(dataDir, [node]);
    server.kill('SIGHUP'); // what the operator's `nats-server --signal reload` does
    await eventually(() => log.includes('Reloaded server configuration'), 'operator reload');
    const nc = await connectAsNode(port, tlsFiles.caFile, node);
    await assert.rejects(nc.request('$JS.API.INFO', undefined, { timeout: 2000 }), (e: NatsError) => e.code === 'PERMISSIONS_VIOLATION');
    await nc.close();
    await coord.close();
  } finally {
    server.kill('SIGTERM');
    await within(new Promise((r) => server.once('exit', r)), 10_000, 'operator server exit').catch(async () => {
      server.kill('SIGKILL');
      await sleep(100);
    });
    tmp.cleanup();
  }
});
