// The coordinator's own key material, created on first start and kept in the data dir:
// the serving key (stable, so the one-liner's pin survives restarts and certificate renewals),
// the admin credential (mode 0600) and the Ed25519 command-signing key.
import { existsSync, readFileSync } from 'node:fs';
import { generateKeyPairSync, createPrivateKey, createPublicKey } from 'node:crypto';
import path from 'node:path';
import { webcrypto } from 'node:crypto';
import type { CertificateAuthority } from '../pki/authority';
import { generateKeyPair, KEY_ALGORITHM, certFingerprint, x509 } from '../../shared/pki/x509';
import { writeFileAtomic } from '../state/files';
import { ADMIN_CREDENTIALS_FILE, type AdminCredentials } from '../state/admin-access';

export type { AdminCredentials };

export async function loadOrCreateServingCert(
  ca: CertificateAuthority,
  pkiDir: string,
  dnsNames: string[],
  ips: string[],
): Promise<{ certPem: string; keyPem: string }> {
  const keyFile = path.join(pkiDir, 'server.key');
  const certFile = path.join(pkiDir, 'server.crt');
  let keyPem: string;
  if (existsSync(keyFile)) keyPem = readFileSync(keyFile, 'utf8');
  else {
    keyPem = (await generateKeyPair()).privateKeyPem;
    writeFileAtomic(keyFile, keyPem, 0o600);
  }
  // Re-issued on every start with the same key: the addresses may have changed, the pin not.
  const spki = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
  const publicKey = await webcrypto.subtle.importKey('spki', spki, KEY_ALGORITHM, true, ['verify']);
  const { certificatePem } = await ca.issueServer(dnsNames, ips, publicKey);
  writeFileAtomic(certFile, certificatePem, 0o644);
  return { certPem: certificatePem, keyPem };
}

export async function loadOrCreateAdminCredentials(ca: CertificateAuthority, dataDir: string, coordinator: string): Promise<AdminCredentials> {
  const file = path.join(dataDir, ADMIN_CREDENTIALS_FILE);
  if (existsSync(file)) {
    const creds = JSON.parse(readFileSync(file, 'utf8')) as AdminCredentials;
    const stillOurs = new x509.X509Certificate(creds.certPem).issuer === new x509.X509Certificate(ca.caPem).subject;
    if (stillOurs) {
      if (creds.coordinator !== coordinator) {
        creds.coordinator = coordinator;
        writeFileAtomic(file, JSON.stringify(creds, null, 1) + '\n', 0o600);
      }
      return creds;
    }
  }
  const { keys, privateKeyPem } = await generateKeyPair();
  const issued = await ca.issueAdmin(keys.publicKey);
  const creds: AdminCredentials = { coordinator, caPem: ca.caPem, certPem: issued.certificatePem, keyPem: privateKeyPem };
  writeFileAtomic(file, JSON.stringify(creds, null, 1) + '\n', 0o600);
  return creds;
}

export function adminFingerprint(creds: AdminCredentials): string {
  return certFingerprint(creds.certPem);
}

/** Ed25519: small signatures, fast verification on every node for every command. */
export function loadOrCreateSigningKey(pkiDir: string): { privateKeyPem: string; publicKeyPem: string } {
  const file = path.join(pkiDir, 'command-signing.key');
  let privateKeyPem: string;
  if (existsSync(file)) privateKeyPem = readFileSync(file, 'utf8');
  else {
    privateKeyPem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    writeFileAtomic(file, privateKeyPem, 0o600);
  }
  const publicKeyPem = createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'pem' }).toString();
  return { privateKeyPem, publicKeyPem };
}
