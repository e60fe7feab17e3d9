// The network plugin through helm (KubeKey's cni role; docs/install.md), on the first control
// plane: the chart init verified, KubeKey's default values (images from the cluster registry when
// there is one) with the operator's `cni.<type>.values` laid over them, and `helm upgrade
// --install`. A release already deployed from the same chart and values is left alone.
import { createHash } from 'node:crypto';
import YAML from 'yaml';
import { UserError } from '../../../../shared/errors';
import { getString, getVar } from '../../../inventory/vars';
import type { ClusterModel, Value } from '../../../model/cluster';
import type { StepInputs } from '../inputs';
import { fetchFile, script, type InstallStep, type StepTask } from '../step';
import { hostsIn, q } from './common';
import { ADMIN_CONF } from './kubeadm';
import { IMAGE_CATALOGUE } from '../../../init/artifacts/image-catalogue';
import { catalogueOverrides } from '../../../init/artifacts/plan';

const KUBECTL = `kubectl --kubeconfig ${ADMIN_CONF}`;
export const CNI_DIR = '/etc/kubernetes/cni';

export interface HelmRelease {
  release: string;
  namespace: string;
  /** The chart artifact's name in init's plan. */
  chart: string;
  values: Record<string, unknown>;
  /** Namespaces that need the privileged Pod Security level (a CNI's pods are privileged). */
  privilegedNamespace?: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep merge, `over` wins; arrays are replaced, as helm merges values files. */
export function mergeValues(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObj(v) && isObj(out[k]) ? mergeValues(out[k], v) : v;
  return out;
}

function splitCidrs(m: ClusterModel): { v4: string; v6: string } {
  const cidr = getString(m.vars, 'cni.pod_cidr') ?? '10.233.64.0/18';
  const parts = cidr.split(/[,]/).map((s) => s.trim()).filter(Boolean);
  return { v4: parts.find((p) => !p.includes(':')) ?? '', v6: parts.find((p) => p.includes(':')) ?? '' };
}

/** `registry/path` of an upstream image, moved to the cluster registry when there is one (the `*_registry` vars). */
function repo(m: ClusterModel, upstream: string): string {
  const [host, ...rest] = upstream.split('/');
  const key = host === 'ghcr.io' ? 'ghcrio_registry' : host === 'quay.io' ? 'quayio_registry' : host === 'registry.k8s.io' ? 'k8sio_registry' : 'dockerio_registry';
  return `${getString(m.vars, `image_registry.${key}`) ?? host}/${rest.join('/')}`;
}

function flannelRelease(m: ClusterModel): HelmRelease {
  const version = getString(m.vars, 'cni.flannel_version') ?? 'v0.27.4';
  // The images init fetched for this version: the operator's download.images list, else the catalogue's.
  const images = catalogueOverrides(m.vars)['flannel/flannel']?.[version] ?? IMAGE_CATALOGUE['flannel/flannel']?.[version] ?? [];
  const tagOf = (name: string, fallback: string): string => images.find((r) => r.includes(`/${name}:`))?.split(':').pop() ?? fallback;
  const { v4, v6 } = splitCidrs(m);
  return {
    release: 'flannel', namespace: 'kube-flannel', chart: 'flannel', privilegedNamespace: true,
    values: {
      podCidr: v4,
      ...(v6 ? { podCidrv6: v6 } : {}),
      flannel: {
        image: { repository: repo(m, 'ghcr.io/flannel-io/flannel'), tag: tagOf('flannel', version) },
        image_cni: { repository: repo(m, 'ghcr.io/flannel-io/flannel-cni-plugin'), tag: tagOf('flannel-cni-plugin', 'v1.8.0-flannel1') },
      },
      netpol: { enabled: false },
    },
  };
}

/** The release for `cni.type`, or null when kk installs no network plugin (other/none). */
export function cniRelease(m: ClusterModel): HelmRelease | null {
  const type = getString(m.vars, 'cni.type') ?? 'calico';
  let r: HelmRelease;
  if (type === 'flannel') r = flannelRelease(m);
  else if (type === 'other' || type === 'none') return null;
  else throw new UserError(`cni.type: ${type} — kk installs flannel in this version; for ${type}, set cni.type: none and install it yourself after create cluster (helm), or use flannel`);
  const custom = getVar(m.vars, `cni.${type}.values`);
  if (typeof custom === 'string' && custom.trim() !== '') {
    const parsed = YAML.parse(custom) as Value;
    if (!isObj(parsed)) throw new UserError(`cni.${type}.values: expected YAML mapping text (helm values), got ${typeof parsed}`);
    r.values = mergeValues(r.values, parsed);
  } else if (isObj(custom)) r.values = mergeValues(r.values, custom);
  return r;
}

/** Tasks installing one helm release on the node, skipped when the same chart and values are deployed. */
export function helmTasks(inputs: StepInputs, host: string, r: HelmRelease): StepTask[] {
  const chart = inputs.artifact(r.chart, inputs.arch(host));
  const chartFile = `${CNI_DIR}/${r.chart}-${chart.version}.tgz`;
  const valuesFile = `${CNI_DIR}/${r.release}-values.yaml`;
  const values = YAML.stringify(r.values);
  const digest = createHash('sha256').update(chart.sha256).update(values).digest('hex');
  const marker = `${CNI_DIR}/.${r.release}.deployed`;
  const tasks: StepTask[] = [
    { task: `fetch ${r.chart} chart`, spec: fetchFile(chart.sha256, chartFile), description: `${chart.id} → ${chartFile}` },
    { task: `write ${r.release} values`, spec: { writeFile: { path: valuesFile, text: values, mode: 0o600, makeParents: true } }, description: valuesFile },
  ];
  if (r.privilegedNamespace) {
    tasks.push({
      task: `namespace ${r.namespace}`,
      description: `namespace ${r.namespace}, Pod Security "privileged" (a network plugin's pods are)`,
      spec: script(`if [ "$(${KUBECTL} get ns ${q(r.namespace)} -o jsonpath='{.metadata.labels.pod-security\\.kubernetes\\.io/enforce}' 2>/dev/null)" = privileged ]; then exit $UNCHANGED; fi
${KUBECTL} get ns ${q(r.namespace)} >/dev/null 2>&1 || ${KUBECTL} create ns ${q(r.namespace)}
${KUBECTL} label ns ${q(r.namespace)} pod-security.kubernetes.io/enforce=privileged --overwrite`),
    });
  }
  tasks.push({
    task: `helm ${r.release}`,
    waitMs: 15 * 60_000,
    description: `helm upgrade --install ${r.release} -n ${r.namespace} (skipped when this chart and these values are deployed)`,
    spec: script(`export KUBECONFIG=${ADMIN_CONF}
status=$(helm status ${q(r.release)} -n ${q(r.namespace)} -o json 2>/dev/null | grep -o '"status":"[a-z-]*"' | head -n1 || true)
if [ "$status" = '"status":"deployed"' ] && [ "$(cat ${q(marker)} 2>/dev/null)" = ${q(digest)} ]; then exit $UNCHANGED; fi
helm upgrade --install ${q(r.release)} ${q(chartFile)} -n ${q(r.namespace)} --create-namespace -f ${q(valuesFile)} --wait --timeout 10m
printf '%s\\n' ${q(digest)} > ${q(marker)}`, { timeoutMs: 12 * 60_000 }),
  });
  return tasks;
}

export const cniStep: InstallStep = {
  name: 'cni',
  title: 'the network plugin (helm)',
  hosts: (m) => (cniRelease(m) ? hostsIn(m, 'kube_control_plane').slice(0, 1) : []),
  stage: () => ({ mode: 'serial' }),
  plan(inputs, host) {
    const r = cniRelease(inputs.model);
    return r ? helmTasks(inputs, host, r) : [];
  },
};
