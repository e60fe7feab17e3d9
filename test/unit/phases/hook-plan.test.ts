import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { UserError } from '../../../shared/errors';
import type { CommandSpec, ExecCommand, WriteFileCommand } from '../../../coordinator/phases/executor';
import { hookGroups, planHooks, BACKUP_TASK, kubeadmBackupDir } from '../../../coordinator/phases/hook-plan';
import { readHookScripts, resolveScriptsDir } from '../../../coordinator/phases/hook-scripts';
import type { ClusterModel } from '../../../coordinator/model/cluster';
import { model, scriptsDir, tempDir } from './helpers';

function plan(m: ClusterModel, kind: 'pre' | 'post', dir: string, backup: { dir: string; stamp: string } | null = null) {
  const groups = hookGroups(m, kind);
  const scripts = readHookScripts(
    dir,
    kind,
    groups,
    m.hosts.map((h) => h.name),
  );
  return planHooks({ kind, model: m, groups, scripts, backup });
}

function exec(spec: CommandSpec | null): ExecCommand {
  assert.ok(spec && 'exec' in spec, 'expected an exec command');
  return spec.exec;
}
const writeFile = (spec: CommandSpec | null): WriteFileCommand | undefined => (spec && 'writeFile' in spec ? spec.writeFile : undefined);

const tasksOf = (tasks: ReturnType<typeof plan>, host: string): string[] => tasks.filter((t) => t.host === host).map((t) => t.task);

test('per host: copies first, then global, group scripts in pre_install_groups order, host script', () => {
  // etcd is listed before kube_worker in the config but after it in the inventory: the list wins.
  const m = model('  pre_install_groups: [etcd, kube_worker, k8s_cluster]\n');
  const dir = scriptsDir({
    'pre_install.sh': 'g',
    'etcd/pre_install.sh': 'e',
    'kube_worker/pre_install.sh': 'w',
    'k8s_cluster/pre_install.sh': 'k',
    'pre_install_node2.sh': 'h2',
    'post_install.sh': 'not for pre',
  });
  const tasks = plan(m, 'pre', dir);
  // node2 is in etcd and kube_worker (and k8s_cluster through nesting): all three, in list order.
  assert.deepEqual(tasksOf(tasks, 'node2'), [
    'copy pre_install.sh',
    'copy pre_install_group_etcd.sh',
    'copy pre_install_group_kube_worker.sh',
    'copy pre_install_group_k8s_cluster.sh',
    'copy pre_install_node2.sh',
    'pre_install.sh',
    'pre_install_group_etcd.sh',
    'pre_install_group_kube_worker.sh',
    'pre_install_group_k8s_cluster.sh',
    'pre_install_node2.sh',
  ]);
  // node1: control plane + etcd, no own script; not a worker.
  assert.deepEqual(tasksOf(tasks, 'node1'), [
    'copy pre_install.sh',
    'copy pre_install_group_etcd.sh',
    'copy pre_install_group_k8s_cluster.sh',
    'pre_install.sh',
    'pre_install_group_etcd.sh',
    'pre_install_group_k8s_cluster.sh',
  ]);
  // node3: worker only.
  assert.deepEqual(tasksOf(tasks, 'node3'), [
    'copy pre_install.sh',
    'copy pre_install_group_kube_worker.sh',
    'copy pre_install_group_k8s_cluster.sh',
    'pre_install.sh',
    'pre_install_group_kube_worker.sh',
    'pre_install_group_k8s_cluster.sh',
  ]);
});

