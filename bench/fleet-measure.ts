// Measurements on a running FleetCluster (bench/fleet/cluster.ts): fan-out latency per host,
// live precheck, and the coordinator's resident memory with the fleet idle.
import { cpuSeconds, percentile, rssMb, stats } from './lib';
import type { FleetCluster } from './fleet/cluster';

export interface FanoutRound {
  hosts: number;
  p50: number;
  p99: number;
  max: number;
  wallMs: number;
  /** CPU seconds used during the round by the coordinator, its nats-server and the simulated nodes (with the commands they ran). */
  cpu: { coordinator: number; nats: number; simulator: number };
}

/** CPU seconds used so far by each party of a running fleet. */
export function cpuNow(c: FleetCluster): { coordinator: number; nats: number; simulator: number } {
  const natsPid = c.coord.natsPid();
  return {
    coordinator: c.coord.proc?.pid ? cpuSeconds(c.coord.proc.pid) : 0,
    nats: natsPid ? cpuSeconds(natsPid) : 0,
    simulator: c.fleet.workerPids().reduce((sum, pid) => sum + cpuSeconds(pid, true), 0),
  };
}

/**
 * `kk-coordinator run -i inventory -- true` to every host. The per-host latency is the
 * coordinator's own: the time from the start of the RunCommand call to that host's result, as
 * logged at debug level ("run: host done", coordinator/server/run-service.ts).
 */
export async function fanoutRound(c: FleetCluster): Promise<FanoutRound> {
  const from = c.coord.log.length;
  const cpu0 = cpuNow(c);
  const t = Date.now();
  const r = await c.run(['true']);
  const wallMs = Date.now() - t;
  const cpu1 = cpuNow(c);
  const cpu = { coordinator: cpu1.coordinator - cpu0.coordinator, nats: cpu1.nats - cpu0.nats, simulator: cpu1.simulator - cpu0.simulator };
  const n = c.fleet.hosts.length;
  if (r.code !== 0 || !r.stderr.includes(`${n}/${n} hosts exited 0`)) throw new Error(`run -- true failed (${r.code}): ${r.stderr.slice(-2000)}`);
  const ms: number[] = [];
  // The log is read after the CLI ended; its last lines may still be in the pipe.
  for (let i = 0; i < 40 && ms.length < n; i++) {
    ms.length = 0;
    for (const line of c.coord.log.slice(from).split('\n')) {
      if (!line.includes('"run: host done"')) continue;
      const v = JSON.parse(line) as { ms: number; status: string };
      if (v.status === 'ok') ms.push(v.ms);
    }
    if (ms.length < n) await new Promise((res) => setTimeout(res, 50));
  }
  if (ms.length !== n) throw new Error(`expected ${n} "run: host done" lines in the coordinator log, found ${ms.length}`);
  return { hosts: n, p50: percentile(ms, 50), p99: percentile(ms, 99), max: Math.max(...ms), wallMs, cpu };
}

/** Whole `kk-coordinator precheck` process against the live fleet, no fio, no reachability probes. */
export async function precheckLiveRound(c: FleetCluster): Promise<number> {
  const t = Date.now();
  const r = await c.precheck(['--skip', 'etcd.disk_io,cluster.reachability']);
  const ms = Date.now() - t;
  if (r.code !== 0 && r.code !== 1) throw new Error(`precheck failed (${r.code}): ${r.stderr.slice(-2000)}`);
  const report = JSON.parse(r.stdout) as { results: { id: string; status: string; host: string | null; message: string }[] };
  const agentFails = report.results.filter((x) => x.id === 'inventory.agent' && x.status !== 'pass');
  if (agentFails.length)
    throw new Error(`precheck did not get fresh facts from ${agentFails.length} host(s), e.g. ${agentFails[0]?.host}: ${agentFails[0]?.message}`);
  return ms;
}

/** Coordinator (and its nats-server) RSS, sampled each second once the fleet has been idle a while. */
export async function idleRss(c: FleetCluster, settleS: number, sampleS: number): Promise<{ coordinator: number[]; nats: number[] }> {
  await new Promise((r) => setTimeout(r, settleS * 1000));
  const coordinator: number[] = [];
  const nats: number[] = [];
  const natsPid = c.coord.natsPid();
  for (let i = 0; i < sampleS; i++) {
    coordinator.push(rssMb(c.coord.proc!.pid!));
    if (natsPid) nats.push(rssMb(natsPid));
    await new Promise((r) => setTimeout(r, 1000));
  }
  return { coordinator, nats };
}

export const median = (v: number[]) => stats(v).median;
