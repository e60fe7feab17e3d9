// A real coordinator (the built one, started as `kk-coordinator serve`) with a simulated fleet
// enrolled into it, and the inventory/config files that describe the fleet — what the fleet
// benchmarks and the fleet smoke test start from.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestCoordinator, COORDINATOR_BIN, run, type CliResult } from '../../test/e2e/lib/coordinator';
import type { NodeInfo__Output } from '../../shared/proto/generated/kk/v1/NodeInfo';
import { Fleet, type FleetOptions } from './fleet';
import { fleetConfigYaml, fleetInventoryYaml } from './inventory';

export interface FleetClusterOptions extends Omit<FleetOptions, 'server' | 'joinToken'> {
  /** Extra environment for the coordinator (e.g. NODE_OPTIONS=--cpu-prof). */
  coordinatorEnv?: NodeJS.ProcessEnv;
  /** Node flags for the coordinator (e.g. ['--cpu-prof', '--cpu-prof-dir=DIR']). */
  coordinatorNodeArgs?: string[];
  /** How long enrolment of the whole fleet may take before giving up; default 10 min. */
  enrolTimeoutMs?: number;
}

export class FleetCluster {
  readonly dir: string;
  readonly inventory: string;
  readonly config: string;
  /** From starting the fleet to `nodes` listing every node connected with facts. */
  enrolMs = 0;

  private constructor(
    readonly coord: TestCoordinator,
    readonly fleet: Fleet,
  ) {
    this.dir = mkdtempSync(path.join(tmpdir(), 'kk-fleet-files-'));
    this.inventory = path.join(this.dir, 'inventory.yaml');
    this.config = path.join(this.dir, 'config.yaml');
    writeFileSync(this.inventory, fleetInventoryYaml(fleet.hosts));
    writeFileSync(this.config, fleetConfigYaml());
  }

  static async start(o: FleetClusterOptions): Promise<FleetCluster> {
    // The coordinator logs as it does for an operator (info), but for the run service's per-host
    // "run: host done" lines the fan-out figures are read from (bench/fleet-measure.ts).
    const coord = new TestCoordinator({ env: { KK_LOG_LEVEL: 'info,runs=debug', ...o.coordinatorEnv }, nodeArgs: o.coordinatorNodeArgs });
    await coord.start();
    let fleet: Fleet | undefined;
    try {
      const { token } = await coord.token(['--ttl', '4h', '--uses', '0', '--description', `fleet of ${o.count}`]);
      fleet = new Fleet({ ...o, server: coord.serverUrl, joinToken: token });
      const c = new FleetCluster(coord, fleet);
      await fleet.start();
      await fleet.ready(o.enrolTimeoutMs ?? 600_000);
      // The fleet says every node is up; the operator's view is what counts.
      const names = new Set(fleet.hosts.map((h) => h.name));
      for (let i = 0; ; i++) {
        const visible = (await c.nodes()).filter((n) => names.has(n.name) && n.connected && n.kernel).length;
        if (visible === names.size) break;
        if (i >= 120) throw new Error(`only ${visible}/${names.size} simulated nodes visible in \`nodes\` although all reported ready`);
        await new Promise((r) => setTimeout(r, 250));
      }
      c.enrolMs = Date.now() - fleet.startedAt;
      return c;
    } catch (err) {
      await fleet?.stop();
      await coord.stop();
      coord.cleanup();
      throw err;
    }
  }

  async nodes(): Promise<NodeInfo__Output[]> {
    return this.coord.json<NodeInfo__Output[]>(['nodes']);
  }

  /** `kk-coordinator precheck -i … -c … -o json …` against the live fleet. */
  precheck(extra: string[] = []): Promise<CliResult> {
    return this.coord.cli(['precheck', '-i', this.inventory, '-c', this.config, '-o', 'json', ...extra]);
  }

  /** `kk-coordinator run -i … -- argv` (options before the `--`, unlike TestCoordinator.cli). */
  run(argv: string[], extra: string[] = []): Promise<CliResult> {
    return run(COORDINATOR_BIN, ['run', '-i', this.inventory, '--data-dir', this.coord.dataDir, ...extra, '--', ...argv], { timeoutMs: 300_000 });
  }

  async stop(): Promise<void> {
    await this.fleet.stop();
    await this.coord.stop();
    this.coord.cleanup();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
