// Direct gRPC access for tests that must send what the real agent never would.
import * as grpc from '@grpc/grpc-js';
import { createUser } from 'nkeys.js';
import { randomBytes } from 'node:crypto';
import { loadGrpc } from '../../../shared/proto/index';
import type { AgentServiceClient } from '../../../shared/proto/generated/kk/v1/AgentService';
import type { EnrollRequest } from '../../../shared/proto/generated/kk/v1/EnrollRequest';
import type { EnrollResponse__Output } from '../../../shared/proto/generated/kk/v1/EnrollResponse';
import { createCsr, generateKeyPair, COORDINATOR_TLS_NAME } from '../../../shared/pki/x509';

export function agentClient(address: string, caPem: string, client?: { keyPem: string; certPem: string }): AgentServiceClient {
  const creds = client
    ? grpc.credentials.createSsl(Buffer.from(caPem), Buffer.from(client.keyPem), Buffer.from(client.certPem))
    : grpc.credentials.createSsl(Buffer.from(caPem));
  return new (loadGrpc().kk.v1.AgentService)(address, creds, { 'grpc.ssl_target_name_override': COORDINATOR_TLS_NAME });
}

export interface Enrolled {
  res: EnrollResponse__Output;
  keyPem: string;
  certPem: string;
}

export const randomMachineId = () => randomBytes(16).toString('hex');

export async function enrollDirect(address: string, caPem: string, req: Partial<EnrollRequest> & { token: string; name: string }): Promise<Enrolled> {
  const { keys, privateKeyPem } = await generateKeyPair();
  const csrPem = req.csrPem ?? (await createCsr(keys, req.name));
  const c = agentClient(address, caPem);
  try {
    const res = await new Promise<EnrollResponse__Output>((resolve, reject) => {
      c.Enroll(
        { machineId: randomMachineId(), natsPublicKey: createUser().getPublicKey(), agentVersion: 'test', ...req, csrPem },
        { deadline: Date.now() + 15_000 },
        (err, r) => (err ? reject(err) : r ? resolve(r) : reject(new Error('empty'))),
      );
    });
    return { res, keyPem: privateKeyPem, certPem: res.certificatePem };
  } finally {
    c.close();
  }
}

export function grpcCode(err: unknown): number | undefined {
  return (err as grpc.ServiceError | undefined)?.code;
}

export { grpc };
