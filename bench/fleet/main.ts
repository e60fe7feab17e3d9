// Runs a simulated fleet by hand:
//   node --import tsx bench/fleet/main.ts --count 1000                  # own coordinator, then wait
//   node --import tsx bench/fleet/main.ts --count 300 --server https://10.0.0.1:9443 --token '<ca-hash>::<id>.<secret>'
// With its own coordinator it prints the data dir and the inventory, so `kk-coordinator … --data-dir`
// can be pointed at it from another shell. Ctrl-C stops the fleet (and that coordinator).
import { parseArgs } from 'node:util';
import { Fleet } from './fleet';
import { FleetCluster } from './cluster';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100' },
    workers: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '0' },
    server: { type: 'string' },
    token: { type: 'string' },
    prefix: { type: 'string', default: 'sim' },
  },
});
const count = Number(values.count);
const workers = Number(values.workers);
const concurrency = Number(values.concurrency);
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(workers) || workers < 1 || !Number.isInteger(concurrency) || concurrency < 0) {
  process.stderr.write('usage: main.ts --count N [--workers W] [--concurrency C] [--server URL --token TOKEN] [--prefix P]\n');
  process.exit(2);
}

const stopping = new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
if (values.server || values.token) {
  if (!values.server || !values.token) {
    process.stderr.write('--server and --token go together\n');
    process.exit(2);
  }
  const fleet = new Fleet({ server: values.server, joinToken: values.token, count, workers, concurrency, prefix: values.prefix });
  await fleet.start();
  await fleet.ready(600_000);
  process.stderr.write(`${count} simulated nodes ready in ${((Date.now() - fleet.startedAt) / 1000).toFixed(1)} s; Ctrl-C to stop\n`);
  await stopping;
  await fleet.stop();
} else {
  const c = await FleetCluster.start({ count, workers, concurrency, prefix: values.prefix });
  process.stderr.write(`${count} simulated nodes visible in ${(c.enrolMs / 1000).toFixed(1)} s
  data dir:  ${c.coord.dataDir}
  inventory: ${c.inventory}
  config:    ${c.config}
Ctrl-C to stop\n`);
  await stopping;
  await c.stop();
}
