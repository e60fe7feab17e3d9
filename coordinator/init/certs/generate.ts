// `certs generate`: makes or checks every certificate of the cluster under <work_dir>/pki, per
// each group's gen_cert_policy — Always regenerates, IfNotPresent regenerates only what fails
// inspection, None writes nothing and reports what fails. The operator's own CAs
// (kubernetes.certs.*) are inspected and never written.
import { X509Certificate as NodeX509 } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../../shared/log';
import { errorMessage } from '../../../shared/errors';
import { x509 } from '../../../shared/pki/x509';
import type { ClusterModel } from '../../model/cluster';
import { writeFileAtomic } from '../../state/files';
import { generateRsaKey, importSigningKey } from './keys';
import type { SigningKey } from './keys';
import { issueCertificate } from './issue';
import { planCerts } from './spec';
import type { CertSpec } from './spec';
import { inspect } from './verify';

/** A root made now is valid from a little earlier, so nodes whose clocks lag still accept it (kubeadm does the same). */
const BACKDATE_MS = 5 * 60_000;

export interface CertProblem {
  /** The certificate file. */
  path: string;
  id: string;
  problems: string[];
}

export interface GenerateResult {
  /** Files written (certificate and key of each regenerated certificate). */
  written: string[];
  /** Certificate files that passed inspection and were left byte-identical (user CAs included). */
  kept: string[];
  /** Certificates that are unusable and could not be (or, under None, may not be) regenerated. */
  problems: CertProblem[];
}

export interface GenerateOptions {
  workDir: string;
  now?: Date;
  log: Logger;
  /** Resolves relative paths of user-provided CAs; process.cwd() when absent. */
  cwd?: string;
}

interface Signer {
  cert: x509.X509Certificate;
  node: NodeX509;
  key: SigningKey;
}

export async function generateCerts(model: ClusterModel, opts: GenerateOptions): Promise<GenerateResult> {
  const now = opts.now ?? new Date();
  const specs = planCerts(model, path.join(opts.workDir, 'pki'), opts.cwd);
  const result: GenerateResult = { written: [], kept: [], problems: [] };
  let root: Signer | null = null;

  for (const spec of specs) {
    const isRoot = spec.signer === 'self';
    const found = inspect(spec, now, isRoot ? null : (root?.node ?? null));
    const usable = found.problems.length === 0;
    if (spec.userProvided) {
      if (usable) result.kept.push(spec.certFile);
      else
        result.problems.push({
          path: spec.certFile,
          id: spec.id,
          problems: found.problems.map((p) => `user-provided (kubernetes.certs): ${p}; kk never overwrites it`),
        });
      continue;
    }
    const regenerate = spec.policy === 'Always' || (spec.policy === 'IfNotPresent' && !usable);
    if (!regenerate) {
      if (usable) {
        result.kept.push(spec.certFile);
        opts.log.debug({ cert: spec.certFile }, 'certificate kept');
      } else {
        result.problems.push({
          path: spec.certFile,
          id: spec.id,
          problems: [...found.problems, `gen_cert_policy None (certs.${spec.group}) forbids regenerating it`],
        });
      }
      if (isRoot && usable) root = await loadSigner(spec, result);
      continue;
    }
    if (!isRoot && !root) {
      result.problems.push({ path: spec.certFile, id: spec.id, problems: [...found.problems, 'cannot be signed: the root CA is not usable'] });
      continue;
    }
    const reason = spec.policy === 'Always' ? 'policy Always' : found.problems.join('; ');
    opts.log.info({ cert: spec.certFile, reason }, 'generating certificate');
    const key = await generateRsaKey();
    const notBefore = isRoot ? new Date(now.getTime() - BACKDATE_MS) : root!.cert.notBefore;
    let notAfter = new Date(now.getTime() + spec.validityMs);
    // A certificate cannot usefully outlive the CA that vouches for it.
    if (!isRoot && notAfter > root!.cert.notAfter) notAfter = root!.cert.notAfter;
    const pem = await issueCertificate({
      cn: spec.cn,
      isCA: spec.isCA,
      sans: spec.sans,
      notBefore,
      notAfter,
      subjectKey: key,
      issuer: isRoot ? undefined : { cert: root!.cert, key: root!.key },
    });
    writeFileAtomic(spec.keyFile, key.privateKeyPem, 0o600);
    writeFileAtomic(spec.certFile, pem, 0o644);
    result.written.push(spec.certFile, spec.keyFile);
    if (isRoot) root = { cert: new x509.X509Certificate(pem), node: new NodeX509(pem), key };
  }
  return result;
}

async function loadSigner(spec: CertSpec, result: GenerateResult): Promise<Signer | null> {
  try {
    const pem = readFileSync(spec.certFile, 'utf8');
    const key = await importSigningKey(readFileSync(spec.keyFile, 'utf8'));
    return { cert: new x509.X509Certificate(pem), node: new NodeX509(pem), key };
  } catch (err) {
    result.problems.push({ path: spec.certFile, id: spec.id, problems: [`cannot sign with it: ${errorMessage(err)}`] });
    return null;
  }
}
