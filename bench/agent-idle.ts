// One real agent, enrolled with a real coordinator on this host, left idle: its resident memory.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestCoordinator, AGENT_BIN, eventually } from '../test/e2e/lib/coordinator';
import { rssMb, stats, type Figure } from './lib';
import type { NodeInfo__Output } from '../shared/proto/generated/kk/v1/NodeInfo';

export async function benchAgentIdle(idleSeconds = 40): Promise<Figure> {
  const coord = new TestCoordinator();
  await coord.start();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kk-bench-agent-'));
  const token = (await coord.token()).token;
  // The agent binary is a sh wrapper that execs node: the pid is node's.
  const agent = spawn(AGENT_BIN, ['run', '--server', coord.serverUrl, '--token', token, '--name', 'bench-agent', '--data-dir', dataDir], { stdio: 'ignore', env: { ...process.env, KK_LOG_FORMAT: 'json' } });
  try {
    await eventually(async () => (await coord.json<NodeInfo__Output[]>(['nodes'])).find((n) => n.name === 'bench-agent' && n.connected), 'agent connected');
    const samples: number[] = [];
    for (let i = 0; i < idleSeconds; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      if (i >= idleSeconds / 2) samples.push(rssMb(agent.pid!));
    }
    const s = stats(samples);
    return {
      key: 'agent_idle_rss_mb', what: 'kk-agent RSS, idle after enrolment (connected: gRPC session + NATS)', unit: 'MB', ...s, runs: samples.length,
      goal: '≤ 60', command: `kk-agent run … ; VmRSS sampled each second over the last ${idleSeconds / 2} s of ${idleSeconds} s idle`,
    };
  } finally {
    agent.kill('SIGTERM');
    await coord.stop();
    coord.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
