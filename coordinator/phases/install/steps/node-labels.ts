// The operator's node metadata (KubeKey's post tasks and `annotations`; docs/install.md):
// `kubernetes.custom_labels` (a map), `kubernetes.custom_taints` (a list of `key=value:Effect`
// strings or {key, value, effect} maps) and `annotations` (a map), each read per host — set them
// in the config for every node or on a host in the inventory. Applied from the first control
// plane with kubectl; a node that already carries them is left alone. kk adds and overwrites, it
// never removes: a label taken out of the config stays on the node.
import { getMap, getVar } from '../../../inventory/vars';
import type { ClusterModel, Vars } from '../../../model/cluster';
import { UserError } from '../../../../shared/errors';
import { nodeName } from '../kubeadm/config';
import { script, type InstallStep, type StepTask } from '../step';
import { hostsIn, q } from './common';
import { ADMIN_CONF } from './kubeadm';

const KUBECTL = `kubectl --kubeconfig ${ADMIN_CONF}`;
const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
/** Label and annotation keys: an optional DNS prefix and a name (Kubernetes' rules, simplified to what kubectl accepts). */
const KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export interface Taint {
  key: string;
  value: string;
  effect: string;
}
export interface NodeMeta {
  labels: Record<string, string>;
  taints: Taint[];
  annotations: Record<string, string>;
}

const hostVars = (m: ClusterModel, host: string): Vars => m.hosts.find((h) => h.name === host)?.vars ?? m.vars;

function stringMap(vars: Vars, key: string, host: string): Record<string, string> {
  const map = getMap(vars, key) ?? {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map)) {
    if (!KEY.test(k)) throw new UserError(`${host}: ${key}: "${k}" is not a valid key (name or prefix/name)`);
    if (v === null || typeof v === 'object') throw new UserError(`${host}: ${key}.${k}: expected a string, number or boolean`);
    out[k] = String(v);
  }
  return out;
}

export function parseTaint(t: unknown, host: string): Taint {
  let taint: Taint;
  if (typeof t === 'string') {
    const m = /^([^=:]+)(?:=([^:]*))?:([A-Za-z]+)$/.exec(t.trim());
    if (!m) throw new UserError(`${host}: kubernetes.custom_taints: "${t}" — write key=value:Effect or key:Effect`);
    taint = { key: m[1]!, value: m[2] ?? '', effect: m[3]! };
  } else if (t && typeof t === 'object' && !Array.isArray(t)) {
    const o = t as Record<string, unknown>;
    taint = { key: String(o.key ?? ''), value: o.value === undefined || o.value === null ? '' : String(o.value), effect: String(o.effect ?? '') };
  } else {
    throw new UserError(`${host}: kubernetes.custom_taints: each item is key=value:Effect or {key, value, effect}`);
  }
  if (!KEY.test(taint.key)) throw new UserError(`${host}: kubernetes.custom_taints: "${taint.key}" is not a valid taint key`);
  if (!EFFECTS.includes(taint.effect))
    throw new UserError(`${host}: kubernetes.custom_taints: effect "${taint.effect}" of ${taint.key} — one of ${EFFECTS.join(', ')}`);
  return taint;
}

export function nodeMeta(m: ClusterModel, host: string): NodeMeta {
  const vars = hostVars(m, host);
  const taints = getVar(vars, 'kubernetes.custom_taints') ?? [];
  if (!Array.isArray(taints)) throw new UserError(`${host}: kubernetes.custom_taints: expected a list`);
  return {
    labels: stringMap(vars, 'kubernetes.custom_labels', host),
    taints: taints.map((t) => parseTaint(t, host)),
    annotations: stringMap(vars, 'annotations', host),
  };
}

const hasMeta = (n: NodeMeta): boolean => Object.keys(n.labels).length + n.taints.length + Object.keys(n.annotations).length > 0;

/**
 * One script per node: lists the node's labels, annotations and taints, and runs kubectl only
 * for what differs from the wanted ones.
 */
export function nodeMetaScript(node: string, meta: NodeMeta): string {
  const listing = (path: string): string => `${KUBECTL} get node "$node" -o go-template=${q(`{{range $k, $v := ${path}}}{{$k}}={{$v}}{{"\n"}}{{end}}`)}`;
  const lines: string[] = [
    `node=${q(node)}`,
    `labels=$(${listing('.metadata.labels')})`,
    `annotations=$(${listing('.metadata.annotations')})`,
    `taints=$(${KUBECTL} get node "$node" -o go-template=${q('{{range .spec.taints}}{{.key}}={{with .value}}{{.}}{{end}}:{{.effect}}{{"\n"}}{{end}}')})`,
    'changed=0',
  ];
  for (const [k, v] of Object.entries(meta.labels)) {
    lines.push(`if ! printf '%s\n' "$labels" | grep -qxF ${q(`${k}=${v}`)}; then ${KUBECTL} label node "$node" ${q(`${k}=${v}`)} --overwrite; changed=1; fi`);
  }
  for (const [k, v] of Object.entries(meta.annotations)) {
    lines.push(
      `if ! printf '%s\n' "$annotations" | grep -qxF ${q(`${k}=${v}`)}; then ${KUBECTL} annotate node "$node" ${q(`${k}=${v}`)} --overwrite; changed=1; fi`,
    );
  }
  for (const t of meta.taints) {
    const spec = `${t.key}=${t.value}:${t.effect}`;
    lines.push(
      `if ! printf '%s\n' "$taints" | grep -qxF ${q(spec)}; then ${KUBECTL} taint node "$node" ${q(t.value ? spec : `${t.key}:${t.effect}`)} --overwrite; changed=1; fi`,
    );
  }
  lines.push('if [ $changed = 0 ]; then exit $UNCHANGED; fi');
  return lines.join('\n');
}

export const nodeLabelsStep: InstallStep = {
  name: 'node-labels',
  title: 'custom labels, taints and annotations on the nodes',
  hosts: (m) => hostsIn(m, 'k8s_cluster').filter((h) => hasMeta(nodeMeta(m, h))),
  stage: () => ({ mode: 'parallel' }),
  plan(inputs, host): StepTask[] {
    const m = inputs.model;
    const meta = nodeMeta(m, host);
    const node = nodeName(m, host);
    const first = hostsIn(m, 'kube_control_plane')[0]!;
    const what = [
      ...Object.entries(meta.labels).map(([k, v]) => `label ${k}=${v}`),
      ...meta.taints.map((t) => `taint ${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`),
      ...Object.entries(meta.annotations).map(([k, v]) => `annotation ${k}=${v}`),
    ].join(', ');
    return [{ task: 'node metadata', delegateTo: first, spec: script(nodeMetaScript(node, meta)), description: `on ${first}: ${node} ${what}` }];
  },
};
