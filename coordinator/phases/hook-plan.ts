// Pure planning of the pre_hook and post_hook phases (hooks.md): for each host, which scripts are
// copied where, in which order they run, and with which environment. Only the scripts copied by
// this plan are executed — never whatever else lies in /etc/kubekey/scripts on the node.
import { UserError } from '../../shared/errors';
import { getNonEmptyString, getStringList } from '../inventory/index';
import type { ClusterModel, InventoryHost } from '../model/cluster';
import type { PhaseName } from '../runs/types';
import type { CommandSpec } from './executor';
import type { HookKind, HookScript, HookScripts } from './hook-scripts';
import type { PlannedTask } from './types';

export const REMOTE_SCRIPTS_DIR = '/etc/kubekey/scripts';
export const KUBEADM_CONFIG = '/etc/kubernetes/kubeadm-config.yaml';
export const BACKUP_TASK = 'backup kubeadm-config';
/**
 * How long the coordinator waits for one hook script. Scripts have no timeout of their own (as in
 * KubeKey), but a result has to arrive some time; two hours covers any sane preparation step.
 */
export const HOOK_WAIT_MS = 2 * 3600_000;

export const hookPhase = (kind: HookKind): PhaseName => (kind === 'pre' ? 'pre_hook' : 'post_hook');

// Names become parts of file paths on the coordinator and on nodes.
const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

function assertSafe(name: string, what: string): void {
  if (!SAFE_NAME.test(name)) {
    throw new UserError(`${what} ${JSON.stringify(name)} cannot name a hook script: use letters, digits, '_', '-' and '.', not starting with '.' or '-'`);
  }
}

/** `pre_install_groups` / `post_install_groups`: ordered, duplicates dropped, names checked. */
export function hookGroups(model: ClusterModel, kind: HookKind): string[] {
  const key = `${kind}_install_groups`;
  const list = [...new Set(getStringList(model.vars, key) ?? [])];
  list.forEach((g) => assertSafe(g, `group in ${key}`));
  return list;
}

export function hookHosts(model: ClusterModel): string[] {
  const names = model.hosts.map((h) => h.name);
  names.forEach((h) => assertSafe(h, 'inventory host'));
  return names;
}

interface ScriptUse {
  /** File name under /etc/kubekey/scripts; also the task name. */
  name: string;
  script: HookScript;
}

/** The scripts one host runs, in order: global, its groups in list order, its own. */
export function scriptsForHost(host: InventoryHost, kind: HookKind, groups: readonly string[], scripts: HookScripts): ScriptUse[] {
  const base = `${kind}_install`;
  const out: ScriptUse[] = [];
  if (scripts.global) out.push({ name: `${base}.sh`, script: scripts.global });
  for (const g of groups) {
    const s = scripts.groups.get(g);
    if (s && host.groups.includes(g)) out.push({ name: `${base}_group_${g}.sh`, script: s });
  }
  const own = scripts.hosts.get(host.name);
  if (own) out.push({ name: `${base}_${host.name}.sh`, script: own });
  return out;
}

export function hookEnv(host: InventoryHost, kind: HookKind): Record<string, string> {
  return { KK_INVENTORY_HOSTNAME: host.name, KK_GROUPS: host.groups.join(','), KK_PHASE: hookPhase(kind) };
}

const shq = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;

/** A bash script: back up kubeadm-config.yaml if present (dir 0700, file 0600), else say so. */
export function kubeadmBackupScript(dir: string, stamp: string): string {
  const target = `${dir.replace(/\/+$/, '')}/kubeadm-config-${stamp}.yaml`;
  return [
    'set -eu',
    `src=${shq(KUBEADM_CONFIG)}`,
    `dir=${shq(dir)}`,
    `dst=${shq(target)}`,
    'if [ ! -f "$src" ]; then echo "$src does not exist: nothing to back up"; exit 0; fi',
    'install -d -m 0700 -o root -g root "$dir"',
    'chmod 0700 "$dir"',
    'install -m 0600 -o root -g root "$src" "$dst"',
    'echo "backed up $src to $dst"',
    '',
  ].join('\n');
}

export interface HookPlanInput {
  kind: HookKind;
  model: ClusterModel;
  groups: readonly string[];
  scripts: HookScripts;
  /** post_hook only: where and under which timestamp to back up kubeadm-config.yaml; null to skip. */
  backup: { dir: string; stamp: string } | null;
}

export function planHooks(input: HookPlanInput): PlannedTask[] {
  const { kind, model, groups, scripts } = input;
  const controlPlane = new Set(model.groups.kube_control_plane ?? []);
  const tasks: PlannedTask[] = [];
  for (const host of model.hosts) {
    if (input.backup && controlPlane.has(host.name)) {
      const spec: CommandSpec = { exec: { script: kubeadmBackupScript(input.backup.dir, input.backup.stamp) } };
      tasks.push({
        task: BACKUP_TASK,
        host: host.name,
        spec,
        description: `back up ${KUBEADM_CONFIG} (if present) to ${input.backup.dir}/kubeadm-config-${input.backup.stamp}.yaml (dir 0700, file 0600)`,
      });
    }
    const uses = scriptsForHost(host, kind, groups, scripts);
    for (const u of uses) {
      const path = `${REMOTE_SCRIPTS_DIR}/${u.name}`;
      const spec: CommandSpec = { writeFile: { path, text: u.script.content, mode: 0o755, owner: 'root', group: 'root', makeParents: true } };
      tasks.push({ task: `copy ${u.name}`, host: host.name, spec, redoIfChanged: true, description: `write ${path} (0755 root:root) from ${u.script.source}` });
    }
    const env = hookEnv(host, kind);
    for (const u of uses) {
      const path = `${REMOTE_SCRIPTS_DIR}/${u.name}`;
      const spec: CommandSpec = { exec: { argv: ['/bin/bash', path], cwd: REMOTE_SCRIPTS_DIR, env } };
      const envText = Object.entries(env)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      tasks.push({ task: u.name, host: host.name, spec, waitMs: HOOK_WAIT_MS, description: `run /bin/bash ${path} in ${REMOTE_SCRIPTS_DIR} with ${envText}` });
    }
  }
  return tasks;
}

/** `kubernetes.backup.kubeadm_config_dir`; empty means "no backup" (as in KubeKey). */
export function kubeadmBackupDir(model: ClusterModel): string | null {
  return getNonEmptyString(model.vars, 'kubernetes.backup.kubeadm_config_dir') ?? null;
}
