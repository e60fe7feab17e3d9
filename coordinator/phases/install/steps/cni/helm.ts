// The helm machinery the network-plugin and storage-class steps share (docs/install.md): a release
// is data — chart artifact, namespace, values — and one function turns it into node tasks: fetch
// the chart init verified, write the values, `helm upgrade --install`, skipped when the same chart
// and values are already deployed. The per-plugin modules only compute values.
import { createHash } from 'node:crypto';
import YAML from 'yaml';
import { UserError } from '../../../../../shared/errors';
import { getString, getVar } from '../../../../inventory/vars';
import type { ClusterModel, Value } from '../../../../model/cluster';
import { IMAGE_CATALOGUE } from '../../../../init/artifacts/image-catalogue';
import { catalogueOverrides } from '../../../../init/artifacts/plan';
import type { StepInputs } from '../../inputs';
import { fetchFile, script, type StepTask } from '../../step';
import { q } from '../common';
import { ADMIN_CONF } from '../kubeadm';

export const KUBECTL = `kubectl --kubeconfig ${ADMIN_CONF}`;
/** Where CNI charts and values live on the node (KubeKey's place). */
export const CNI_DIR = '/etc/kubernetes/cni';

/** A node-side script run before helm (kube-ovn's node labels). */
export interface PrepTask {
  task: string;
  description: string;
  script: string;
}

export interface HelmRelease {
  release: string;
  namespace: string;
  /** The chart artifact's name in init's plan (tigera-operator, cilium, localpv-provisioner …). */
  chart: string;
  /** The node directory for the chart and the values file. */
  dir: string;
  values: Record<string, unknown>;
  /** The namespace gets the privileged Pod Security level first (a network plugin's pods are privileged). */
  privilegedNamespace?: boolean;
  /** Scripts run before helm, in order. */
  prepare?: PrepTask[];
}

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep merge, `over` wins; arrays are replaced, as helm merges values files. */
export function mergeValues(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObj(v) && isObj(out[k]) ? mergeValues(out[k], v) : v;
  return out;
}

/**
 * The release with the operator's `<key>` values laid over kk's: KubeKey takes a YAML string
 * (its `-f <type>-custom-values.yaml`); a YAML mapping in the config is accepted as well.
 */
export function withCustomValues(m: ClusterModel, r: HelmRelease, key: string): HelmRelease {
  const custom = getVar(m.vars, key);
  if (typeof custom === 'string' && custom.trim() !== '') {
    let parsed: Value;
    try {
      parsed = YAML.parse(custom) as Value;
    } catch (err) {
      throw new UserError(
        `${key}: not valid YAML (${(err as Error).message.split('\n')[0]}); write the chart's helm values as YAML mapping text (a block scalar: "values: |" then indented lines)`,
      );
    }
    if (!isObj(parsed)) throw new UserError(`${key}: expected YAML mapping text (helm values), got ${parsed === null ? 'nothing' : typeof parsed}`);
    return { ...r, values: mergeValues(r.values, parsed) };
  }
  if (isObj(custom)) return { ...r, values: mergeValues(r.values, custom) };
  if (custom !== undefined && custom !== null && custom !== '')
    throw new UserError(`${key}: expected helm values (YAML text or a mapping), got ${typeof custom}`);
  return r;
}

/** The pod CIDRs of `cni.pod_cidr` ("v4", "v6" or "v4,v6"); '' for a family not used. */
export function podCidrs(m: ClusterModel): { v4: string; v6: string } {
  const cidr = getString(m.vars, 'cni.pod_cidr') ?? '10.233.64.0/18';
  const parts = cidr
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return { v4: parts.find((p) => !p.includes(':')) ?? '', v6: parts.find((p) => p.includes(':')) ?? '' };
}

const REGISTRY_VAR: Record<string, string> = {
  'docker.io': 'dockerio_registry',
  'quay.io': 'quayio_registry',
  'ghcr.io': 'ghcrio_registry',
  'registry.k8s.io': 'k8sio_registry',
};

/** The registry an upstream registry's images come from in this cluster (the `*_registry` vars: the cluster registry when there is one). */
export function registryFor(m: ClusterModel, upstreamHost: string): string {
  const key = REGISTRY_VAR[upstreamHost] ?? 'dockerio_registry';
  return getString(m.vars, `image_registry.${key}`) ?? upstreamHost;
}

/** `registry/path` of an upstream image repository, moved to the cluster registry when there is one. */
export function repo(m: ClusterModel, upstream: string): string {
  const [host = '', ...rest] = upstream.split('/');
  return `${registryFor(m, host)}/${rest.join('/')}`;
}

