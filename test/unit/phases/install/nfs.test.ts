import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { nfsStep, exportsText, EXPORTS } from '../../../../coordinator/phases/install/steps/nfs';
import { stepInputs, type StepInputs } from '../../../../coordinator/phases/install/inputs';
import { UNCHANGED, type StepTask } from '../../../../coordinator/phases/install/step';
import type { CommandSpec } from '../../../../coordinator/phases/executor';
import { UserError } from '../../../../shared/errors';
import { model, tempDir } from '../helpers';

const INV = `apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
metadata: {name: t}
spec:
  hosts:
    node1: {internal_ipv4: 10.0.0.1}
    nfs1: {internal_ipv4: 10.0.0.7}
  groups:
    kube_control_plane: {hosts: [node1]}
    kube_worker: {hosts: [node1]}
    k8s_cluster: {groups: [kube_control_plane, kube_worker]}
    etcd: {hosts: [node1]}
    nfs: {hosts: [nfs1]}
`;

const inputs = (spec = '', inv = INV): StepInputs =>
  stepInputs({ model: model(spec, inv), resolved: [], pkiDir: tempDir('kk-pki-'), arches: ['amd64'], param: (_k, make) => make() });

const task = (tasks: StepTask[], name: string): StepTask => {
  const t = tasks.find((x) => x.task === name);
  assert.ok(t, `task ${name}`);
  return t;
};

test('hosts are the nfs group; exports, share dirs, restart only when they changed, then the server must run', () => {
  const inp = inputs();
  assert.equal(nfsStep.name, 'nfs');
  assert.deepEqual(nfsStep.hosts(inp.model), ['nfs1']);
  assert.deepEqual(nfsStep.hosts(inputs('', INV.replace('    nfs: {hosts: [nfs1]}\n', '')).model), [], 'no nfs group: step skipped');
  const tasks = nfsStep.plan(inp, 'nfs1');
  assert.deepEqual(
    tasks.map((t) => t.task),
    ['write exports', 'share dirs', 'export and restart', 'server running'],
  );
  const w = task(tasks, 'write exports').spec;
  assert.ok('writeFile' in w);
  assert.deepEqual([w.writeFile.path, w.writeFile.mode], [EXPORTS, 0o644]);
  assert.equal(
    w.writeFile.text,
    '# Written by kk (docs/install.md) from nfs.share_dir; changing it here is undone by the next create cluster.\n/share/ *(rw,sync,no_subtree_check)\n',
  );
  assert.deepEqual(task(tasks, 'export and restart').onlyIfChanged, ['write exports', 'share dirs']);
  assert.equal(task(tasks, 'server running').onlyIfChanged, undefined);
});

test('nfs.share_dir: each directory exported; blanks quoted; relative paths refused', () => {
  const tasks = nfsStep.plan(inputs('  nfs: {share_dir: [/share/, /data/nfs, "/data/my share"]}\n'), 'nfs1');
  const w = task(tasks, 'write exports').spec;
  assert.ok('writeFile' in w);
  assert.equal(
    w.writeFile.text?.split('\n').slice(1).join('\n'),
    '/share/ *(rw,sync,no_subtree_check)\n/data/nfs *(rw,sync,no_subtree_check)\n"/data/my share" *(rw,sync,no_subtree_check)\n',
  );
  assert.equal(exportsText(['/a']).split('\n')[1], '/a *(rw,sync,no_subtree_check)');
  assert.throws(
    () => nfsStep.plan(inputs('  nfs: {share_dir: [share]}\n'), 'nfs1'),
    (e: unknown) => e instanceof UserError && /nfs1: nfs\.share_dir must be absolute paths, not "share"/.test(e.message),
  );
});

// ---------------------------------------------------------------------------------------------
// The scripts, run for real against a directory tree (KK_ROOT) with stub commands

const GUARDED = ['systemctl', 'journalctl', 'exportfs', 'modprobe'];
interface Sandbox {
  root: string;
  bin: string;
  log: string;
}