test('copies are 0755 root:root under /etc/kubekey/scripts with the file content; execs use /bin/bash, cwd and env', () => {
  const m = model('  pre_install_groups: [etcd]\n');
  const dir = scriptsDir({ 'pre_install.sh': 'echo global\n', 'etcd/pre_install.sh': 'echo etcd\n' });
  const tasks = plan(m, 'pre', dir);
  const copy = tasks.find((t) => t.host === 'node2' && t.task === 'copy pre_install_group_etcd.sh')!;
  assert.deepEqual(copy.spec, {
    writeFile: { path: '/etc/kubekey/scripts/pre_install_group_etcd.sh', text: 'echo etcd\n', mode: 0o755, owner: 'root', group: 'root', makeParents: true },
  });
  assert.equal(copy.redoIfChanged, true);
  const run = tasks.find((t) => t.host === 'node2' && t.task === 'pre_install_group_etcd.sh')!;
  const e = exec(run.spec);
  assert.deepEqual(e.argv, ['/bin/bash', '/etc/kubekey/scripts/pre_install_group_etcd.sh']);
  assert.equal(e.cwd, '/etc/kubekey/scripts');
  assert.deepEqual(e.env, { KK_INVENTORY_HOSTNAME: 'node2', KK_GROUPS: m.hosts[1]!.groups.join(','), KK_PHASE: 'pre_hook' });
  assert.ok(e.env!.KK_GROUPS!.split(',').includes('etcd') && e.env!.KK_GROUPS!.split(',').includes('kube_worker'));
});

test('only scripts that exist and apply are planned; each exec has a copy in the same plan', () => {
  const m = model('  post_install_groups: [etcd, image_registry]\n');
  const dir = scriptsDir({ 'image_registry/post_install.sh': 'x', 'post_install_node3.sh': 'y' });
  const tasks = plan(m, 'post', dir);
  assert.deepEqual(
    tasks.map((t) => `${t.host} ${t.task}`),
    ['node3 copy post_install_node3.sh', 'node3 post_install_node3.sh'],
  );
  for (const t of tasks.filter((x) => x.spec && 'exec' in x.spec)) {
    const file = exec(t.spec).argv![1]!;
    assert.ok(
      tasks.some((c) => c.host === t.host && writeFile(c.spec)?.path === file),
      `${file} runs without being copied`,
    );
  }
  assert.deepEqual(plan(m, 'pre', scriptsDir({})), []);
});

test('post_hook backs up kubeadm-config first, on control-plane hosts only; not when the dir is empty', () => {
  const m = model('  post_install_groups: []\n');
  const dir = scriptsDir({ 'post_install.sh': 'p' });
  assert.equal(kubeadmBackupDir(m), '/etc/kubekey/backup/kubernetes');
  const tasks = plan(m, 'post', dir, { dir: '/etc/kubekey/backup/kubernetes', stamp: '20250131-142233' });
  assert.deepEqual(tasksOf(tasks, 'node1'), [BACKUP_TASK, 'copy post_install.sh', 'post_install.sh']);
  assert.deepEqual(tasksOf(tasks, 'node2'), ['copy post_install.sh', 'post_install.sh']);
  const script = exec(tasks[0]!.spec).script!;
  assert.match(script, /kubeadm-config-20250131-142233\.yaml/);
  assert.match(script, /install -d -m 0700/);
  assert.match(script, /install -m 0600/);
  const none = model('  kubernetes:\n    backup:\n      kubeadm_config_dir: ""\n');
  assert.equal(kubeadmBackupDir(none), null);
});

test('unsafe group names in *_install_groups are refused with a clear error', () => {
  const m = model('  pre_install_groups: ["../etc"]\n');
  assert.throws(
    () => hookGroups(m, 'pre'),
    (e: unknown) => e instanceof UserError && /pre_install_groups/.test(e.message),
  );
});

test('a directory where a script should be is a UserError naming the path', () => {
  const dir = scriptsDir({});
  mkdirSync(path.join(dir, 'pre_install.sh'));
  assert.throws(
    () => readHookScripts(dir, 'pre', [], []),
    (e: unknown) => e instanceof UserError && e.message.includes(path.join(dir, 'pre_install.sh')),
  );
});

test('scripts_dir: config key, else <work_dir>/scripts, else <cwd>/scripts', () => {
  const cwd = tempDir();
  assert.equal(resolveScriptsDir(model().vars, cwd), path.join(cwd, 'scripts'));
  assert.equal(resolveScriptsDir(model('  work_dir: /srv/kk\n').vars, cwd), '/srv/kk/scripts');
  assert.equal(resolveScriptsDir(model('  scripts_dir: /opt/hooks\n').vars, cwd), '/opt/hooks');
  assert.equal(resolveScriptsDir(model('  scripts_dir: hooks\n').vars, cwd), path.join(cwd, 'hooks'));
});
