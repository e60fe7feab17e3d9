// The fleet benchmarks: simulated nodes (bench/fleet/) against the real, built coordinator.
// One enrolled fleet serves several keys, so the suite runs once and hands out its figures:
//   enroll_1000_s, fanout_1000_p50_ms, fanout_1000_p99_ms, precheck_live_1000_ms, coordinator_rss_1000_mb
// plus the curve at 100 and 300 nodes for enrolment and fan-out (in the notes and details.json).
import { FleetCluster } from './fleet/cluster';
import { cpuNow, fanoutRound, idleRss, precheckLiveRound, median, type FanoutRound } from './fleet-measure';
import { round, stats, type Figure } from './lib';

export const FLEET_KEYS = ['enroll_1000_s', 'precheck_live_1000_ms', 'fanout_1000_p50_ms', 'fanout_1000_p99_ms', 'coordinator_rss_1000_mb'] as const;

export interface FleetSuiteOptions {
  /** Curve points below the full size; default 100 and 300. */
  curve?: number[];
  size?: number;
  /** Fresh coordinators enrolling the full fleet; default 2. */
  enrolRuns?: number;
  fanoutRounds?: number;
  precheckRounds?: number;
  workers?: number;
}

interface CurvePoint {
  nodes: number;
  enrolS: number[];
  fanoutP50: number[];
  fanoutP99: number[];
  cpu: FanoutRound['cpu'][];
  enrolCpu: FanoutRound['cpu'][];
}

const log = (s: string) => process.stderr.write(`bench: fleet: ${s}\n`);

async function fleetRun(nodes: number, o: { workers: number; fanoutRounds: number; precheckRounds: number; rss: boolean }) {
  const c = await FleetCluster.start({ count: nodes, workers: o.workers });
  try {
    const enrolS = c.enrolMs / 1000;
    // Totals since each process started: enrolment plus start-up (loading, the coordinator's CA).
    const enrolCpu = cpuNow(c);
    const retried = [...c.fleet.attempts.values()].filter((a) => a > 1).length;
    log(
      `${nodes} nodes enrolled and visible in ${round(enrolS, 1)} s (${retried} needed more than one enrolment attempt); CPU s so far: coordinator ${round(enrolCpu.coordinator, 1)}, nats-server ${round(enrolCpu.nats, 1)}, simulated nodes ${round(enrolCpu.simulator, 1)}`,
    );
    const fan: FanoutRound[] = [];
    for (let i = 0; i < o.fanoutRounds; i++) {
      fan.push(await fanoutRound(c));
      const f = fan.at(-1)!;
      log(
        `run -- true on ${nodes}: p50 ${f.p50} ms, p99 ${f.p99} ms, command wall ${f.wallMs} ms; CPU s: coordinator ${round(f.cpu.coordinator, 2)}, nats-server ${round(f.cpu.nats, 2)}, simulated nodes ${round(f.cpu.simulator, 2)}`,
      );
    }
    const pre: number[] = [];
    for (let i = 0; i < o.precheckRounds; i++) {
      pre.push(await precheckLiveRound(c));
      log(`precheck on ${nodes}: ${pre.at(-1)} ms`);
    }
    const rss = o.rss ? await idleRss(c, 20, 10) : undefined;
    if (rss) log(`idle RSS with ${nodes} nodes: coordinator ${round(median(rss.coordinator))} MB, nats-server ${round(median(rss.nats))} MB`);
    const sim = await c.fleet.stats();
    return { enrolS, enrolCpu, fan, pre, rss, simRssMb: sim.rssBytes / 2 ** 20 };
  } finally {
    await c.stop();
  }
}

