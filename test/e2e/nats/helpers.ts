// Shared setup for the tests that run a real nats-server: throwaway TLS material, free ports,
// node identities, an in-memory logger and raw protocol access.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import pino from 'pino';
import { connect, jwtAuthenticator, nkeyAuthenticator, type NatsConnection } from 'nats';
import { createUser, fromSeed } from 'nkeys.js';
import type { Logger } from '../../../shared/log';
import { nodeInboxPrefix } from '../../../shared/subjects';
import { NatsSupervisor, type NatsSupervisorOptions } from '../../../coordinator/nats/supervisor';
import { freePort } from '../../lib/ports';

export interface TlsMaterial {
  caFile: string;
  certFile: string;
  keyFile: string;
}

export function makeTempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A CA and a server certificate for 127.0.0.1/localhost signed by it, made with the openssl CLI. */
export function makeTls(dir: string): TlsMaterial {
  const f = (n: string): string => path.join(dir, n);
  const run = (args: string[]): void => {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  run([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.crt'),
    '-days',
    '2',
    '-subj',
    '/CN=kk test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1']);
  writeFileSync(f('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
  run([
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.crt'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-out',
    f('server.crt'),
    '-days',
    '2',
    '-extfile',
    f('server.ext'),
  ]);
  return { caFile: f('ca.crt'), certFile: f('server.crt'), keyFile: f('server.key') };
}

export { freePort };

export interface NodeIdentity {
  name: string;
  nkeyPublic: string;
  seed: Uint8Array;
  /** The user JWT the coordinator issued for this key (what enrolment hands the agent). */
  jwt?: string;
}

export function makeNode(name: string): NodeIdentity {
  const kp = createUser();
  return { name, nkeyPublic: kp.getPublicKey(), seed: kp.getSeed() };
}

/** Issues each node its user JWT, as enrolment does (the server needs no change for it). */
export function credit<T extends NodeIdentity>(issuer: { userJwt(n: { name: string; nkeyPublic: string }): string }, ...nodes: T[]): T[] {
  for (const n of nodes) n.jwt = issuer.userJwt(n);
  return nodes;
}

/** As the node: its JWT + seed when it has a JWT, else its bare nkey (which JWT auth refuses). */
export function connectAsNode(port: number, caFile: string, node: NodeIdentity, extra: Record<string, unknown> = {}): Promise<NatsConnection> {
  return connect({
    servers: [`127.0.0.1:${port}`],
    tls: { caFile },
    authenticator: node.jwt ? jwtAuthenticator(node.jwt, node.seed) : nkeyAuthenticator(node.seed),
    inboxPrefix: nodeInboxPrefix(node.name),
    name: `node-${node.name}`,
    reconnect: false,
    ...extra,
  });
}

export interface MemoryLogger {
  log: Logger;
  records: Array<{ level: number; msg: string } & Record<string, unknown>>;
}

export function memoryLogger(): MemoryLogger {
  const records: MemoryLogger['records'] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void records.push(JSON.parse(s) as MemoryLogger['records'][number]) });
  return { log, records };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls until `check` returns true or the timeout (a hang guard, not a timing assertion) passes. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * A raw client: reads the server's INFO, upgrades to TLS like a real client, and exposes
 * everything the server sends back as text, so tests can speak malformed protocol.
 */
export class RawClient {
  received = '';
  closed: Promise<void>;
  info: { nonce?: string } & Record<string, unknown> = {};
  private constructor(private readonly sock: tls.TLSSocket) {
    sock.on('data', (d: Buffer) => {
      this.received += d.toString('latin1');
    });
    this.closed = new Promise((resolve) => sock.once('close', () => resolve()));
    sock.on('error', () => undefined);
  }

  static async open(port: number, ca: string): Promise<RawClient> {
    const plain = net.connect(port, '127.0.0.1');
    const infoLine = await new Promise<string>((resolve, reject) => {
      let buf = '';
      plain.on('error', reject);
      const onData = (d: Buffer): void => {
        buf += d.toString('latin1');
        const end = buf.indexOf('\r\n');
        if (end >= 0) {
          plain.off('data', onData);
          resolve(buf.slice(0, end));
        }
      };
      plain.on('data', onData);
    });
    const sock = tls.connect({ socket: plain, ca, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      sock.once('secureConnect', () => resolve());
      sock.once('error', reject);
    });
    const c = new RawClient(sock);
    c.info = JSON.parse(infoLine.replace(/^INFO\s+/, '')) as RawClient['info'];
    return c;
  }

  /** Authenticates as `node` (its JWT, and its nkey's signature over the server's nonce) and waits for the PONG. */
  async authenticate(node: NodeIdentity): Promise<void> {
    const kp = fromSeed(node.seed);
    const sig = Buffer.from(kp.sign(new TextEncoder().encode(this.info.nonce ?? ''))).toString('base64url');
    const who = node.jwt ? { jwt: node.jwt } : { nkey: node.nkeyPublic };
    const connectArgs = { verbose: false, pedantic: false, tls_required: true, ...who, sig, protocol: 1, lang: 'raw', version: '0' };
    this.write(`CONNECT ${JSON.stringify(connectArgs)}\r\nPING\r\n`);
    await this.waitFor(/PONG\r\n/);
  }

  write(data: string | Buffer): void {
    this.sock.write(data);
  }

  end(): void {
    this.sock.destroy();
  }

  async waitFor(re: RegExp, timeoutMs = 10_000): Promise<string> {
    await eventually(() => re.test(this.received) || this.sock.destroyed, `server reply ${re}`, timeoutMs);
    const m = re.exec(this.received);
    if (!m) throw new Error(`connection closed without ${re}; got ${JSON.stringify(this.received)}`);
    return m[0];
  }
}

/** Rejects if `p` has not settled within `ms` (a hang guard, not a timing assertion). */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  return Promise.race([p, guard]).finally(() => clearTimeout(timer));
}

export interface StartedNats {
  tmp: ReturnType<typeof makeTempDir>;
  tlsFiles: TlsMaterial;
  port: number;
  logs: MemoryLogger;
  sup: NatsSupervisor;
}

/** Debian's nats-server, supervised as the coordinator runs it, in a fresh temp dir with throwaway TLS; started. */
export async function startedNats(prefix: string, extra: Partial<NatsSupervisorOptions> = {}): Promise<StartedNats> {
  const tmp = makeTempDir(prefix);
  const tlsFiles = makeTls(tmp.dir);
  const port = await freePort();
  const logs = memoryLogger();
  const sup = new NatsSupervisor({ dataDir: tmp.dir, host: '127.0.0.1', port, tls: tlsFiles, log: logs.log, ...extra });
  await sup.start();
  return { tmp, tlsFiles, port, logs, sup };
}
