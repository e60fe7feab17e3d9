// Commands, runs and hooks on three systemd machines joined with the one-liner: pre_hook and
// post_hook exactly as hooks.md says, a failing script that stops the run and --resume after the
// fix, `run -- CMD`, a forged command refused on a real node, and the faults: the agent killed
// mid-command, nats-server killed mid-command, the coordinator killed mid-run. Nothing may run twice.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { connect, credsAuthenticator } from 'nats';
import { COORDINATOR_BIN, eventually } from './lib/coordinator';
import { testbedAvailable, testbedDown, execIn } from './lib/testbed';
import { joinedCluster, type JoinedCluster } from './lib/cluster';
import { commandSubject } from '../../shared/subjects';
import { encodeCommand, encodeSignedCommand } from '../../shared/commands/codec';

const avail = testbedAvailable();
let c: JoinedCluster;
const sh = async (node: string, script: string) => execIn(node, ['bash', '-c', script]);
const out = async (node: string, script: string) => (await sh(node, script)).stdout.trim();
const script = (file: string, body: string) => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/bash\n${body}\n`);
};
const runIdOf = (text: string) => /run (\d{8}-\d{6}-[0-9a-f]+)/.exec(text)?.[1] ?? '';

describe('runs, hooks and faults on three systemd machines', { skip: avail.ok ? false : avail.reason }, () => {
  let scripts = '';

  before(async () => {
    c = await joinedCluster(3, `  pre_install_groups: [kube_worker, k8s_cluster]\n  post_install_groups: [kube_control_plane]\n`);
    scripts = path.join(c.dir, 'scripts');
    const log = 'echo "$(basename "$0") host=$KK_INVENTORY_HOSTNAME phase=$KK_PHASE groups=$KK_GROUPS cwd=$PWD" >> /tmp/kk-hooks.log';
    script(path.join(scripts, 'pre_install.sh'), log);
    script(path.join(scripts, 'kube_worker/pre_install.sh'), log);
    script(path.join(scripts, 'k8s_cluster/pre_install.sh'), log);
    script(path.join(scripts, 'pre_install_node3.sh'), `${log}\necho "node3 is not ready" >&2\nexit 3`);
    script(path.join(scripts, 'post_install.sh'), log);
    script(path.join(scripts, 'kube_control_plane/post_install.sh'), log);
    // A group script left by an earlier run with other groups: it must not run (KubeKey's loop would).
    await sh(
      'node2',
      'mkdir -p /etc/kubekey/scripts && printf "#!/bin/bash\\necho STALE >> /tmp/kk-hooks.log\\n" > /etc/kubekey/scripts/pre_install_group_old.sh && chmod 755 /etc/kubekey/scripts/pre_install_group_old.sh',
    );
    // The control plane has a kubeadm config for post_hook to back up.
    await sh('node1', 'mkdir -p /etc/kubernetes && echo "kind: ClusterConfiguration" > /etc/kubernetes/kubeadm-config.yaml');
  });

  after(async () => {
    await c?.coord.stop();
    c?.coord.cleanup();
    if (c) rmSync(c.dir, { recursive: true, force: true });
    await testbedDown();
  });

  let failedRun = '';

  test('pre_hook: a failing host script stops the run with its name, exit code and output', async () => {
    // work_dir defaults to the directory the command runs in: run it from the test's dir.
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const p = spawn(
        COORDINATOR_BIN,
        ['create', 'cluster', '-y', '--no-download', '--skip-phases', 'install', '-i', c.inventory, '-c', c.config, '--data-dir', c.coord.dataDir],
        { cwd: c.dir },
      );
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      p.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      p.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /pre_install_node3\.sh exited with code 3/);
    assert.match(run.stdout, /node3 is not ready/);
    assert.doesNotMatch(run.stdout, /== precheck/, 'the run stopped before the next phase');
    failedRun = runIdOf(run.stdout);
    assert.ok(failedRun, 'run id printed');
  });

  test('hook files, modes, order and environment on each node; stale scripts not run', async () => {
    for (const n of ['node1', 'node2', 'node3']) {
      const modes = await out(n, 'stat -c "%n %a %U" /etc/kubekey/scripts/*');
      assert.match(modes, /\/etc\/kubekey\/scripts\/pre_install\.sh 755 root/);
    }
    // node2 is in kube_worker and k8s_cluster: both group scripts, in pre_install_groups order.
    assert.match(
      await out('node2', 'stat -c "%a" /etc/kubekey/scripts/pre_install_group_kube_worker.sh /etc/kubekey/scripts/pre_install_group_k8s_cluster.sh'),
      /^755\n755$/,
    );
    const n2 = (await out('node2', 'cat /tmp/kk-hooks.log')).split('\n');
    assert.deepEqual(
      n2.map((l) => l.split(' ')[0]),
      ['pre_install.sh', 'pre_install_group_kube_worker.sh', 'pre_install_group_k8s_cluster.sh'],
    );
    assert.match(n2[0] ?? '', /host=node2 phase=pre_hook groups=all,kube_worker,k8s_cluster cwd=\/etc\/kubekey\/scripts/);
    assert.ok(!n2.includes('STALE'));
    // node1 is only in k8s_cluster of the listed groups.
    const n1 = (await out('node1', 'cat /tmp/kk-hooks.log')).split('\n').map((l) => l.split(' ')[0]);
    assert.deepEqual(n1, ['pre_install.sh', 'pre_install_group_k8s_cluster.sh']);
    // node3's host script ran last and failed.
    const n3 = (await out('node3', 'cat /tmp/kk-hooks.log')).split('\n').map((l) => l.split(' ')[0]);
    assert.deepEqual(n3, ['pre_install.sh', 'pre_install_group_kube_worker.sh', 'pre_install_group_k8s_cluster.sh', 'pre_install_node3.sh']);
  });

  test('after the fix, --resume completes the run without re-running what succeeded', async () => {
    script(path.join(scripts, 'pre_install_node3.sh'), 'echo "$(basename "$0") fixed" >> /tmp/kk-hooks.log');
    const r = await new Promise<{ code: number; stdout: string }>((resolve) => {
      const p = spawn(COORDINATOR_BIN, ['create', 'cluster', '-y', '--no-download', '--resume', failedRun, '--data-dir', c.coord.dataDir], { cwd: c.dir });
      let stdout = '';
      p.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      p.stderr.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      p.on('exit', (code) => resolve({ code: code ?? -1, stdout }));
    });
    assert.equal(r.code, 0, r.stdout);
    for (const n of ['node1', 'node2', 'node3']) {
      const lines = (await out(n, 'cat /tmp/kk-hooks.log')).split('\n');
      assert.equal(lines.filter((l) => l.startsWith('pre_install.sh ')).length, 1, `${n}: the global script ran once\n${lines.join('\n')}`);
    }
    assert.match(await out('node3', 'grep phase=pre_hook -A1 /tmp/kk-hooks.log | grep -v post_install | tail -n1'), /pre_install_node3\.sh fixed/);
    // post_hook: the backup on the control plane, then the post scripts (global, then group).
    assert.match(await out('node1', 'stat -c "%a" /etc/kubekey/backup/kubernetes'), /^700$/);
    assert.match(await out('node1', 'stat -c "%n %a" /etc/kubekey/backup/kubernetes/kubeadm-config-*.yaml'), /kubeadm-config-\d{8}-\d{6}\.yaml 600/);
    const post = (await out('node1', 'grep phase=post_hook /tmp/kk-hooks.log')).split('\n').map((l) => l.split(' ')[0]);
    assert.deepEqual(post, ['post_install.sh', 'post_install_group_kube_control_plane.sh']);
    const shown = await c.coord.cli(['runs', 'show', failedRun]);
    assert.equal(shown.code, 0);
    assert.match(shown.stdout, /ok/);
    const logs = await c.coord.cli(['runs', 'logs', failedRun, '--host', 'node3']);
    assert.match(logs.stdout, /node3 is not ready/);
  });

  test('run -- CMD: output prefixed by host, a summary of exit codes', async () => {
    const r = await c.coord.cli(['run', '-i', c.inventory, '--', 'bash', '-c', 'echo "i am $(hostname)"; [ "$(hostname)" != node2 ]']);
    assert.equal(r.code, 1);
    for (const n of ['node1', 'node2', 'node3']) assert.match(r.stdout, new RegExp(`^\\[${n}\\] i am ${n}$`, 'm'));
    assert.match(r.stderr, /2\/3 hosts exited 0/);
    assert.match(r.stderr, /node2: exit code 1/);
    const some = await c.coord.cli(['run', '-i', c.inventory, '--hosts', 'kube_worker', '--', 'true']);
    assert.equal(some.code, 0);
    assert.match(some.stderr, /2\/2 hosts exited 0/);
  });

  test('Ctrl-C on the CLI cancels the command on the node (its whole process group)', async () => {
    const p = spawn(COORDINATOR_BIN, ['run', '-i', c.inventory, '--hosts', 'node1', '--data-dir', c.coord.dataDir, '--', 'bash', '-c', 'sleep 300 & wait'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => p.once('exit', (code) => r(code)));
    await eventually(async () => (await sh('node1', 'pgrep -f "sleep 300"')).code === 0, 'sleep running on node1');
    p.kill('SIGINT');
    assert.equal(await exited, 130);
    await eventually(async () => (await sh('node1', 'pgrep -f "sleep 300"')).code === 1, 'the sleep on node1 was killed', 20_000);
  });

  test("a command published without a valid signature, even with the coordinator's own NATS credentials, never runs on the node", async () => {
    const creds = readFileSync(path.join(c.coord.dataDir, 'nats/coordinator.creds'));
    const nc = await connect({
      servers: `tls://10.213.0.1:${c.coord.natsPort}`,
      authenticator: credsAuthenticator(creds),
      tls: { caFile: path.join(c.coord.dataDir, 'pki/ca.crt') },
    });
    try {
      const cmd = {
        id: 'forged-1',
        node: 'node1',
        issuedAtMs: Date.now(),
        expiresAtMs: Date.now() + 60_000,
        exec: { argv: ['/usr/bin/touch', '/tmp/forged'] },
      };
      nc.publish(commandSubject('node1'), encodeSignedCommand(encodeCommand(cmd), new Uint8Array(64)));
      nc.publish(commandSubject('node1'), encodeSignedCommand(encodeCommand({ ...cmd, id: 'forged-2' }), new Uint8Array(0)));
      await nc.flush();
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      await nc.close();
    }
    assert.equal((await sh('node1', 'test -e /tmp/forged')).code, 1, 'a forged command ran');
    assert.match(await out('node1', 'journalctl -u kk-agent --no-pager -o cat | grep -c "refused" || true'), /^[1-9]/);
  });

  test('agent killed with -9 mid-command: a defined outcome, never run twice', async () => {
    const cli = c.coord.cli([
      'run',
      '-i',
      c.inventory,
      '--hosts',
      'node1',
      '--',
      'bash',
      '-c',
      'echo start >> /tmp/kk-count; sleep 12; echo end >> /tmp/kk-count',
    ]);
    await eventually(async () => (await out('node1', 'cat /tmp/kk-count 2>/dev/null')) === 'start', 'command started');
    await sh('node1', 'kill -9 $(systemctl show -p MainPID --value kk-agent)');
    const r = await cli;
    assert.equal(r.code, 1);
    assert.match(r.stderr, /node1: .*(restarted while this command was running|may have partly run)/);
    await new Promise((res) => setTimeout(res, 13_000));
    assert.equal(await out('node1', 'cat /tmp/kk-count'), 'start', 'the interrupted command was neither finished nor re-run');
  });

  test('nats-server killed mid-command: the command completes, once', async () => {
    const cli = c.coord.cli(['run', '-i', c.inventory, '--hosts', 'node2', '--', 'bash', '-c', 'echo run >> /tmp/kk-nats; sleep 6; echo done']);
    await eventually(async () => (await out('node2', 'cat /tmp/kk-nats 2>/dev/null')) === 'run', 'command started');
    const pid = c.coord.natsPid();
    assert.ok(pid);
    process.kill(pid, 'SIGKILL');
    const r = await cli;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\[node2\] done/);
    assert.equal(await out('node2', 'cat /tmp/kk-nats'), 'run');
  });

  test('coordinator killed mid-run: --resume completes it and nothing runs twice', async () => {
    script(path.join(scripts, 'pre_install.sh'), 'echo "slow $KK_INVENTORY_HOSTNAME" >> /tmp/kk-slow.log; sleep 6');
    rmSync(path.join(scripts, 'pre_install_node3.sh'));
    const p = spawn(COORDINATOR_BIN, ['create', 'cluster', '-y', '-i', c.inventory, '-c', c.config, '--phases', 'pre_hook', '--data-dir', c.coord.dataDir], {
      cwd: c.dir,
    });
    let stdout = '';
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    await eventually(async () => (await out('node1', 'cat /tmp/kk-slow.log 2>/dev/null')) !== '', 'slow script started');
    const runId = runIdOf(stdout);
    assert.ok(runId);
    c.coord.proc?.kill('SIGKILL');
    await new Promise((r) => c.coord.proc?.once('exit', r));
    await new Promise((r) => p.once('exit', r));
    await c.coord.start();
    const listed = await c.coord.cli(['runs']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${runId}\\s+interrupted`));
    await new Promise((r) => setTimeout(r, 6000)); // the node finishes the script meanwhile
    const resumed = await new Promise<{ code: number; stdout: string }>((resolve) => {
      const q = spawn(COORDINATOR_BIN, ['create', 'cluster', '-y', '--resume', runId, '--data-dir', c.coord.dataDir], { cwd: c.dir });
      let o = '';
      q.stdout.on('data', (d: Buffer) => {
        o += d.toString();
      });
      q.stderr.on('data', (d: Buffer) => {
        o += d.toString();
      });
      q.on('exit', (code) => resolve({ code: code ?? -1, stdout: o }));
    });
    assert.equal(resumed.code, 0, resumed.stdout);
    for (const n of ['node1', 'node2', 'node3']) {
      assert.equal(await out(n, 'grep -c slow /tmp/kk-slow.log'), '1', `${n} ran the slow script once`);
    }
  });
});
