// Shared by the phase tests: a real ClusterModel from inventory/config text, a scripts_dir, and
// a pipeline wired to the fake nodes and a real RunStore in a temp data dir.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadCluster } from '../../../coordinator/inventory';
import type { ClusterModel } from '../../../coordinator/model/cluster';
import { createClusterPipeline } from '../../../coordinator/phases/manager';
import type { Pipeline } from '../../../coordinator/phases/manager';
import { PlainProgress } from '../../../coordinator/phases/progress';
import type { PrecheckOutcome } from '../../../coordinator/phases/types';
import { RunStore } from '../../../coordinator/runs/store';
import { FakeNodes } from './fake-node';
import type { InstallStep } from '../../../coordinator/phases/install/step';
import { selfSignedEc } from '../../lib/openssl';

/** A throwaway Kubernetes CA in `pkiDir` (kubernetes.crt, kubernetes.key), as init makes it. */
export function kubernetesCa(pkiDir: string): void {
  selfSignedEc({ key: path.join(pkiDir, 'kubernetes.key'), cert: path.join(pkiDir, 'kubernetes.crt'), subject: '/CN=kubernetes-ca' });
}

export function tempDir(prefix = 'kk-phases-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export const INVENTORY = `apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
metadata: {name: default}
spec:
  hosts:
    node1: {internal_ipv4: 10.0.0.1}
    node2: {internal_ipv4: 10.0.0.2}
    node3: {internal_ipv4: 10.0.0.3}
  groups:
    kube_control_plane: {hosts: [node1]}
    kube_worker: {hosts: [node2, node3]}
    k8s_cluster: {groups: [kube_control_plane, kube_worker]}
    etcd: {hosts: [node1, node2]}
`;

/**
 * Inventory text from what differs between tests: each host's vars (a YAML flow map) and the
 * members of the groups; k8s_cluster is always control planes ∪ workers.
 */
export function inventoryText(o: {
  hosts: Record<string, string>;
  controlPlanes: string[];
  workers: string[];
  etcd: string[];
  groups?: Record<string, string[]>;
}): string {
  const list = (xs: string[]): string => `{hosts: [${xs.join(', ')}]}`;
  return `apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
metadata: {name: t}
spec:
  hosts:
${Object.entries(o.hosts)
  .map(([h, vars]) => `    ${h}: ${vars}`)
  .join('\n')}
  groups:
    kube_control_plane: ${list(o.controlPlanes)}
    kube_worker: ${list(o.workers)}
    k8s_cluster: {groups: [kube_control_plane, kube_worker]}
    etcd: ${list(o.etcd)}
${Object.entries(o.groups ?? {})
  .map(([g, xs]) => `    ${g}: ${list(xs)}\n`)
  .join('')}`;
}

/** A loaded model; `spec` lines are added to a Config file (indented under spec:). */
export function model(configSpec = '', inventory = INVENTORY): ClusterModel {
  const dir = tempDir('kk-model-');
  const inv = path.join(dir, 'inventory.yaml');
  writeFileSync(inv, inventory);
  let cfg: string | null = null;
  if (configSpec) {
    cfg = path.join(dir, 'config.yaml');
    writeFileSync(cfg, `apiVersion: kubekey.kubesphere.io/v1\nkind: Config\nmetadata: {name: default}\nspec:\n${configSpec}`);
  }
  return loadCluster(inv, cfg);
}

/** Writes scripts under a fresh scripts dir: { 'pre_install.sh': '…', 'etcd/pre_install.sh': '…' }. */
export function scriptsDir(files: Record<string, string>): string {
  const dir = tempDir('kk-scripts-');
  for (const [rel, text] of Object.entries(files)) {
    const f = path.join(dir, rel);
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileSync(f, text);
  }
  return dir;
}

/** A line each script appends to order.log in its working directory (on the fake node). */
export const logScript = (label: string, extra = ''): string => `#!/bin/bash\necho "${label} $KK_INVENTORY_HOSTNAME $KK_PHASE" >> order.log\n${extra}`;

export interface Harness {
  nodes: FakeNodes;
  store: RunStore;
  dataDir: string;
  out: string[];
  prechecks: number;
  precheckFailed: number;
  pipeline: Pipeline;
  text(): string;
}

/**
 * The install steps the pipeline tests run: one small step writing a marker on every host, so the
 * manager's handling of install is exercised without the real steps (each tested on its own).
 */
export const MARKER_STEP: InstallStep = {
  name: 'marker',
  title: 'test marker',
  hosts: (m) => m.hosts.map((h) => h.name),
  stage: () => ({ mode: 'parallel' }),
  plan: (_inputs, host) => [
    {
      task: 'write marker',
      spec: { writeFile: { path: '/etc/kk-install-marker', text: `${host}\n`, mode: 0o644, makeParents: true } },
      description: 'marker file',
    },
  ],
};

export function harness(m: ClusterModel, opts: { cwd?: string; installSteps?: readonly InstallStep[] } = {}): Harness {
  const nodes = new FakeNodes(m.hosts.map((h) => h.name));
  const dataDir = tempDir('kk-data-');
  const store = new RunStore(dataDir);
  const out: string[] = [];
  const h: Harness = {
    nodes,
    store,
    dataDir,
    out,
    prechecks: 0,
    precheckFailed: 0,
    pipeline: null as unknown as Pipeline,
    text: () => out.join(''),
  };
  const output = { write: (s: string) => void out.push(s), isTTY: false };
  h.pipeline = createClusterPipeline({
    model: m,
    executor: nodes,
    runStore: store,
    runPrecheck: async (): Promise<PrecheckOutcome> => {
      h.prechecks++;
      return { failed: h.precheckFailed, report: { failed: h.precheckFailed } };
    },
    log: pino({ level: 'silent' }),
    output,
    progress: new PlainProgress(output),
    cwd: opts.cwd ?? tempDir('kk-cwd-'),
    installSteps: opts.installSteps ?? [MARKER_STEP],
  });
  return h;
}