export async function benchFleet(want: (key: string) => boolean, o: FleetSuiteOptions = {}): Promise<Figure[]> {
  const size = o.size ?? 1000;
  const workers = o.workers ?? 4;
  const curve: CurvePoint[] = [];
  for (const n of o.curve ?? [100, 300]) {
    const r = await fleetRun(n, { workers, fanoutRounds: 3, precheckRounds: 0, rss: false });
    curve.push({
      nodes: n,
      enrolS: [r.enrolS],
      fanoutP50: r.fan.map((f) => f.p50),
      fanoutP99: r.fan.map((f) => f.p99),
      cpu: r.fan.map((f) => f.cpu),
      enrolCpu: [r.enrolCpu],
    });
  }
  const full: CurvePoint = { nodes: size, enrolS: [], fanoutP50: [], fanoutP99: [], cpu: [], enrolCpu: [] };
  const precheck: number[] = [];
  let rss: { coordinator: number[]; nats: number[] } | undefined;
  let simRssMb = 0;
  const runs = o.enrolRuns ?? 2;
  for (let i = 0; i < runs; i++) {
    const last = i === runs - 1;
    const r = await fleetRun(size, {
      workers,
      fanoutRounds: want('fanout_1000_p50_ms') || want('fanout_1000_p99_ms') ? 2 : 0,
      precheckRounds: want('precheck_live_1000_ms') ? 2 : 0,
      rss: last && want('coordinator_rss_1000_mb'),
    });
    full.enrolS.push(r.enrolS);
    full.fanoutP50.push(...r.fan.map((f) => f.p50));
    full.fanoutP99.push(...r.fan.map((f) => f.p99));
    full.cpu.push(...r.fan.map((f) => f.cpu));
    full.enrolCpu.push(r.enrolCpu);
    precheck.push(...r.pre);
    rss ??= r.rss;
    simRssMb = r.simRssMb;
  }
  curve.push(full);

  const curveText = curve
    .map(
      (p) => `${p.nodes} nodes: enrolment ${round(median(p.enrolS), 1)} s, fan-out p50 ${round(median(p.fanoutP50))} ms / p99 ${round(median(p.fanoutP99))} ms`,
    )
    .join('; ');
  const setup = `${size} simulated nodes in ${workers} worker processes on this machine (bench/fleet/), each with its own key, CSR, nkey, mTLS gRPC channel, Session stream and NATS connection, enrolled with a real token into the unchanged coordinator (\`kk-coordinator serve\` with its nats-server)`;
  const cmd = `node --import tsx bench/run.ts ${FLEET_KEYS.join(' ')}`;
  const figs: Figure[] = [];
  figs.push({
    key: 'enroll_1000_s',
    what: `${size} simulated nodes from start to all connected with facts in \`nodes\``,
    unit: 's',
    ...stats(full.enrolS),
    runs: full.enrolS.length,
    goal: '≤ 20',
    command: cmd,
    note: `${setup}. CPU seconds used from process start to all visible (median): ${curve.map((p) => `${p.nodes} nodes: coordinator ${round(median(p.enrolCpu.map((x) => x.coordinator)), 1)} s, nats-server ${round(median(p.enrolCpu.map((x) => x.nats)), 1)} s, simulated nodes ${round(median(p.enrolCpu.map((x) => x.simulator)), 1)} s`).join('; ')}. The clock starts when the workers have loaded and every node starts at once; it stops at the first \`kk-coordinator nodes -o json\` listing all of them connected with facts. Curve: ${curveText}. The simulated nodes share the coordinator's 2 cores (they used ${round(simRssMb)} MB RSS together).`,
  });
  if (precheck.length) {
    figs.push({
      key: 'precheck_live_1000_ms',
      what: `live precheck over ${size} simulated nodes, command to report`,
      unit: 'ms',
      ...stats(precheck),
      runs: precheck.length,
      goal: '≤ 3000',
      command: `kk-coordinator precheck -i inventory.yaml -c config.yaml -o json --skip etcd.disk_io,cluster.reachability (${size} hosts)`,
      note: 'whole CLI process: the coordinator asks every node for fresh facts over its Session stream, waits for all reports, evaluates every rule and returns the JSON report',
    });
  }
  if (full.fanoutP50.length) {
    const cpuText = curve
      .filter((p) => p.cpu.length)
      .map((p) => {
        const m = (k: keyof FanoutRound['cpu']) => round(median(p.cpu.map((x) => x[k])), 2);
        return `${p.nodes} nodes: coordinator ${m('coordinator')} s, nats-server ${m('nats')} s, simulated nodes ${m('simulator')} s`;
      })
      .join('; ');
    const fanNote = `per-host completion as the coordinator sees it: from the start of the RunCommand call to that host's result (debug log "run: host done" in coordinator/server/run-service.ts); each simulated node verifies the signed command and runs /bin/true with agent/commands/listener.ts, its journal on tmpfs. p50 and p99 per round, median over ${full.fanoutP50.length} rounds on ${runs} fleets. Curve: ${curveText}. CPU used during one round (median; this machine has 2 cores): ${cpuText} — on a real fleet each node's share runs on that node.`;
    figs.push({
      key: 'fanout_1000_p50_ms',
      what: `\`run -- true\` to ${size} nodes, median per-host completion`,
      unit: 'ms',
      ...stats(full.fanoutP50),
      runs: full.fanoutP50.length,
      command: `kk-coordinator run -i inventory.yaml -- true (${size} hosts)`,
      note: fanNote,
    });
    figs.push({
      key: 'fanout_1000_p99_ms',
      what: `\`run -- true\` to ${size} nodes, 99th percentile per-host completion`,
      unit: 'ms',
      ...stats(full.fanoutP99),
      runs: full.fanoutP99.length,
      goal: '≤ 500',
      command: `kk-coordinator run -i inventory.yaml -- true (${size} hosts)`,
      note: fanNote,
    });
  }
  if (rss) {
    figs.push({
      key: 'coordinator_rss_1000_mb',
      what: `coordinator RSS with ${size} connected idle nodes`,
      unit: 'MB',
      ...stats(rss.coordinator),
      runs: rss.coordinator.length,
      goal: '≤ 500',
      command: `VmRSS of the kk-coordinator serve process, each second for 10 s after 20 s idle (${size} nodes)`,
      note: `the coordinator's Node process only; its nats-server child had ${round(median(rss.nats))} MB at the same time`,
    });
  }
  return figs.filter((f) => want(f.key));
}
