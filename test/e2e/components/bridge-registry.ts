// Debian's docker-registry (CNCF distribution) on the host's testbed bridge address, over TLS with a
// throwaway CA, so containerd in a test machine pulls from it the way a node pulls from a private
// registry. Its access log is kept: tests read which machine fetched which manifest.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../lib/ports';
import { REGISTRY_BIN } from '../init/registry';

export interface BridgeRegistry {
  /** host:port, as in an image reference. */
  host: string;
  /** PEM of the CA that signed the registry's certificate. */
  caPem: string;
  /** Everything the registry logged so far (access log included). */
  log(): string;
  stop(): Promise<void>;
}

/** A CA and a server certificate for `ip` (subjectAltName IP), made with openssl in `dir`. */
function tlsFor(ip: string, dir: string): { ca: string; cert: string; key: string } {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=kk test bridge registry CA',
  );
  run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', `/CN=${ip}`);
  writeFileSync(path.join(dir, 'ext.cnf'), `subjectAltName=IP:${ip}\nextendedKeyUsage=serverAuth\n`);
  run('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.crt', '-days', '2', '-extfile', 'ext.cnf');
  rmSync(path.join(dir, 'ca.key'));
  return { ca: path.join(dir, 'ca.crt'), cert: path.join(dir, 'srv.crt'), key: path.join(dir, 'srv.key') };
}

/** Starts docker-registry on `ip` (the bridge address must exist) and resolves once it answers /v2/. */
export async function startBridgeRegistry(ip: string): Promise<BridgeRegistry> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kk-bridge-registry-'));
  const tls = tlsFor(ip, dir);
  const caPem = readFileSync(tls.ca, 'utf8');
  const port = await freePort(ip);
  const config = [
    'version: 0.1',
    'log: { level: info, accesslog: { disabled: false } }',
    `storage: { filesystem: { rootdirectory: ${JSON.stringify(path.join(dir, 'data'))} } }`,
    'http:',
    `  addr: ${ip}:${port}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
    `  tls: { certificate: ${JSON.stringify(tls.cert)}, key: ${JSON.stringify(tls.key)} }`,
  ];
  writeFileSync(path.join(dir, 'config.yml'), config.join('\n') + '\n');
  let log = '';
  const child: ChildProcess = spawn(REGISTRY_BIN, ['serve', path.join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const stop = async () => {
    if (!exited()) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // Ready when /v2/ answers over TLS with our CA; only the registry exiting ends the wait early.
  for (let attempt = 0; ; attempt++) {
    if (exited()) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`docker-registry exited: ${log}`);
    }
    const status = await new Promise<number>((resolve) => {
      const req = https.get(`https://${ip}:${port}/v2/`, { ca: caPem, timeout: 2000 }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(0));
      req.on('timeout', () => req.destroy());
    });
    if (status === 200) break;
    if (attempt > 600) {
      await stop();
      throw new Error(`docker-registry on ${ip}:${port} never answered /v2/: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { host: `${ip}:${port}`, caPem, log: () => log, stop };
}
