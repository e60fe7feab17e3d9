// Figures on the three systemd test machines, each a whole operator command as a person runs it:
// a live precheck without fio (command to report), `run -- true` (median and p99 over many runs)
// and `create cluster --phases pre_hook` with a global hook script.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { COORDINATOR_BIN } from '../test/e2e/lib/coordinator';
import { testbedAvailable, testbedDown } from '../test/e2e/lib/testbed';
import { joinedCluster } from '../test/e2e/lib/cluster';
import { percentile, stats, type Figure } from './lib';

function timed(argv: string[], cwd?: string): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(argv[0] ?? '', argv.slice(1), { cwd, maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr.toString().slice(-2000)}`);
  return ms;
}

export async function benchMachines(): Promise<Figure[]> {
  if (!testbedAvailable().ok) return [];
  const c = await joinedCluster(3);
  try {
    const kk = (...args: string[]) => [COORDINATOR_BIN, ...args, '--data-dir', c.coord.dataDir];
    const pre = kk('precheck', '-i', c.inventory, '-c', c.config, '--skip', 'etcd.disk_io', '-o', 'json');
    timed(pre);
    const precheck = Array.from({ length: 9 }, () => timed(pre));

    const runArgv = [COORDINATOR_BIN, 'run', '-i', c.inventory, '--data-dir', c.coord.dataDir, '--', 'true'];
    timed(runArgv);
    const runs = Array.from({ length: 50 }, () => timed(runArgv));

    const scripts = path.join(c.dir, 'scripts');
    mkdirSync(scripts, { recursive: true });
    writeFileSync(path.join(scripts, 'pre_install.sh'), '#!/bin/bash\necho "pre_install on $KK_INVENTORY_HOSTNAME"\n');
    const hook = () => timed(kk('create', 'cluster', '-y', '-i', c.inventory, '-c', c.config, '--phases', 'pre_hook'), c.dir);
    hook();
    const hooks = Array.from({ length: 7 }, hook);

    const p = stats(precheck);
    const r = stats(runs);
    const h = stats(hooks);
    return [
      { key: 'precheck_live_3_ms', what: 'live precheck of the 3 test machines without fio, command to report (whole CLI process)', unit: 'ms', ...p, runs: precheck.length, goal: '< 3000', command: 'kk-coordinator precheck -i inventory.yaml -c config.yaml --skip etcd.disk_io -o json' },
      { key: 'run_true_3_p50_ms', what: '`run -- true` on the 3 test machines, whole CLI process, median', unit: 'ms', ...r, runs: runs.length, command: 'kk-coordinator run -i inventory.yaml -- true', note: `p99 over the same ${runs.length} runs: ${Math.round(percentile(runs, 99))} ms` },
      { key: 'run_true_3_p99_ms', what: '`run -- true` on the 3 test machines, whole CLI process, 99th percentile', unit: 'ms', median: percentile(runs, 99), min: r.min, max: r.max, runs: runs.length, command: 'kk-coordinator run -i inventory.yaml -- true' },
      { key: 'create_cluster_pre_hook_3_ms', what: '`create cluster --phases pre_hook` on the 3 test machines with a global hook script (whole CLI process)', unit: 'ms', ...h, runs: hooks.length, command: 'kk-coordinator create cluster -y -i inventory.yaml -c config.yaml --phases pre_hook' },
    ];
  } finally {
    await c.coord.stop();
    c.coord.cleanup();
    rmSync(c.dir, { recursive: true, force: true });
    await testbedDown();
  }
}
