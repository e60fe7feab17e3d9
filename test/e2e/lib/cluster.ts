// A coordinator on the test bridge with every test machine joined by the real one-liner, plus the
// KubeKey inventory/config files describing them — the starting point of most machine tests.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestCoordinator, eventually } from './coordinator';
import { execIn, hostBridgeIp, testbedUp, type Machine } from './testbed';
import type { NodeInfo__Output } from '../../../shared/proto/generated/kk/v1/NodeInfo';

export interface JoinedCluster {
  coord: TestCoordinator;
  machines: Machine[];
  oneLiner: string;
  dir: string;
  inventory: string;
  config: string;
}

export function inventoryYaml(machines: Machine[]): string {
  const hosts = machines.map((m) => `    ${m.name}: { internal_ipv4: ${m.ip} }`).join('\n');
  const [first, ...rest] = machines.map((m) => m.name);
  return `apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
metadata:
  name: e2e
spec:
  hosts:
${hosts}
  groups:
    kube_control_plane: { hosts: [${first}] }
    kube_worker: { hosts: [${rest.join(', ')}] }
    k8s_cluster: { groups: [kube_control_plane, kube_worker] }
    etcd: { hosts: [${first}] }
`;
}

export async function joinedCluster(
  n: number,
  configExtra = '',
  coordinatorEnv: NodeJS.ProcessEnv = {},
  opts: { kube?: boolean } = {},
): Promise<JoinedCluster> {
  const machines = await testbedUp(n, { kube: opts.kube ?? false });
  const coord = new TestCoordinator({ listen: hostBridgeIp, advertise: hostBridgeIp, env: coordinatorEnv });
  await coord.start();
  const oneLiner = (await coord.token(['--ttl', '2h'])).oneLiner;
  await Promise.all(
    machines.map(async (m) => {
      const r = await execIn(m.name, ['sh', '-c', oneLiner]);
      if (r.code !== 0) throw new Error(`one-liner on ${m.name} failed: ${r.stderr}`);
    }),
  );
  await eventually(
    async () => {
      const l = await coord.json<NodeInfo__Output[]>(['nodes']);
      return l.filter((x) => x.connected && x.kernel).length === n;
    },
    `${n} nodes connected`,
    60_000,
  );
  const dir = mkdtempSync(path.join(tmpdir(), 'kk-e2e-cluster-'));
  const inventory = path.join(dir, 'inventory.yaml');
  const config = path.join(dir, 'config.yaml');
  writeFileSync(inventory, inventoryYaml(machines));
  writeFileSync(
    config,
    `apiVersion: kubekey.kubesphere.io/v1
kind: Config
spec:
  kubernetes:
    kube_version: v1.33.1
${configExtra}`,
  );
  return { coord, machines, oneLiner, dir, inventory, config };
}
