// The client certificate a node gets at enrolment, written directly in DER and signed with the
// CA's key through Node's native crypto: at a thousand enrolments the object model of
// @peculiar/x509 (build, serialise, sign through WebCrypto, parse back) was a quarter of the
// coordinator's CPU. The shape is exactly what CertificateAuthority.issue made for nodes:
// v3, ecdsa-with-SHA256, subject CN=<name>, O=kk-nodes; basicConstraints CA:FALSE (critical),
// keyUsage digitalSignature+keyEncipherment (critical), extKeyUsage clientAuth, the CA's
// authorityKeyIdentifier, and subjectAltName URI:kk://node/<name>.
import { sign, type KeyObject } from 'node:crypto';
import { TAG, bool, explicit, octets, oid, seq, time, tlv, toPem, uint, bitString } from '../../shared/pki/der';
import { ECDSA_SHA256, OID, name } from '../../shared/pki/csr';

export interface NodeCertInput {
  /** The CA certificate's subject Name, DER (the issuer of every node certificate). */
  issuer: Buffer;
  /** The authorityKeyIdentifier Extension, DER (made once from the CA key). */
  authorityKeyIdentifier: Buffer;
  caPrivateKey: KeyObject;
  /** The node's SubjectPublicKeyInfo, DER, from its verified CSR. */
  spki: Buffer;
  nodeName: string;
  /** Positive serial number, big-endian bytes. */
  serial: Buffer;
  notBefore: Date;
  notAfter: Date;
}

const ext = (id: string, critical: boolean, value: Buffer) => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

export function issueNodeCertificate(p: NodeCertInput): string {
  const extensions = seq(
    ext('2.5.29.19', true, seq()), // basicConstraints: cA FALSE (the default, so absent)
    // keyUsage: digitalSignature (bit 0) and keyEncipherment (bit 2): 0b101 then 5 unused bits.
    ext('2.5.29.15', true, tlv(TAG.BIT_STRING, Buffer.from([5, 0xa0]))),
    ext('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.2'))), // extKeyUsage: clientAuth
    p.authorityKeyIdentifier,
    ext('2.5.29.17', false, seq(tlv(0x86, Buffer.from(`kk://node/${p.nodeName}`, 'latin1')))), // SAN URI
  );
  const tbs = seq(
    explicit(0, uint(Buffer.from([2]))),
    uint(p.serial),
    ECDSA_SHA256,
    p.issuer,
    seq(time(p.notBefore), time(p.notAfter)),
    name([
      [OID.commonName, p.nodeName],
      [OID.organization, 'kk-nodes'],
    ]),
    p.spki,
    explicit(3, extensions),
  );
  const signature = sign('sha256', tbs, { key: p.caPrivateKey, dsaEncoding: 'der' });
  return toPem('CERTIFICATE', seq(tbs, ECDSA_SHA256, bitString(signature)));
}
