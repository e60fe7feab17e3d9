// kk against Ansible on the same three systemd test machines in the same run: gathering facts
// (`ansible all -m setup` vs `kk-coordinator nodes refresh`) and a trivial command
// (`ansible all -m command -a true` vs `kk-coordinator run -- true`). Both sides are timed as
// whole processes, as an operator would run them; Ansible uses its defaults (SSH ControlPersist on).
import { spawnSync, execFileSync } from 'node:child_process';
import { timedRun } from './lib';
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { COORDINATOR_BIN } from '../test/e2e/lib/coordinator';
import { testbedAvailable, testbedDown, execIn, copyIn } from '../test/e2e/lib/testbed';
import { joinedCluster } from '../test/e2e/lib/cluster';
import { stats, type Figure } from './lib';

async function timeRuns(argv: string[], runs: number, env: NodeJS.ProcessEnv = {}): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await timedRun(argv, { env });
    if (r.code !== 0) throw new Error(`${argv.join(' ')} failed (${r.code}): ${r.stderr.slice(-2000)}${r.stdout.slice(-2000)}`);
    times.push(r.ms);
  }
  return times;
}

export async function benchAnsible(runs = 7): Promise<Figure[]> {
  if (!testbedAvailable().ok) return [];
  if (spawnSync('ansible', ['--version']).status !== 0) throw new Error('ansible is not installed: apt-get install ansible-core');
  const c = await joinedCluster(3, '', { KK_LOG_LEVEL: 'info' });
  const dir = mkdtempSync(path.join(tmpdir(), 'kk-bench-ansible-'));
  try {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'id')]);
    writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(path.join(dir, 'id.pub')));
    for (const m of c.machines) {
      await execIn(m.name, ['bash', '-c', 'mkdir -p /root/.ssh && chmod 700 /root/.ssh']);
      await copyIn(m.name, path.join(dir, 'authorized_keys'), '/root/.ssh/authorized_keys');
      const r = await execIn(m.name, ['bash', '-c', 'chmod 600 /root/.ssh/authorized_keys && systemctl enable --now ssh && systemctl is-active ssh']);
      if (r.code !== 0) throw new Error(`sshd on ${m.name}: ${r.stderr}`);
    }
    const inv = path.join(dir, 'hosts.ini');
    writeFileSync(
      inv,
      `[all]\n${c.machines.map((m) => `${m.name} ansible_host=${m.ip}`).join('\n')}\n\n[all:vars]\nansible_user=root\nansible_ssh_private_key_file=${path.join(dir, 'id')}\nansible_python_interpreter=/usr/bin/python3\nansible_ssh_common_args=-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null\n`,
    );
    const env = { ANSIBLE_HOST_KEY_CHECKING: 'False', ANSIBLE_CONFIG: path.join(dir, 'none.cfg'), PATH: `/usr/bin:${process.env.PATH ?? ''}` };
    const kk = (args: string[]) => [COORDINATOR_BIN, ...args, '--data-dir', c.coord.dataDir];

    // Warm both sides once (Ansible opens its SSH control connections; kk its caches).
    await timeRuns(['ansible', 'all', '-i', inv, '-m', 'setup'], 1, env);
    await timeRuns(kk(['nodes', 'refresh']), 1);
    const ansibleFacts = await timeRuns(['ansible', 'all', '-i', inv, '-m', 'setup'], runs, env);
    const kkFacts = await timeRuns(kk(['nodes', 'refresh']), runs);
    const ansibleCmd = await timeRuns(['ansible', 'all', '-i', inv, '-m', 'command', '-a', 'true'], runs, env);
    const runArgs = ['run', '-i', c.inventory, '--data-dir', c.coord.dataDir, '--', 'true'];
    const kkCmd = await timeRuns([COORDINATOR_BIN, ...runArgs], runs);
    // The floor under any Node.js CLI on this machine, timed the same way in the same run.
    const nodeStart = stats(await timeRuns([process.execPath, '-e', '0'], runs)).median;

    const ratio = (a: number[], b: number[], key: string, what: string, cmd: string): Figure => {
      const ratios = a.map((x, i) => x / (b[i] ?? x));
      const s = stats(ratios);
      return {
        key,
        what,
        unit: '×',
        ...s,
        runs,
        goal: '≥ 10',
        command: cmd,
        note: `Ansible median ${Math.round(stats(a).median)} ms, kk median ${Math.round(stats(b).median)} ms (whole processes, 3 test machines; ratio taken run by run). 10× needs kk ≤ ${Math.round(stats(a).median / 10)} ms; Node.js itself starts and exits in ${Math.round(nodeStart)} ms here (\`node -e 0\`, median of ${runs}), so that much of every kk figure is the runtime's`,
      };
    };
    return [
      ratio(
        ansibleFacts,
        kkFacts,
        'ansible_facts_ratio',
        'facts from 3 machines: `ansible all -m setup` time ÷ `kk-coordinator nodes refresh` time',
        'ansible all -m setup vs kk-coordinator nodes refresh',
      ),
      ratio(
        ansibleCmd,
        kkCmd,
        'ansible_command_ratio',
        'a trivial command on 3 machines: `ansible all -m command -a true` ÷ `kk-coordinator run -- true`',
        'ansible all -m command -a true vs kk-coordinator run -i inventory.yaml -- true',
      ),
    ];
  } finally {
    await c.coord.stop();
    c.coord.cleanup();
    rmSync(dir, { recursive: true, force: true });
    rmSync(c.dir, { recursive: true, force: true });
    await testbedDown();
  }
}
