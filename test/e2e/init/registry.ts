// Debian's docker-registry (CNCF distribution 2.8) on loopback for the image tests: plain HTTP
// without auth (the "upstream"), or TLS with a throwaway CA and token auth served by a small
// token service here (ES256 JWTs with the signing certificate in x5c, as distribution expects).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createSign, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Throwaway } from '../../unit/init/artifact-mirror';
import { freePort } from '../../lib/ports';

export const REGISTRY_BIN = '/usr/bin/docker-registry';

export function registryInstalled(): boolean {
  return existsSync(REGISTRY_BIN);
}

export interface TokenService {
  realm: string;
  service: string;
  issuer: string;
  bundle: string;
  requests: string[];
  stop(): Promise<void>;
}

/** Grants what is asked to user `admin`/`secret`, nothing to anyone else. */
export async function startTokenService(tlsMaterial: Throwaway, dir: string): Promise<TokenService> {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'token.key',
      '-out',
      'token.crt',
      '-days',
      '2',
      '-subj',
      '/CN=kk test token issuer',
    ],
    { cwd: dir, stdio: 'pipe' },
  );
  const key = readFileSync(path.join(dir, 'token.key'), 'utf8');
  const certPem = readFileSync(path.join(dir, 'token.crt'), 'utf8');
  const der = new X509Certificate(certPem).raw.toString('base64');
  const service = 'kk-test-registry';
  const issuer = 'kk-test-issuer';
  const requests: string[] = [];
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const server = https.createServer({ cert: tlsMaterial.certPem, key: tlsMaterial.keyPem }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://x');
    requests.push(url.search);
    const auth = req.headers.authorization ?? '';
    const [user, pass] = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString().split(':') : [];
    if (user !== 'admin' || pass !== 'secret') {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end('{"details":"bad credentials"}');
      return;
    }
    const access = url.searchParams.getAll('scope').flatMap((s) => {
      const [type, name, actions] = s.split(':');
      return type && name && actions ? [{ type, name, actions: actions.split(',') }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const header = b64({ typ: 'JWT', alg: 'ES256', x5c: [der] });
    const claims = b64({ iss: issuer, sub: user, aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access });
    const signer = createSign('SHA256');
    signer.update(`${header}.${claims}`);
    const sig = signer.sign({ key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    const token = `${header}.${claims}.${sig}`;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ token, access_token: token, expires_in: 300 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const bundle = path.join(dir, 'token.crt');
  return {
    realm: `https://127.0.0.1:${port}/token`,
    service,
    issuer,
    bundle,
    requests,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface RunningRegistry {
  host: string;
  stop(): Promise<void>;
  log: () => string;
}

export async function startRegistry(o: { tls?: Throwaway; token?: TokenService } = {}): Promise<RunningRegistry> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kk-registry-'));
  const port = await freePort();
  const lines = [
    'version: 0.1',
    'log: { level: info, accesslog: { disabled: true } }',
    `storage: { filesystem: { rootdirectory: ${JSON.stringify(path.join(dir, 'data'))} }, delete: { enabled: true } }`,
    'http:',
    `  addr: 127.0.0.1:${port}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
  ];
  if (o.tls) {
    writeFileSync(path.join(dir, 'srv.crt'), o.tls.certPem);
    writeFileSync(path.join(dir, 'srv.key'), o.tls.keyPem);
    lines.push(`  tls: { certificate: ${JSON.stringify(path.join(dir, 'srv.crt'))}, key: ${JSON.stringify(path.join(dir, 'srv.key'))} }`);
  }
  if (o.token) {
    lines.push(
      `auth: { token: { realm: ${JSON.stringify(o.token.realm)}, service: ${o.token.service}, issuer: ${o.token.issuer}, rootcertbundle: ${JSON.stringify(o.token.bundle)} } }`,
    );
  }
  writeFileSync(path.join(dir, 'config.yml'), lines.join('\n') + '\n');
  let log = '';
  const child: ChildProcess = spawn(REGISTRY_BIN, ['serve', path.join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const stop = async () => {
    // A process ended by a signal keeps exitCode null: check both, so a second stop() returns.
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`docker-registry exited: ${log}`);
    const up = await new Promise<boolean>((resolve) => {
      const mod = o.tls ? https : http;
      const req = mod.get(`${o.tls ? 'https' : 'http'}://127.0.0.1:${port}/v2/`, { rejectUnauthorized: false, timeout: 1000 }, (res) => {
        res.resume();
        resolve(true);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
    });
    if (up) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not answer within 15 s: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { host: `127.0.0.1:${port}`, stop, log: () => log };
}