function sandbox(): Sandbox {
  const dir = tempDir('kk-nfs-');
  const sb = { root: path.join(dir, 'root'), bin: path.join(dir, 'bin'), log: path.join(dir, 'calls.log') };
  for (const d of [sb.root, sb.bin, path.join(sb.root, 'etc'), path.join(sb.root, 'proc')]) mkdirSync(d, { recursive: true });
  writeFileSync(sb.log, '');
  for (const c of GUARDED) stub(sb, c, `echo "unexpected call: ${c} $*" >&2; exit 99`);
  return sb;
}
function stub(sb: Sandbox, name: string, body: string): void {
  const f = path.join(sb.bin, name);
  writeFileSync(f, `#!/bin/bash\nR=$KK_ROOT\necho "${name} $*" >> "$KK_LOG"\n${body}\n`);
  chmodSync(f, 0o755);
}
function put(sb: Sandbox, rel: string, text: string): void {
  const f = path.join(sb.root, rel);
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, text);
}
const calls = (sb: Sandbox): string[] => readFileSync(sb.log, 'utf8').split('\n').filter(Boolean);
const clearCalls = (sb: Sandbox): void => writeFileSync(sb.log, '');

function run(sb: Sandbox, spec: CommandSpec): { code: number | null; out: string; err: string } {
  assert.ok('exec' in spec);
  const r = spawnSync('/bin/bash', ['--noprofile', '--norc', '-c', spec.exec.script ?? ''], {
    env: { PATH: `${sb.bin}:/usr/bin:/bin`, HOME: sb.root, LANG: 'C.UTF-8', KK_ROOT: sb.root, KK_LOG: sb.log },
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** systemctl over state files $R/units/<unit>/{load,id,active,enabled}; start fails when $R/units/<unit>/fails exists. */
const SYSTEMCTL = `u=\${@: -1}; d="$R/units/$u"
case "$1" in
  show) case "$3" in LoadState) cat "$d/load" 2>/dev/null || echo not-found ;; Id) cat "$d/id" 2>/dev/null || echo "$u" ;; esac ;;
  is-active) [ "$(cat "$d/active" 2>/dev/null)" = active ] ;;
  is-enabled) cat "$d/enabled" 2>/dev/null || echo disabled ;;
  enable) echo enabled > "$d/enabled" ;;
  start|restart) if [ -e "$d/fails" ]; then echo failed > "$d/active"; exit 1; else echo active > "$d/active"; fi ;;
esac`;

/** A Debian node: nfs-kernel-server.service is an alias of nfs-server.service. */
function debianNode(nfsd: boolean): Sandbox {
  const sb = sandbox();
  put(sb, 'proc/filesystems', `nodev\tproc\n${nfsd ? 'nodev\tnfsd\n' : ''}`);
  for (const u of ['nfs-server.service', 'nfs-kernel-server.service']) {
    put(sb, `units/${u}/load`, 'loaded\n');
    put(sb, `units/${u}/id`, 'nfs-server.service\n');
  }
  stub(sb, 'systemctl', SYSTEMCTL);
  stub(sb, 'exportfs', 'exit 0');
  stub(sb, 'journalctl', 'echo "rpc.nfsd: unable to set any sockets for nfsd"');
  return sb;
}

const planned = (name: string): CommandSpec => task(nfsStep.plan(inputs('  nfs: {share_dir: [/share/, /data/nfs]}\n'), 'nfs1'), name).spec;

test('share dirs: created 0755 nobody:nogroup (Debian) or nobody:nobody; existing ones left alone; then unchanged', () => {
  const sb = sandbox();
  put(sb, 'etc/group', 'root:x:0:\nnogroup:x:65534:\n');
  mkdirSync(path.join(sb.root, 'data/nfs'), { recursive: true });
  chmodSync(path.join(sb.root, 'data/nfs'), 0o700);
  const spec = planned('share dirs');
  const r = run(sb, spec);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, 'created /share/ (0755 nobody:nogroup)\n');
  const st = statSync(path.join(sb.root, 'share'));
  assert.equal(st.mode & 0o7777, 0o755);
  assert.equal(st.uid, 65534);
  assert.equal(statSync(path.join(sb.root, 'data/nfs')).mode & 0o7777, 0o700, 'an existing directory keeps its mode');
  assert.equal(run(sb, spec).code, UNCHANGED);
  const rhel = sandbox();
  put(rhel, 'etc/group', 'root:x:0:\nnobody:x:65534:\n');
  stub(rhel, 'chown', 'exit 0'); // this machine has no group named nobody
  assert.match(run(rhel, spec).out, /created \/share\/ \(0755 nobody:nobody\)/);
  assert.ok(calls(rhel).includes(`chown nobody:nobody ${rhel.root}/share/`));
});

test('a kernel without nfsd: the unit is enabled, then both server tasks fail saying so (after trying modprobe); nothing is started', () => {
  const sb = debianNode(false);
  // A kernel with nfsd as a module it cannot load still has this directory: no sign of nfsd.
  mkdirSync(path.join(sb.root, 'proc/fs/nfsd'), { recursive: true });
  stub(sb, 'modprobe', 'echo "modprobe: FATAL: Module nfsd not found" >&2; exit 1');
  for (const name of ['export and restart', 'server running']) {
    clearCalls(sb);
    const r = run(sb, planned(name));
    assert.equal(r.code, 1, name);
    assert.match(
      r.err,
      /this kernel has no NFS server support \(nfsd is neither a loadable module nor built in\), so the NFS server cannot run on this node: .*nfs-server\.service \(enabled\) are in place/,
    );
    const acting = calls(sb).filter((c) => !c.startsWith('systemctl show') && !c.startsWith('systemctl is-'));
    assert.deepEqual(acting, name === 'export and restart' ? ['systemctl enable nfs-server.service', 'modprobe nfsd'] : ['modprobe nfsd'], name);
    assert.equal(readFileSync(path.join(sb.root, 'units/nfs-server.service/enabled'), 'utf8').trim(), 'enabled');
    assert.ok(!calls(sb).some((c) => /^(systemctl (start|restart) |exportfs)/.test(c)), name);
  }
});

test('exports changed: exportfs -a, enable and restart the real unit; running server then unchanged; a server that stopped is started', () => {
  const sb = debianNode(true);
  const apply = run(sb, planned('export and restart'));
  assert.equal(apply.code, 0, apply.err);
  assert.deepEqual(
    calls(sb).filter((c) => !c.startsWith('systemctl show') && !c.startsWith('systemctl is-')),
    ['systemctl enable nfs-server.service', 'exportfs -a', 'systemctl restart nfs-server.service'],
  );
  const running = planned('server running');
  clearCalls(sb);
  assert.equal(run(sb, running).code, UNCHANGED);
  assert.ok(!calls(sb).some((c) => /^(systemctl (start|restart|enable) |exportfs)/.test(c)));
  put(sb, 'units/nfs-server.service/active', 'inactive\n');
  const again = run(sb, running);
  assert.equal(again.code, 0, again.err);
  assert.equal(again.out, 'started nfs-server.service\n');
});

test('a server that will not start: the journal and the unit name', () => {
  const sb = debianNode(true);
  put(sb, 'units/nfs-server.service/fails', '');
  const r = run(sb, planned('export and restart'));
  assert.equal(r.code, 1);
  assert.match(r.err, /rpc\.nfsd: unable to set any sockets for nfsd\nnfs-server\.service did not start \(journal above\)\n/);
  const none = sandbox();
  put(none, 'proc/filesystems', 'nodev\tnfsd\n');
  stub(none, 'systemctl', SYSTEMCTL);
  const missing = run(none, planned('server running'));
  assert.equal(missing.code, 1);
  assert.match(missing.err, /no NFS server unit .*: the os step installs nfs-kernel-server \(Debian\) or nfs-utils \(RHEL\)/);
});
