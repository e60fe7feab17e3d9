// A node's certificate request (PKCS#10, RFC 2986): made by every agent at enrolment and checked
// by the coordinator, written and read directly in DER (./der.ts) and signed with Node's native
// ECDSA. The shape is fixed: subject CN=<name>, an ECDSA P-256 key, no attributes, signed with
// ecdsa-with-SHA256.
import { KeyObject, createPublicKey, sign, verify, type webcrypto } from 'node:crypto';
import { TAG, bitString, children, explicit, fromPem, oid, oidString, readTlv, seq, set, toPem, uint, utf8 } from './der';

export const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
} as const;

/** A Name of one RDN per attribute, in the order given: [[OID, value], …]. */
export function name(attributes: ReadonlyArray<readonly [string, string]>): Buffer {
  return seq(...attributes.map(([type, value]) => set(seq(oid(type), utf8(value)))));
}

export const ECDSA_SHA256 = seq(oid(OID.ecdsaWithSha256));

/** PEM CSR for `commonName`, signed by the key pair's private key. */
export function createCsr(keys: webcrypto.CryptoKeyPair, commonName: string): string {
  const spki = KeyObject.from(keys.publicKey).export({ type: 'spki', format: 'der' });
  const info = seq(uint(Buffer.from([0])), name([[OID.commonName, commonName]]), spki, explicit(0));
  const signature = sign('sha256', info, { key: KeyObject.from(keys.privateKey), dsaEncoding: 'der' });
  return toPem('CERTIFICATE REQUEST', seq(info, ECDSA_SHA256, bitString(signature)));
}

export interface CheckedCsr {
  /** The requester's SubjectPublicKeyInfo, DER, as it will go into the certificate. */
  spki: Buffer;
}

/**
 * Parses a PEM CSR and verifies its signature with the key it carries. Throws an Error saying what
 * is wrong: not PEM, not PKCS#10, not an ECDSA P-256 key, another signature algorithm, a bad signature.
 */
export function checkCsr(pem: string): CheckedCsr {
  const der = fromPem('CERTIFICATE REQUEST', pem) ?? fromPem('NEW CERTIFICATE REQUEST', pem);
  if (!der) throw new Error('the certificate request is not a valid PKCS#10 PEM (no "CERTIFICATE REQUEST" block)');
  let info: Buffer;
  let spki: Buffer;
  let algorithm: string;
  let signature: Buffer;
  try {
    const outer = readTlv(der);
    if (outer.tag !== TAG.SEQUENCE || outer.end !== der.length) throw new Error('not one SEQUENCE');
    const [cri, alg, sig, ...rest] = children(outer.content);
    if (!cri || !alg || !sig || rest.length) throw new Error('not three parts');
    const [version, subject, key, attributes, ...more] = children(cri.content);
    if (version?.tag !== TAG.INTEGER || subject?.tag !== TAG.SEQUENCE || key?.tag !== TAG.SEQUENCE || attributes?.tag !== 0xa0 || more.length) {
      throw new Error('unexpected CertificationRequestInfo');
    }
    const algOid = children(alg.content)[0];
    if (alg.tag !== TAG.SEQUENCE || algOid?.tag !== TAG.OID) throw new Error('bad signature algorithm');
    if (sig.tag !== TAG.BIT_STRING || sig.content[0] !== 0) throw new Error('bad signature');
    info = cri.raw;
    spki = key.raw;
    algorithm = oidString(algOid.content);
    signature = sig.content.subarray(1);
  } catch (err) {
    throw new Error(`the certificate request is not a valid PKCS#10 PEM (${(err as Error).message})`);
  }
  if (algorithm !== OID.ecdsaWithSha256) throw new Error(`the certificate request is signed with ${algorithm}, not ecdsa-with-SHA256`);
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch {
    throw new Error('the certificate request carries no usable public key');
  }
  const details = publicKey.asymmetricKeyDetails;
  if (publicKey.asymmetricKeyType !== 'ec' || details?.namedCurve !== 'prime256v1') {
    throw new Error(
      `the certificate request's key is ${publicKey.asymmetricKeyType ?? 'unknown'}${details?.namedCurve ? ` ${details.namedCurve}` : ''}, not ECDSA P-256`,
    );
  }
  if (!verify('sha256', info, { key: publicKey, dsaEncoding: 'der' }, signature)) {
    throw new Error('the certificate request signature does not verify');
  }
  return { spki };
}
