// The real charts kk's components carry (scripts/components/charts.sh) and the values kk writes
// for them: shared by the chart render tests and the server-side dry runs on the test machines.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { cniStep } from '../../../coordinator/phases/install/steps/cni';
import { stepInputs } from '../../../coordinator/phases/install/inputs';
import type { ResolvedArtifact } from '../../../coordinator/init/artifacts/cache';
import { componentsRoot, readPins } from '../components/components';
import { model, tempDir } from '../../unit/phases/helpers';

const pins = readPins();
const root = componentsRoot();
export const CILIUM = pins.CILIUM_VERSION ?? '';
export const CALICO = pins.CALICO_CHART_VERSION ?? '';
export const helmBin = [path.join(root, 'bin', 'helm'), path.join(root, 'build', 'helm', pins.HELM_VERSION ?? '', 'helm')].find((f) => existsSync(f));
export const chartFile = (name: string, version: string): string => path.join(root, 'charts', `${name}-${version}.tgz`);
/** Why a chart cannot be rendered here, or undefined. */
export const missing = (name: string, version: string): string | undefined => {
  if (!helmBin) return `no helm under ${root} (bin/helm or build/helm/${pins.HELM_VERSION}/helm): run \`make components\``;
  return existsSync(chartFile(name, version)) ? undefined : `${chartFile(name, version)} not built: run \`make components\` (scripts/components/charts.sh)`;
};

/** One node that is control plane, worker and etcd: the inventory the chart tests plan for. */
export const CHART_TEST_INVENTORY = `apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
metadata: {name: t}
spec:
  hosts:
    cp1: {internal_ipv4: 10.0.0.1}
  groups:
    kube_control_plane: {hosts: [cp1]}
    kube_worker: {hosts: [cp1]}
    k8s_cluster: {groups: [kube_control_plane, kube_worker]}
    etcd: {hosts: [cp1]}
`;

/** The values file kk writes on the node for the config's primary CNI (the step's own task). */
export function kkValues(spec: string, chart: string, version: string): string {
  const resolved: ResolvedArtifact[] = [
    {
      id: `${chart}/${version}`,
      name: chart,
      kind: 'chart',
      arch: null,
      version,
      base: 'binary_dir',
      dest: `x/${chart}.tgz`,
      sha256: '0'.repeat(64),
      size: 1,
      url: 'https://x',
      verified: 'first-download',
    },
  ];
  const inputs = stepInputs({
    model: model(`  kubernetes: {kube_version: v1.34.3}\n${spec}`, CHART_TEST_INVENTORY),
    resolved,
    pkiDir: tempDir('kk-pki-'),
    arches: ['amd64'],
    param: (_k, make) => make(),
  });
  const write = cniStep.plan(inputs, 'cp1').find((t) => t.task.startsWith('write ') && t.task.endsWith(' values'));
  assert.ok(write && 'writeFile' in write.spec);
  return write.spec.writeFile.text ?? '';
}

export interface K8sObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  [k: string]: unknown;
}

/** `helm template` of a packaged chart with a values text; the rendered objects (CRDs too with includeCrds). */
export function render(release: string, namespace: string, chart: string, values: string, opts: { includeCrds?: boolean } = {}): K8sObject[] {
  const dir = tempDir('kk-helm-');
  const file = path.join(dir, 'values.yaml');
  writeFileSync(file, values);
  const env = { ...process.env, HELM_CACHE_HOME: path.join(dir, 'cache'), HELM_CONFIG_HOME: path.join(dir, 'config'), HELM_DATA_HOME: path.join(dir, 'data') };
  const r = spawnSync(
    helmBin!,
    ['template', release, chart, '-n', namespace, '-f', file, '--kube-version', 'v1.34.3', ...(opts.includeCrds ? ['--include-crds'] : [])],
    { env, encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  assert.equal(r.status, 0, `helm template ${release}: ${r.stderr}`);
  return YAML.parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}
