// Shared by the init tests: real models from inventory/config text, temp dirs, openssl.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadClusterFromText } from '../../../coordinator/inventory';
import type { ClusterModel } from '../../../coordinator/model/cluster';

export const silentLog = pino({ level: 'silent' });

export function tempDir(prefix = 'kk-init-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export interface HostDef {
  name: string;
  ipv4?: string;
  ipv6?: string;
  vars?: string;
}

export function inventory(hosts: HostDef[], groups: Record<string, string[]>): string {
  const hostLines = hosts.map((h) => {
    const parts = [h.ipv4 ? `internal_ipv4: ${h.ipv4}` : '', h.ipv6 ? `internal_ipv6: "${h.ipv6}"` : '', h.vars ?? ''].filter(Boolean);
    return `    ${h.name}: {${parts.join(', ')}}`;
  });
  const groupLines = Object.entries(groups).map(([g, members]) => `    ${g}: {hosts: [${members.join(', ')}]}`);
  return `apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
metadata: {name: default}
spec:
  hosts:
${hostLines.join('\n')}
  groups:
${groupLines.join('\n')}
    k8s_cluster: {groups: [kube_control_plane, kube_worker]}
`;
}

/** A model from an inventory and Config `spec` lines (YAML, indented two spaces under spec:). */
export function loadModel(inv: string, configSpec = ''): ClusterModel {
  const config = `apiVersion: kubekey.kubesphere.io/v1\nkind: Config\nspec:\n${configSpec || '  {}'}\n`;
  return loadClusterFromText({ name: 'inventory.yaml', text: inv }, { name: 'config.yaml', text: config });
}

export function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