/** True when images are pulled from somewhere other than their upstream registries. */
export function redirected(m: ClusterModel): boolean {
  return Object.entries(REGISTRY_VAR).some(([host, key]) => (getString(m.vars, `image_registry.${key}`) ?? host) !== host);
}

/** The images init fetched for a chart version: the operator's `download.images` list, else the catalogue's. */
export function chartImages(m: ClusterModel, chart: string, version: string): string[] {
  return catalogueOverrides(m.vars)[chart]?.[version] ?? IMAGE_CATALOGUE[chart]?.[version] ?? [];
}

/** The upstream `host/path` and tag of the image whose path ends in `/<name>` in `images`, or null. */
export function findImage(images: string[], name: string): { repository: string; tag: string } | null {
  for (const ref of images) {
    const colon = ref.lastIndexOf(':');
    const repository = ref.slice(0, colon);
    if (colon > 0 && repository.endsWith(`/${name}`)) return { repository, tag: ref.slice(colon + 1) };
  }
  return null;
}

/** The files a release uses on the node. */
export function releaseFiles(r: HelmRelease, chartVersion: string): { chartFile: string; valuesFile: string; marker: string } {
  return {
    chartFile: `${r.dir}/${r.chart}-${chartVersion}.tgz`,
    valuesFile: `${r.dir}/${r.release}-values.yaml`,
    marker: `${r.dir}/.${r.release}.deployed`,
  };
}

/** The helm command for a release: installed or upgraded, and waited for. */
export function helmUpgradeCommand(r: HelmRelease, chartFile: string, valuesFile: string): string {
  return [
    'helm',
    'upgrade',
    '--install',
    q(r.release),
    q(chartFile),
    '-n',
    q(r.namespace),
    '--create-namespace',
    '-f',
    q(valuesFile),
    '--wait',
    '--timeout',
    '10m',
  ].join(' ');
}

/** The namespace, labelled for privileged pods, unless it already is. */
function privilegedNamespaceScript(ns: string): string {
  return `if [ "$(${KUBECTL} get ns ${q(ns)} -o jsonpath='{.metadata.labels.pod-security\\.kubernetes\\.io/enforce}' 2>/dev/null)" = privileged ]; then exit $UNCHANGED; fi
${KUBECTL} get ns ${q(ns)} >/dev/null 2>&1 || ${KUBECTL} create ns ${q(ns)}
${KUBECTL} label ns ${q(ns)} pod-security.kubernetes.io/enforce=privileged --overwrite`;
}

/** Tasks installing one helm release on the node, skipped when the same chart and values are deployed. */
export function helmTasks(inputs: StepInputs, host: string, r: HelmRelease): StepTask[] {
  const chart = inputs.artifact(r.chart, inputs.arch(host));
  const { chartFile, valuesFile, marker } = releaseFiles(r, chart.version);
  const values = YAML.stringify(r.values);
  const digest = createHash('sha256').update(chart.sha256).update(values).digest('hex');
  const tasks: StepTask[] = [
    { task: `fetch ${r.chart} chart`, spec: fetchFile(chart.sha256, chartFile), description: `${chart.id} → ${chartFile}` },
    { task: `write ${r.release} values`, spec: { writeFile: { path: valuesFile, text: values, mode: 0o600, makeParents: true } }, description: valuesFile },
  ];
  if (r.privilegedNamespace) {
    tasks.push({
      task: `namespace ${r.namespace}`,
      description: `namespace ${r.namespace}, Pod Security "privileged" (a network plugin's pods are)`,
      spec: script(privilegedNamespaceScript(r.namespace)),
    });
  }
  for (const p of r.prepare ?? []) tasks.push({ task: p.task, description: p.description, spec: script(p.script) });
  tasks.push({
    task: `helm ${r.release}`,
    waitMs: 15 * 60_000,
    description: `helm upgrade --install ${r.release} -n ${r.namespace} (skipped when this chart and these values are deployed)`,
    spec: script(
      `export KUBECONFIG=${ADMIN_CONF}
status=$(helm status ${q(r.release)} -n ${q(r.namespace)} -o json 2>/dev/null | grep -o '"status":"[a-z-]*"' | head -n1 || true)
if [ "$status" = '"status":"deployed"' ] && [ "$(cat ${q(marker)} 2>/dev/null)" = ${q(digest)} ]; then exit $UNCHANGED; fi
${helmUpgradeCommand(r, chartFile, valuesFile)}
printf '%s\\n' ${q(digest)} > ${q(marker)}`,
      { timeoutMs: 12 * 60_000 },
    ),
  });
  return tasks;
}
