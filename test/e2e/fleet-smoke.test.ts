// The fleet simulator (bench/fleet/) kept working: 20 simulated nodes against the real, built
// coordinator all enrol, show up in `nodes` with their own facts, answer a live precheck and run a
// signed command. Behaviour only; the timing is what `make bench` measures.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { FleetCluster } from '../../bench/fleet/cluster';
import { simulatedIp, simulatedMachineId } from '../../bench/fleet/facts';

const COUNT = 20;
let c: FleetCluster;

describe('fleet simulator against the real coordinator', () => {
  before(async () => {
    c = await FleetCluster.start({ count: COUNT, workers: 2, enrolTimeoutMs: 120_000 });
  });

  after(async () => {
    await c?.stop();
  });

  test('every simulated node enrolled with its own identity and is connected with its facts', async () => {
    const nodes = (await c.nodes()).filter((n) => n.name.startsWith('sim-'));
    assert.equal(nodes.length, COUNT);
    for (const n of nodes) {
      const i = Number(n.name.slice(4));
      assert.ok(n.connected, `${n.name} connected`);
      assert.equal(n.machineId, simulatedMachineId(n.name));
      assert.ok(n.internalIps.includes(simulatedIp(i)), `${n.name} reports ${simulatedIp(i)}: ${n.internalIps.join(', ')}`);
      assert.ok(n.kernel, `${n.name} has a kernel in its facts`);
    }
    assert.equal(new Set(nodes.map((n) => n.certificateSerial)).size, COUNT, 'one certificate per node');
  });

  test('a live precheck gets fresh facts from all 20 and evaluates them', async () => {
    const reportsBefore = (await c.fleet.stats()).reports;
    const r = await c.precheck(['--skip', 'etcd.disk_io,cluster.reachability']);
    assert.ok(r.code === 0 || r.code === 1, `precheck exit ${r.code}: ${r.stderr}`);
    const report = JSON.parse(r.stdout) as { results: { id: string; host: string | null; status: string }[] };
    const agent = report.results.filter((x) => x.id === 'inventory.agent');
    assert.equal(agent.length, COUNT);
    assert.ok(
      agent.every((x) => x.status === 'pass'),
      JSON.stringify(agent.filter((x) => x.status !== 'pass')),
    );
    assert.equal(report.results.find((x) => x.id === 'cluster.unique_machine_id')?.status, 'pass');
    assert.ok((await c.fleet.stats()).reports >= reportsBefore + COUNT, 'every node reported again for the precheck');
  });

  test('run -- true reaches every node and returns 20 exit codes', async () => {
    const from = c.coord.log.length;
    const r = await c.run(['true']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`${COUNT}/${COUNT} hosts exited 0`));
    const bad = await c.run(['false']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, new RegExp(`0/${COUNT} hosts exited 0`));
    const done = c.coord.log
      .slice(from)
      .split('\n')
      .filter((l) => l.includes('"run: host done"'))
      .map((l) => JSON.parse(l) as { host: string; status: string });
    assert.equal(new Set(done.filter((d) => d.status === 'ok').map((d) => d.host)).size, COUNT);
  });
});
