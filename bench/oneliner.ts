// From pasting the one-liner in a fresh systemd test machine to the node being visible (connected,
// with facts) in `kk-coordinator nodes`.
import { TestCoordinator, eventually } from '../test/e2e/lib/coordinator';
import { testbedAvailable, testbedUp, testbedDown, execIn, hostBridgeIp } from '../test/e2e/lib/testbed';
import { stats, type Figure } from './lib';
import type { NodeInfo__Output } from '../shared/proto/generated/kk/v1/NodeInfo';

export async function benchOneLiner(rounds = 3): Promise<Figure | null> {
  if (!testbedAvailable().ok) return null;
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    await testbedDown();
    await testbedUp(1);
    const coord = new TestCoordinator({ listen: hostBridgeIp, advertise: hostBridgeIp });
    await coord.start();
    try {
      const line = (await coord.token()).oneLiner;
      const t = Date.now();
      const r = await execIn('node1', ['sh', '-c', line]);
      if (r.code !== 0) throw new Error(`one-liner failed: ${r.stderr}`);
      await eventually(
        async () => (await coord.json<NodeInfo__Output[]>(['nodes'])).find((n) => n.name === 'node1' && n.connected && n.kernel),
        'node1 visible',
        60_000,
      );
      times.push((Date.now() - t) / 1000);
    } finally {
      await coord.stop();
      coord.cleanup();
    }
  }
  await testbedDown();
  const s = stats(times);
  return {
    key: 'oneliner_to_visible_s',
    what: 'one-liner pasted in a fresh test machine → node connected with facts in `nodes`',
    unit: 's',
    ...s,
    runs: rounds,
    goal: '≤ 10',
    command: 'testbed machine: sh -c "<one-liner>"; poll kk-coordinator nodes -o json',
    note: 'includes downloading the agent bundle and the Node.js runtime (~100 MB) over the bridge',
  };
}
