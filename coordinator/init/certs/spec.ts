// Which certificates a cluster needs, as KubeKey's certs role makes them (kubekey-v4.md §5.1):
// file names, common names, signer, SANs, validity and policy, all from the loaded model.
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { UserError } from '../../../shared/errors';
import type { ClusterModel } from '../../model/cluster';
import { getBool, getNonEmptyString, getString } from '../../model/vars';
import { parseGoDuration } from './duration';

export type CertPolicy = 'IfNotPresent' | 'Always' | 'None';
/** The `certs.<group>` block that governs a certificate. */
export type CertGroup = 'ca' | 'kubernetes_ca' | 'front_proxy_ca' | 'etcd' | 'image_registry';

export interface CertSans {
  dns: string[];
  ips: string[];
}

export interface CertSpec {
  /** Short id for messages: root, kubernetes, front-proxy, etcd-node1, etcd-client, image_registry, image-registry-client. */
  id: string;
  /** What it is, for `certs check`. */
  title: string;
  cn: string;
  /** `root` = self-signed; otherwise signed by root. */
  signer: 'self' | 'root';
  isCA: boolean;
  sans: CertSans;
  validityMs: number;
  policy: CertPolicy;
  group: CertGroup;
  certFile: string;
  keyFile: string;
  /** The operator supplied this CA (kubernetes.certs.*): it is checked and used, never written. */
  userProvided: boolean;
}

/** Names and addresses every signed certificate carries (KubeKey's default SANs). */
export const DEFAULT_SANS: CertSans = { dns: ['localhost'], ips: ['127.0.0.1', '::1'] };

const POLICIES: readonly string[] = ['IfNotPresent', 'Always', 'None'];
const DEFAULT_DATE = '87600h';

function groupSettings(model: ClusterModel, group: CertGroup): { validityMs: number; policy: CertPolicy } {
  const date = getNonEmptyString(model.vars, ['certs', group, 'date']) ?? DEFAULT_DATE;
  const policy = getNonEmptyString(model.vars, ['certs', group, 'gen_cert_policy']) ?? 'IfNotPresent';
  if (!POLICIES.includes(policy)) throw new UserError(`certs.${group}.gen_cert_policy: "${policy}" is not one of ${POLICIES.join(', ')}`);
  return { validityMs: parseGoDuration(date, `certs.${group}.date`), policy: policy as CertPolicy };
}

