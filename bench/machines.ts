// Figures on the three systemd test machines, each a whole operator command as a person runs it:
// a live precheck without fio (command to report), `run -- true` (median and p99 over many runs)
// and `create cluster --phases pre_hook` with a global hook script.
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { COORDINATOR_BIN } from '../test/e2e/lib/coordinator';
import { testbedAvailable, testbedDown } from '../test/e2e/lib/testbed';
import { joinedCluster } from '../test/e2e/lib/cluster';
import { percentile, stats, timedRun, type Figure } from './lib';

async function timed(argv: string[], cwd?: string): Promise<number> {
  const r = await timedRun(argv, { cwd });
  if (r.code !== 0 && r.code !== 1) throw new Error(`${argv.join(' ')} failed (${r.code}): ${r.stderr.slice(-2000)}`);
  return r.ms;
}

async function repeat(n: number, fn: () => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await fn());
  return out;
}

export async function benchMachines(): Promise<Figure[]> {
  if (!testbedAvailable().ok) return [];
  const c = await joinedCluster(3, '', { KK_LOG_LEVEL: 'info' });
  try {
    const kk = (...args: string[]) => [COORDINATOR_BIN, ...args, '--data-dir', c.coord.dataDir];
    const pre = kk('precheck', '-i', c.inventory, '-c', c.config, '--skip', 'etcd.disk_io', '-o', 'json');
    await timed(pre);
    const precheck = await repeat(9, () => timed(pre));

    const runArgv = [COORDINATOR_BIN, 'run', '-i', c.inventory, '--data-dir', c.coord.dataDir, '--', 'true'];
    await timed(runArgv);
    const runs = await repeat(50, () => timed(runArgv));

    const scripts = path.join(c.dir, 'scripts');
    mkdirSync(scripts, { recursive: true });
    writeFileSync(path.join(scripts, 'pre_install.sh'), '#!/bin/bash\necho "pre_install on $KK_INVENTORY_HOSTNAME"\n');
    const hook = () => timed(kk('create', 'cluster', '-y', '-i', c.inventory, '-c', c.config, '--phases', 'pre_hook'), c.dir);
    await hook();
    const hooks = await repeat(7, hook);

    const p = stats(precheck);
    const r = stats(runs);
    const h = stats(hooks);
    return [
      {
        key: 'precheck_live_3_ms',
        what: 'live precheck of the 3 test machines without fio, command to report (whole CLI process)',
        unit: 'ms',
        ...p,
        runs: precheck.length,
        goal: '< 3000',
        command: 'kk-coordinator precheck -i inventory.yaml -c config.yaml --skip etcd.disk_io -o json',
      },
      {
        key: 'run_true_3_p50_ms',
        what: '`run -- true` on the 3 test machines, whole CLI process, median',
        unit: 'ms',
        ...r,
        runs: runs.length,
        command: 'kk-coordinator run -i inventory.yaml -- true',
        note: `p99 over the same ${runs.length} runs: ${Math.round(percentile(runs, 99))} ms`,
      },
      {
        key: 'run_true_3_p99_ms',
        what: '`run -- true` on the 3 test machines, whole CLI process, 99th percentile',
        unit: 'ms',
        median: percentile(runs, 99),
        min: r.min,
        max: r.max,
        runs: runs.length,
        command: 'kk-coordinator run -i inventory.yaml -- true',
      },
      {
        key: 'create_cluster_pre_hook_3_ms',
        what: '`create cluster --phases pre_hook` on the 3 test machines with a global hook script (whole CLI process)',
        unit: 'ms',
        ...h,
        runs: hooks.length,
        command: 'kk-coordinator create cluster -y -i inventory.yaml -c config.yaml --phases pre_hook',
      },
    ];
  } finally {
    await c.coord.stop();
    c.coord.cleanup();
    rmSync(c.dir, { recursive: true, force: true });
    await testbedDown();
  }
}
