// Enrols a simulated fleet into a fresh coordinator and says what it cost besides seconds: how
// often nats-server was reloaded, how many NATS logins it refused, how many nodes had to retry.
// For comparing enrolment changes under the same conditions (not a benchmark of record; bench/run.ts is):
//   node --import tsx bench/fleet/enrol-report.ts --count 300 [--workers 4] [--runs 1] [--log FILE] [--fleet-log-level info]
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { FleetCluster } from './cluster';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '300' },
    workers: { type: 'string', default: '4' },
    runs: { type: 'string', default: '1' },
    log: { type: 'string' },
    'fleet-log-level': { type: 'string', default: 'warn' },
  },
});
const count = Number(values.count);
const workers = Number(values.workers);
const runs = Number(values.runs);
if (![count, workers, runs].every((n) => Number.isInteger(n) && n > 0)) {
  process.stderr.write('usage: enrol-report.ts --count N [--workers W] [--runs R]\n');
  process.exit(2);
}

/** Lines of the coordinator's JSON log whose text matches. */
function countLines(log: string, re: RegExp): number {
  return log.split('\n').filter((l) => re.test(l)).length;
}

function percentile(ms: number[], q: number): number {
  const sorted = [...ms].sort((a, b) => a - b);
  const v = sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return Math.round(v / 100) / 10;
}

for (let r = 0; r < runs; r++) {
  const c = await FleetCluster.start({ count, workers, logLevel: values['fleet-log-level'] });
  try {
    const log = c.coord.log;
    if (values.log) writeFileSync(runs > 1 ? `${values.log}.${r}` : values.log, log);
    const attempts = [...c.fleet.attempts.values()];
    const nats = [...c.fleet.natsAttempts.values()];
    const report = {
      nodes: count,
      enrolS: Math.round(c.enrolMs / 100) / 10,
      natsReloads: countLines(log, /nats-server reloaded/),
      natsAuthRefusals: countLines(log, /Authorization Violation|authentication error|authorization violation/i),
      enrolRetriedNodes: attempts.filter((a) => a > 1).length,
      enrolAttempts: attempts.reduce((a, b) => a + b, 0),
      natsRetriedNodes: nats.filter((a) => a > 1).length,
      natsAttempts: nats.reduce((a, b) => a + b, 0),
      enrolP50S: percentile([...c.fleet.enrolledMs.values()], 0.5),
      enrolMaxS: percentile([...c.fleet.enrolledMs.values()], 1),
      readyP50S: percentile([...c.fleet.readyMs.values()], 0.5),
      readyMaxS: percentile([...c.fleet.readyMs.values()], 1),
      slowest: [...c.fleet.readyMs]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([n, ms]) => `${n}:${ms}ms/${c.fleet.natsAttempts.get(n)}`),
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await c.stop();
  }
}