/** Sorts a SAN list into DNS names and IPs; drops what is neither (KubeKey drops invalid names too). */
export function classifySans(names: readonly string[]): CertSans {
  const out: CertSans = { dns: [...DEFAULT_SANS.dns], ips: [...DEFAULT_SANS.ips] };
  for (const raw of names) {
    const name = raw.trim();
    if (name === '') continue;
    if (ipaddr.isValid(name)) {
      const norm = ipaddr.parse(name).toString();
      if (!out.ips.some((ip) => ipaddr.parse(ip).toString() === norm)) out.ips.push(name);
    } else if (/^(\*\.)?[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*$/.test(name)) {
      if (!out.dns.includes(name.toLowerCase())) out.dns.push(name.toLowerCase());
    }
  }
  return out;
}

/** `host:port/project` → host (auth.registry may carry a port and a Harbor project). */
function registryHost(registry: string): string {
  const first = registry.replace(/^[a-z]+:\/\//, '').split('/')[0] ?? '';
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(first);
  if (bracketed) return bracketed[1]!;
  if (ipaddr.IPv6.isValid(first)) return first;
  return first.replace(/:\d+$/, '');
}

function hostAddresses(model: ClusterModel, name: string): string[] {
  const host = model.hosts.find((h) => h.name === name);
  if (!host) return [];
  return [getNonEmptyString(host.vars, 'internal_ipv4'), getNonEmptyString(host.vars, 'internal_ipv6')].filter((x): x is string => !!x);
}

/** The host name an etcd member is known by: the inventory name when kk sets host names, else its own. */
export function etcdHostName(model: ClusterModel, name: string): string {
  const host = model.hosts.find((h) => h.name === name);
  if (!host) return name;
  if (getBool(host.vars, 'native.set_hostname') === false) return getNonEmptyString(host.vars, 'hostname') ?? name;
  return name;
}

function user(model: ClusterModel, certKey: string, keyKey: string, field: string): { cert: string; key: string } | null {
  const cert = getNonEmptyString(model.vars, ['kubernetes', 'certs', certKey]);
  const key = getNonEmptyString(model.vars, ['kubernetes', 'certs', keyKey]);
  if (!cert && !key) return null;
  if (!cert || !key) {
    throw new UserError(
      `kubernetes.certs.${cert ? keyKey : certKey} is empty but kubernetes.certs.${cert ? certKey : keyKey} is set: the ${field} needs both its certificate and its key`,
    );
  }
  return { cert, key };
}

/** Every certificate the cluster needs, in signing order (root first). `cwd` resolves relative user paths. */
export function planCerts(model: ClusterModel, pkiDir: string, cwd: string = process.cwd()): CertSpec[] {
  const file = (base: string): { certFile: string; keyFile: string } => ({
    certFile: path.join(pkiDir, `${base}.crt`),
    keyFile: path.join(pkiDir, `${base}.key`),
  });
  const specs: CertSpec[] = [];
  specs.push({
    id: 'root',
    title: 'root CA (etcd and image registry CA)',
    cn: 'root',
    signer: 'self',
    isCA: true,
    sans: { dns: ['root'], ips: [] },
    ...groupSettings(model, 'ca'),
    group: 'ca',
    ...file('root'),
    userProvided: false,
  });
  // The Kubernetes and front-proxy CAs: signed by root, unless the user brings their own pair.
  const userProvidable = (id: string, title: string, cn: string, group: CertGroup, certKey: string, keyKey: string): CertSpec => {
    const own = user(model, certKey, keyKey, title);
    return {
      id,
      title,
      cn,
      signer: 'root',
      isCA: true,
      sans: classifySans([]),
      ...groupSettings(model, group),
      group,
      ...(own ? { certFile: path.resolve(cwd, own.cert), keyFile: path.resolve(cwd, own.key) } : file(id)),
      userProvided: !!own,
    };
  };
  specs.push(userProvidable('kubernetes', 'Kubernetes CA', 'kubernetes-ca', 'kubernetes_ca', 'ca_cert', 'ca_key'));
  specs.push(userProvidable('front-proxy', 'front-proxy CA', 'front-proxy-ca', 'front_proxy_ca', 'front_proxy_cert', 'front_proxy_key'));
  const etcdHosts = model.groups.etcd ?? [];
  if (etcdHosts.length > 0) {
    const etcd = groupSettings(model, 'etcd');
    for (const h of etcdHosts) {
      specs.push({
        id: `etcd-${h}`,
        title: `etcd server/peer (${h})`,
        cn: 'etcd',
        signer: 'root',
        isCA: false,
        sans: classifySans([etcdHostName(model, h), ...hostAddresses(model, h)]),
        ...etcd,
        group: 'etcd',
        ...file(`etcd-${h}`),
        userProvided: false,
      });
    }
    specs.push({
      id: 'etcd-client',
      title: 'etcd client',
      cn: 'etcd',
      signer: 'root',
      isCA: false,
      sans: classifySans([]),
      ...etcd,
      group: 'etcd',
      ...file('etcd-client'),
      userProvided: false,
    });
  }
  const registryHosts = model.groups.image_registry ?? [];
  if (registryHosts.length > 0) {
    const reg = groupSettings(model, 'image_registry');
    const names: string[] = [];
    const vip = getNonEmptyString(model.vars, 'image_registry.ha_vip');
    if (vip) names.push(vip);
    const auth = getString(model.vars, 'image_registry.auth.registry') ?? '';
    if (auth !== '' && auth !== 'hub.kubesphere.com.cn') names.push(registryHost(auth));
    for (const h of registryHosts) names.push(...hostAddresses(model, h));
    specs.push({
      id: 'image_registry',
      title: 'image registry server',
      cn: 'image_registry',
      signer: 'root',
      isCA: false,
      sans: classifySans(names),
      ...reg,
      group: 'image_registry',
      ...file('image_registry'),
      userProvided: false,
    });
    specs.push({
      id: 'image-registry-client',
      title: 'image registry client',
      cn: 'image-registry-client',
      signer: 'root',
      isCA: false,
      sans: classifySans([]),
      ...reg,
      group: 'image_registry',
      ...file('image-registry-client'),
      userProvided: false,
    });
  }
  return specs;
}
