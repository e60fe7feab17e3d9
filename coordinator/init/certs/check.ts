// `certs check`: every certificate the cluster needs, with its expiry and what is wrong with it.
// Reads only; the same inspection generateCerts uses to decide what to regenerate.
import type { X509Certificate as NodeX509 } from 'node:crypto';
import path from 'node:path';
import type { ClusterModel } from '../../model/cluster';
import { planCerts } from './spec';
import { inspect } from './verify';

export interface CertStatus {
  id: string;
  title: string;
  path: string;
  /** The subject as `CN=…, O=…`; null when the file is missing or unreadable. */
  subject: string | null;
  /** ISO time; null when unknown. */
  notAfter: string | null;
  userProvided: boolean;
  /** Empty when the certificate is good. */
  problems: string[];
}

export interface CheckOptions {
  workDir: string;
  now?: Date;
  cwd?: string;
}

export function checkCerts(model: ClusterModel, opts: CheckOptions): CertStatus[] {
  const now = opts.now ?? new Date();
  const specs = planCerts(model, path.join(opts.workDir, 'pki'), opts.cwd);
  let root: NodeX509 | null = null;
  return specs.map((spec) => {
    const found = inspect(spec, now, root);
    if (spec.signer === 'self' && found.problems.length === 0) root = found.cert;
    return {
      id: spec.id,
      title: spec.title,
      path: spec.certFile,
      subject: found.cert ? found.cert.subject.split('\n').join(', ') : null,
      notAfter: found.cert ? new Date(found.cert.validTo).toISOString() : null,
      userProvided: spec.userProvided,
      problems: found.problems,
    };
  });
}
