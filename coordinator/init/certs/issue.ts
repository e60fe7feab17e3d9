// Making one certificate with @peculiar/x509, shaped as KubeKey's gen_cert module makes it:
// Subject CN=<cn>,O=kubekey; KeyUsage digitalSignature+keyEncipherment (+keyCertSign, cRLSign for
// CAs); no ExtKeyUsage (usable for server and client auth alike, as etcd peers need).
import { randomBytes } from 'node:crypto';
import { x509, escapeDnValue } from '../../../shared/pki/x509';
import type { CertSans } from './spec';
import type { SigningKey } from './keys';

export interface IssueRequest {
  cn: string;
  isCA: boolean;
  sans: CertSans;
  notBefore: Date;
  notAfter: Date;
  /** The new certificate's own key. */
  subjectKey: SigningKey;
  /** The signer; absent for a self-signed root. */
  issuer?: { cert: x509.X509Certificate; key: SigningKey };
}

export function subjectName(cn: string): string {
  return `CN=${escapeDnValue(cn)},O=kubekey`;
}

export async function issueCertificate(req: IssueRequest): Promise<string> {
  const usage =
    x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment | (req.isCA ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : 0);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(req.isCA, undefined, true),
    new x509.KeyUsagesExtension(usage, true),
    await x509.SubjectKeyIdentifierExtension.create(req.subjectKey.keys.publicKey),
  ];
  const signer = req.issuer?.key ?? req.subjectKey;
  extensions.push(await x509.AuthorityKeyIdentifierExtension.create(signer.keys.publicKey));
  const names = [...req.sans.dns.map((value) => ({ type: 'dns' as const, value })), ...req.sans.ips.map((value) => ({ type: 'ip' as const, value }))];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: subjectName(req.cn),
    issuer: req.issuer ? req.issuer.cert.subject : subjectName(req.cn),
    notBefore: req.notBefore,
    notAfter: req.notAfter,
    signingAlgorithm: signer.algorithm,
    publicKey: req.subjectKey.keys.publicKey,
    signingKey: signer.keys.privateKey,
    extensions,
  });
  return cert.toString('pem') + '\n';
}

function serial(): string {
  const b = randomBytes(16);
  b[0] = ((b[0] ?? 0) & 0x7f) | 0x01; // positive, and never a leading zero byte
  return b.toString('hex');
}
