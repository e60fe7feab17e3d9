// Is an existing certificate still good for its spec? The checks KubeKey's IfNotPresent makes
// (key loads and matches, in its validity period, chains to its CA, covers every SAN), applied to
// the root as well (KubeKey only checks that the root loads), plus: a CA is a CA, the CN is right.
import { X509Certificate as NodeX509 } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import ipaddr from 'ipaddr.js';
import { x509 } from '../../../shared/pki/x509';
import { errorMessage } from '../../../shared/errors';
import { parsePrivateKey } from './keys';
import type { CertSpec } from './spec';

export interface Inspection {
  /** Parsed certificate, when the file exists and parses. */
  cert: NodeX509 | null;
  pem: string | null;
  problems: string[];
}

/** The SANs a certificate carries, IPs normalised. */
export function certSans(pem: string): { dns: string[]; ips: string[] } {
  const cert = new x509.X509Certificate(pem);
  const ext = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const dns: string[] = [];
  const ips: string[] = [];
  for (const n of ext?.names.items ?? []) {
    if (n.type === 'dns') dns.push(n.value.toLowerCase());
    else if (n.type === 'ip') ips.push(normIp(n.value));
  }
  return { dns, ips };
}

function normIp(ip: string): string {
  try {
    return ipaddr.process(ip).toString();
  } catch {
    return ip;
  }
}

function commonName(cert: NodeX509): string | null {
  const m = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject);
  return m ? m[1]! : null;
}

/**
 * Checks the files of `spec` at time `now`. `issuer` is the signing CA's certificate (null for the
 * root, or when the CA itself is unusable — then chaining is reported as a problem).
 */
export function inspect(spec: CertSpec, now: Date, issuer: NodeX509 | null): Inspection {
  const problems: string[] = [];
  if (!existsSync(spec.certFile)) return { cert: null, pem: null, problems: ['certificate file is missing'] };
  let pem: string;
  let cert: NodeX509;
  try {
    pem = readFileSync(spec.certFile, 'utf8');
    cert = new NodeX509(pem);
  } catch (err) {
    return { cert: null, pem: null, problems: [`certificate does not parse: ${errorMessage(err)}`] };
  }
  if (!existsSync(spec.keyFile)) {
    problems.push(`key file ${spec.keyFile} is missing`);
  } else {
    try {
      const key = parsePrivateKey(readFileSync(spec.keyFile, 'utf8'));
      if (!cert.checkPrivateKey(key)) problems.push('the private key does not match the certificate');
    } catch (err) {
      problems.push(`key does not parse: ${errorMessage(err)}`);
    }
  }
  const from = new Date(cert.validFrom);
  const to = new Date(cert.validTo);
  if (now < from) problems.push(`not valid before ${from.toISOString()}`);
  if (now > to) problems.push(`expired ${to.toISOString()}`);
  if (spec.isCA && !cert.ca) problems.push('is not a CA certificate');
  if (spec.userProvided) return { cert, pem, problems };

  const cn = commonName(cert);
  if (cn !== spec.cn) problems.push(`common name is ${cn ?? '(none)'}, expected ${spec.cn}`);
  if (spec.signer === 'self') {
    if (!cert.verify(cert.publicKey)) problems.push('is not self-signed');
  } else if (!issuer) {
    problems.push('its CA is not usable, so it cannot chain to it');
  } else if (!cert.checkIssued(issuer) || !cert.verify(issuer.publicKey)) {
    problems.push('is not signed by the current root CA');
  }
  try {
    const have = certSans(pem);
    const missing = [...spec.sans.dns.filter((d) => !have.dns.includes(d.toLowerCase())), ...spec.sans.ips.filter((ip) => !have.ips.includes(normIp(ip)))];
    if (missing.length > 0) problems.push(`SANs do not cover ${missing.join(', ')}`);
  } catch (err) {
    problems.push(`SANs do not parse: ${errorMessage(err)}`);
  }
  return { cert, pem, problems };
}
