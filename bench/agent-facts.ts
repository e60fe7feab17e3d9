// kk-agent facts without fio: a whole process, as an operator or a script runs it.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { stats, type Figure } from './lib';

export function benchAgentFacts(repo: string, runs = 21): Figure {
  const bundle = path.join(repo, 'dist/kk-agent.cjs');
  const times: number[] = [];
  spawnSync(process.execPath, [bundle, 'facts', '-o', 'json']); // warm the page cache
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [bundle, 'facts', '-o', 'json'], { maxBuffer: 16 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`kk-agent facts failed: ${r.stderr.toString()}`);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const s = stats(times);
  return {
    key: 'agent_facts_ms_median',
    what: '`kk-agent facts -o json` without fio, whole process',
    unit: 'ms',
    ...s,
    runs,
    goal: '≤ 300',
    command: 'node dist/kk-agent.cjs facts -o json',
  };
}
