// The operator's kubeconfig, `<work_dir>/kubeconfig` (0600), made by the coordinator itself: it
// holds kk's Kubernetes CA, so it signs a client certificate for `kubernetes-admin` — the key
// never exists anywhere else, and nothing is copied off a node (KubeKey fetches admin.conf from
// the first control plane). A valid kubeconfig for the same CA and server is kept as it is.
import { existsSync, readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { webcrypto, X509Certificate, randomBytes } from 'node:crypto';
import path from 'node:path';
import semver from 'semver';
import YAML from 'yaml';
import { x509, exportPrivateKeyPem } from '../../../../shared/pki/x509';
import { importSigningKey } from '../../../init/certs/keys';
import { resolveInitDirs } from '../../../init/workdir';
import { getNumber, getString } from '../../../inventory/vars';
import type { ClusterModel } from '../../../model/cluster';
import type { StepInputs } from '../inputs';
import type { InstallStep } from '../step';
import { hostsIn } from './common';

const VALIDITY_DAYS = 365;
const RENEW_BEFORE_DAYS = 30;

/** The API server address the operator's machine can reach: the VIP, local.address, or the first control plane. */
export function operatorServer(inputs: StepInputs): string {
  const m = inputs.model;
  const port = getNumber(m.vars, 'kubernetes.control_plane_endpoint.port') ?? getNumber(m.vars, 'kubernetes.apiserver.port') ?? 6443;
  const type = getString(m.vars, 'kubernetes.control_plane_endpoint.type') ?? 'local';
  const vip = type === 'kube-vip' ? getString(m.vars, 'kubernetes.control_plane_endpoint.kube_vip.address') : '';
  const local = type === 'local' ? getString(m.vars, 'kubernetes.control_plane_endpoint.local.address') : '';
  const ip = vip || local || inputs.ipv4(hostsIn(m, 'kube_control_plane')[0]!);
  return `https://${ip.includes(':') ? `[${ip}]` : ip}:${port}`;
}

/** kubeadm ≥ 1.29 binds `kubeadm:cluster-admins` to cluster-admin; older clusters know only system:masters. */
function adminGroup(model: ClusterModel): string {
  const v = semver.coerce(getString(model.vars, 'kubernetes.kube_version') ?? '');
  return v && semver.gte(v, '1.29.0') ? 'kubeadm:cluster-admins' : 'system:masters';
}

export async function makeKubeconfig(inputs: StepInputs, clusterName: string, now = new Date()): Promise<string> {
  const caPem = inputs.pki('kubernetes.crt');
  const ca = await importSigningKey(inputs.pki('kubernetes.key'));
  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial.toString('hex'),
    subject: `CN=kubernetes-admin,O=${adminGroup(inputs.model)}`,
    issuer: new x509.X509Certificate(caPem).subject,
    notBefore: new Date(now.getTime() - 5 * 60_000),
    notAfter: new Date(now.getTime() + VALIDITY_DAYS * 86_400_000),
    signingAlgorithm: ca.algorithm,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth], false),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
    ],
  });
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const user = `kubernetes-admin@${clusterName}`;
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clusterName, cluster: { server: operatorServer(inputs), 'certificate-authority-data': b64(caPem) } }],
    users: [
      { name: user, user: { 'client-certificate-data': b64(cert.toString('pem') + '\n'), 'client-key-data': b64(await exportPrivateKeyPem(keys.privateKey)) } },
    ],
    contexts: [{ name: user, context: { cluster: clusterName, user } }],
    'current-context': user,
    preferences: {},
  });
}

/** Keeps an existing kubeconfig when it is for this CA and server and not near its end. */
export function stillGood(text: string, caPem: string, server: string, now = new Date()): boolean {
  try {
    const k = YAML.parse(text) as { clusters?: { cluster?: Record<string, string> }[]; users?: { user?: Record<string, string> }[] };
    const cl = k.clusters?.[0]?.cluster;
    const crt = k.users?.[0]?.user?.['client-certificate-data'];
    if (!cl || !crt || cl.server !== server || Buffer.from(cl['certificate-authority-data'] ?? '', 'base64').toString() !== caPem) return false;
    const cert = new X509Certificate(Buffer.from(crt, 'base64'));
    return cert.verify(new X509Certificate(caPem).publicKey) && Date.parse(cert.validTo) - now.getTime() > RENEW_BEFORE_DAYS * 86_400_000;
  } catch {
    return false;
  }
}

export const kubeconfigStep: InstallStep = {
  name: 'kubeconfig',
  title: "the operator's kubeconfig",
  hosts: () => [],
  stage: () => ({ mode: 'parallel' }),
  plan: () => [],
  coordinator: {
    task: 'write kubeconfig',
    description: "<work_dir>/kubeconfig (0600): a kubernetes-admin client certificate signed by kk's Kubernetes CA",
    applies: (m) => hostsIn(m, 'kube_control_plane').length > 0,
    async run(ctx) {
      const m = ctx.inputs.model;
      const file = path.join(resolveInitDirs(m.vars, ctx.cwd).workDir, 'kubeconfig');
      const server = operatorServer(ctx.inputs);
      if (existsSync(file) && stillGood(readFileSync(file, 'utf8'), ctx.inputs.pki('kubernetes.crt'), server)) {
        return [true, `${file} (kept: valid for ${server})`];
      }
      const text = await makeKubeconfig(ctx.inputs, getString(m.vars, 'kubernetes.cluster_name') ?? 'kubekey');
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
      return [true, `${file} written (server ${server}); use: kubectl --kubeconfig ${file} get nodes`];
    },
  },
};
