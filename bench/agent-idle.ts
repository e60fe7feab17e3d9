// One real agent, enrolled with a real coordinator on this host, left idle: its resident memory.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestCoordinator, REPO, eventually } from '../test/e2e/lib/coordinator';
import { rssMb, stats, type Figure } from './lib';
import type { NodeInfo__Output } from '../shared/proto/generated/kk/v1/NodeInfo';

export async function benchAgentIdle(idleSeconds = 40): Promise<Figure> {
  const coord = new TestCoordinator();
  await coord.start();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kk-bench-agent-'));
  const token = (await coord.token()).token;
  // Run exactly as kk-agent.service runs it: the Node flags come from the unit the one-liner writes.
  const unit = readFileSync(path.join(REPO, 'scripts/bootstrap.sh'), 'utf8');
  const flags = (/^ExecStart=\$PREFIX\/node (.*?) ?\$PREFIX\/kk-agent\.cjs/m.exec(unit)?.[1] ?? '').split(' ').filter(Boolean);
  const unitEnv = Object.fromEntries([...unit.matchAll(/^Environment=([A-Z_][A-Z0-9_]*)=(\S*)$/gm)].map((m) => [m[1], m[2]]));
  const agent = spawn(
    process.execPath,
    [...flags, path.join(REPO, 'dist/kk-agent.cjs'), 'run', '--server', coord.serverUrl, '--token', token, '--name', 'bench-agent', '--data-dir', dataDir],
    { stdio: 'ignore', env: { ...process.env, ...unitEnv, KK_LOG_FORMAT: 'json' } },
  );
  try {
    await eventually(async () => (await coord.json<NodeInfo__Output[]>(['nodes'])).find((n) => n.name === 'bench-agent' && n.connected), 'agent connected');
    const samples: number[] = [];
    for (let i = 0; i < idleSeconds; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      if (i >= idleSeconds / 2) samples.push(rssMb(agent.pid!));
    }
    const s = stats(samples);
    return {
      key: 'agent_idle_rss_mb',
      what: 'kk-agent RSS, idle after enrolment (connected: gRPC session + NATS)',
      unit: 'MB',
      ...s,
      runs: samples.length,
      goal: '≤ 60',
      command: `${Object.entries(unitEnv)
        .map(([k, v]) => `${k}=${v} `)
        .join(
          '',
        )}node ${flags.join(' ')} dist/kk-agent.cjs run … (as kk-agent.service runs it); VmRSS sampled each second over the last ${idleSeconds / 2} s of ${idleSeconds} s idle`,
    };
  } finally {
    agent.kill('SIGTERM');
    await coord.stop();
    coord.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
