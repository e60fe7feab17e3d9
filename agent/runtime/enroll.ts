// First contact with the coordinator: fetch its CA and refuse to go on unless it matches the
// hash in the join token; then send our own CSR and NATS public key with the token, and keep
// what comes back (certificate, NATS user JWT, …). The private key and the NATS seed are made
// here and never leave the node.
import https from 'node:https';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import * as grpc from '@grpc/grpc-js';
import { createUserNkey } from '../../shared/nats/nkey-native';
import { agentClientClass } from './agent-client';
import { caHash, generateKeyPair } from '../../shared/pki/keys';
import { createCsr } from '../../shared/pki/csr';
import { COORDINATOR_TLS_NAME } from '../../shared/pki/tls-name';
import type { EnrollResponse__Output } from '../../shared/proto/generated/kk/v1/EnrollResponse';
import type { AgentState } from './state';
import { KK_VERSION } from '../../shared/version';

/** Enrolment can never succeed as configured (bad token, name taken): systemd must not restart. */
export class PermanentRefusal extends Error {}

const MAX_BODY = 1024 * 1024;

export function httpsGet(url: string, tls: { ca?: string; insecure?: boolean }, timeoutMs = 15_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca: tls.ca, rejectUnauthorized: !tls.insecure, timeout: timeoutMs }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`GET ${url}: HTTP ${res.statusCode}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) req.destroy(new Error(`GET ${url}: answer larger than ${MAX_BODY} bytes`));
        else chunks.push(c);
      });
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

export function readMachineId(): string {
  try {
    return readFileSync('/etc/machine-id', 'utf8').trim();
  } catch (err) {
    throw new PermanentRefusal(`cannot read /etc/machine-id (${(err as Error).message}): the node's identity needs it`);
  }
}

export interface EnrollInput {
  server: string;
  joinToken: string;
  name?: string;
  force: boolean;
  /** Defaults to /etc/machine-id; the fleet simulator gives each simulated node its own. */
  machineId?: string;
}

export async function enroll(input: EnrollInput): Promise<AgentState> {
  const sep = input.joinToken.indexOf('::');
  if (sep < 0) throw new PermanentRefusal('the token must have the form <ca-hash>::<id>.<secret>');
  const wantHash = input.joinToken.slice(0, sep);
  const token = input.joinToken.slice(sep + 2);
  const server = input.server.replace(/\/+$/, '');
  if (!server.startsWith('https://')) throw new PermanentRefusal(`--server must be an https:// URL, got ${server}`);

  const caPem = (await httpsGet(`${server}/ca.crt`, { insecure: true })).toString('utf8');
  const gotHash = caHash(caPem);
  if (gotHash !== wantHash) {
    throw new PermanentRefusal(`the coordinator's CA (sha256 ${gotHash}) does not match the token's CA hash (${wantHash}): refusing to enrol`);
  }
  const info = JSON.parse((await httpsGet(`${server}/v1/info`, { ca: caPem })).toString('utf8')) as { grpc?: unknown };
  if (typeof info.grpc !== 'string') throw new Error('the coordinator did not say where its gRPC port is');

  const { keys, privateKeyPem } = await generateKeyPair();
  const name = (input.name ?? os.hostname()).trim().toLowerCase();
  const csrPem = await createCsr(keys, name);
  const nkey = createUserNkey();
  const machineId = input.machineId ?? readMachineId();

  const AgentService = agentClientClass();
  const client = new AgentService(info.grpc, grpc.credentials.createSsl(Buffer.from(caPem)), {
    'grpc.ssl_target_name_override': COORDINATOR_TLS_NAME,
  });
  let res: EnrollResponse__Output;
  try {
    res = await new Promise<EnrollResponse__Output>((resolve, reject) => {
      client.Enroll(
        {
          token,
          name,
          machineId,
          csrPem,
          natsPublicKey: nkey.publicKey,
          force: input.force,
          agentVersion: KK_VERSION,
        },
        { deadline: Date.now() + 30_000 },
        (err, r) => {
          if (err) {
            const permanent = [grpc.status.UNAUTHENTICATED, grpc.status.ALREADY_EXISTS, grpc.status.INVALID_ARGUMENT, grpc.status.PERMISSION_DENIED].includes(
              err.code,
            );
            reject(permanent ? new PermanentRefusal(err.details) : new Error(`enrolment failed: ${err.details || err.message}`));
          } else if (!r) reject(new Error('empty enrolment answer'));
          else resolve(r);
        },
      );
    });
  } finally {
    client.close();
  }
  return {
    identity: {
      nodeName: res.nodeName,
      server,
      grpcAddress: info.grpc,
      natsUrls: res.natsUrls,
      commandSubject: res.commandSubject,
      resultSubjectPrefix: res.resultSubjectPrefix,
      commandSigningPublicKeyPem: res.commandSigningPublicKeyPem,
      factsIntervalSeconds: res.factsIntervalSeconds || 30,
      enrolledAtMs: Date.now(),
    },
    keyPem: privateKeyPem,
    certPem: res.certificatePem,
    caPem: res.caPem,
    natsSeed: nkey.seed,
    // Empty from a coordinator older than JWT auth; the agent then fetches one (or uses its nkey).
    ...(res.natsUserJwt ? { natsJwt: res.natsUserJwt } : {}),
  };
}
