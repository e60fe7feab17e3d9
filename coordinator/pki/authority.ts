// The coordinator's own CA: made on first start, it signs the coordinator's serving certificate,
// the operator's admin credential and every node's client certificate (from the node's CSR, so
// private keys never travel).
import { KeyObject, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { x509, generateKeyPair, importKeyPairPem, SIGNING_ALGORITHM } from '../../shared/pki/x509';
import type { CryptoKey, CryptoKeyPair } from '../../shared/pki/x509';
import { writeFileAtomic } from '../state/files';
import { checkCsr } from '../../shared/pki/csr';
import { certificateSubject } from '../../shared/pki/der';
import { issueNodeCertificate, type NodeCertInput } from './node-cert';

const DAY_MS = 24 * 3600 * 1000;

export interface IssuedCert {
  certificatePem: string;
  serial: string;
}

export class CertificateAuthority {
  /** The same for every certificate this CA signs: computed once (a hash of the CA key). */
  private authorityKeyId?: Promise<x509.AuthorityKeyIdentifierExtension>;
  private nodeCertParts?: Promise<Pick<NodeCertInput, 'issuer' | 'authorityKeyIdentifier' | 'caPrivateKey'>>;

  private constructor(
    readonly caPem: string,
    private readonly caKeys: CryptoKeyPair,
    private readonly caCert: x509.X509Certificate,
  ) {}

  /** Loads the CA from dir, creating it on first use. */
  static async loadOrCreate(dir: string): Promise<CertificateAuthority> {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const certFile = path.join(dir, 'ca.crt');
    const keyFile = path.join(dir, 'ca.key');
    if (existsSync(certFile) && existsSync(keyFile)) {
      const caPem = readFileSync(certFile, 'utf8');
      const keys = await importKeyPairPem(readFileSync(keyFile, 'utf8'), caPem);
      return new CertificateAuthority(caPem, keys, new x509.X509Certificate(caPem));
    }
    const { keys, privateKeyPem } = await generateKeyPair();
    const now = Date.now();
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: 'CN=kk-coordinator CA,O=kubekey',
      notBefore: new Date(now - 5 * 60_000),
      notAfter: new Date(now + 10 * 365 * DAY_MS),
      signingAlgorithm: SIGNING_ALGORITHM,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    const caPem = cert.toString('pem') + '\n';
    writeFileAtomic(keyFile, privateKeyPem, 0o600);
    writeFileAtomic(certFile, caPem, 0o644);
    return new CertificateAuthority(caPem, keys, cert);
  }

  /** A TLS server certificate for the coordinator's listeners. */
  async issueServer(dnsNames: string[], ips: string[], publicKey: CryptoKey): Promise<IssuedCert> {
    return this.issue({
      subject: 'CN=kk-coordinator,O=kubekey',
      publicKey,
      days: 825,
      usage: [x509.ExtendedKeyUsage.serverAuth],
      sans: [...dnsNames.map((value) => ({ type: 'dns' as const, value })), ...ips.map((value) => ({ type: 'ip' as const, value }))],
    });
  }

  /**
   * A client certificate bound to one node name, from the node's own CSR: checked and issued
   * natively (shared/pki/csr.ts, ./node-cert.ts), the hot path of enrolment.
   */
  async issueNodeFromCsr(csrPem: string, nodeName: string): Promise<IssuedCert> {
    const { spki } = checkCsr(csrPem);
    const parts = await (this.nodeCertParts ??= this.makeNodeCertParts());
    const now = Date.now();
    const serialNumber = serial();
    // The name comes from the coordinator's decision, never from the CSR's subject.
    const certificatePem = issueNodeCertificate({
      ...parts,
      spki,
      nodeName,
      serial: Buffer.from(serialNumber, 'hex'),
      notBefore: new Date(now - 5 * 60_000),
      notAfter: new Date(now + 365 * DAY_MS),
    });
    return { certificatePem, serial: serialNumber };
  }

  private async makeNodeCertParts(): Promise<Pick<NodeCertInput, 'issuer' | 'authorityKeyIdentifier' | 'caPrivateKey'>> {
    const aki = await (this.authorityKeyId ??= x509.AuthorityKeyIdentifierExtension.create(this.caKeys.publicKey));
    return {
      issuer: certificateSubject(Buffer.from(this.caCert.rawData)),
      authorityKeyIdentifier: Buffer.from(aki.rawData),
      caPrivateKey: KeyObject.from(this.caKeys.privateKey),
    };
  }

  /** The operator's admin credential. */
  async issueAdmin(publicKey: CryptoKey): Promise<IssuedCert> {
    return this.issue({ subject: 'CN=kk-admin,O=kk-admins', publicKey, days: 3650, usage: [x509.ExtendedKeyUsage.clientAuth], sans: [] });
  }

  private async issue(p: {
    subject: string;
    publicKey: CryptoKey;
    days: number;
    usage: string[];
    sans: { type: 'dns' | 'ip' | 'url'; value: string }[];
  }): Promise<IssuedCert> {
    const now = Date.now();
    const serialNumber = serial();
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension(p.usage, false),
      await (this.authorityKeyId ??= x509.AuthorityKeyIdentifierExtension.create(this.caKeys.publicKey)),
    ];
    if (p.sans.length) extensions.push(new x509.SubjectAlternativeNameExtension(p.sans, false));
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber,
      subject: p.subject,
      issuer: this.caCert.subject,
      notBefore: new Date(now - 5 * 60_000),
      notAfter: new Date(now + p.days * DAY_MS),
      signingAlgorithm: SIGNING_ALGORITHM,
      publicKey: p.publicKey,
      signingKey: this.caKeys.privateKey,
      extensions,
    });
    return { certificatePem: cert.toString('pem') + '\n', serial: serialNumber };
  }
}

function serial(): string {
  const b = randomBytes(16);
  b[0] = (b[0] ?? 0) & 0x7f; // positive INTEGER
  return b.toString('hex');
}
