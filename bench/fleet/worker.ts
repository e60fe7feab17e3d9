// A worker process of the fleet: runs its share of simulated nodes and tells the parent how each
// one is doing. Started by fleet.ts with child_process.fork.
import path from 'node:path';
import pino from 'pino';
import { SimAgent } from './agent';
import type { FromWorker, StartMessage, ToWorker } from './protocol';

const agents: SimAgent[] = [];

const send = (m: FromWorker) => process.send?.(m);

async function start(m: StartMessage): Promise<void> {
  const log = pino({ name: 'kk-fleet', level: m.logLevel, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: false }));
  const startedAt = Date.now();
  for (const a of m.agents) {
    agents.push(new SimAgent({ index: a.index, name: a.name, server: m.server, joinToken: m.joinToken, dataDir: path.join(m.dataRoot, a.name) }, log));
  }
  // Enrolment is the costly, bursty part; the rest of an agent's life is cheap.
  let next = 0;
  const limit = m.concurrency > 0 ? m.concurrency : agents.length;
  const lane = async () => {
    while (next < agents.length) {
      const agent = agents[next++]!;
      await agent.start(
        {
          enrolled: (ms, attempts) => send({ type: 'enrolled', name: agent.name, ms, attempts }),
          ready: (ms, natsAttempts) => send({ type: 'ready', name: agent.name, ms, natsAttempts }),
          failed: (error) => send({ type: 'failed', name: agent.name, error }),
        },
        startedAt,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, agents.length) }, lane));
}

process.on('message', (m: ToWorker) => {
  if (m.type === 'start') {
    void start(m).catch((err: unknown) => process.stderr.write(`kk-fleet worker: ${(err as Error).stack ?? String(err)}\n`));
  } else if (m.type === 'stats') {
    const mem = process.memoryUsage();
    send({ type: 'stats', rssBytes: mem.rss, heapUsedBytes: mem.heapUsed, reports: agents.reduce((n, a) => n + a.reports, 0), agents: agents.length });
  } else if (m.type === 'stop') {
    void Promise.all(agents.map((a) => a.stop())).finally(() => {
      send({ type: 'stopped' });
      setTimeout(() => process.exit(0), 100);
    });
  }
});
process.on('disconnect', () => process.exit(0));
// The clock starts when every worker has loaded its code: a real fleet does not compile TypeScript.
send({ type: 'loaded' });
