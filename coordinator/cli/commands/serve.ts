import { Command, Option } from 'commander';
import path from 'node:path';
import { DEFAULT_DATA_DIR, parsePort } from '../common';

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the coordinator: CA, agent gRPC (mTLS), HTTPS downloads for nodes, and a supervised nats-server')
    .option('--data-dir <dir>', 'state, CA and admin credential', DEFAULT_DATA_DIR)
    .option('--listen-address <addr>', 'address to listen on', '0.0.0.0')
    .option('--advertise-address <addr>', 'address nodes use to reach this machine (default: first non-loopback IPv4)')
    .option('--grpc-port <port>', 'agents and operators (gRPC, TLS)', parsePort, 9440)
    .option('--http-port <port>', 'bootstrap script, agent bundle, artifacts (HTTPS)', parsePort, 9441)
    .option('--nats-port <port>', 'port of the supervised nats-server (TLS)', parsePort, 9442)
    .option('--nats <url>', 'use this nats-server instead of starting one')
    .option('--agent-bundle <file>', 'agent bundle served to nodes (default: kk-agent.cjs next to this program)')
    .option('--artifact-dir <dir>', 'artifact cache served to agents at /artifacts/<sha256> (default: <data-dir>/artifacts)')
    .option('--node-runtime-dir <dir>', 'extra Node.js runtimes for nodes, named node-linux-amd64 / node-linux-arm64')
    .addOption(new Option('--facts-interval <seconds>', 'how often agents look for changed facts').argParser(Number).default(30).hideHelp())
    .addHelpText(
      'after',
      `
Example:
  kk-coordinator serve --advertise-address 10.0.0.5
  kk-coordinator token create            # prints the one-liner to run on each node`,
    )
    .action(
      async (o: {
        dataDir: string;
        listenAddress: string;
        advertiseAddress?: string;
        grpcPort: number;
        httpPort: number;
        natsPort: number;
        nats?: string;
        agentBundle?: string;
        nodeRuntimeDir?: string;
        artifactDir?: string;
        factsInterval: number;
      }) => {
        // Loaded on demand: operator commands start faster without the whole server in memory.
        const [{ serve }, { createLogger }] = await Promise.all([import('../../serve/serve'), import('../../../shared/log')]);
        const log = createLogger('kk-coordinator');
        const running = await serve({
          dataDir: path.resolve(o.dataDir),
          listenAddress: o.listenAddress,
          advertiseAddress: o.advertiseAddress,
          grpcPort: o.grpcPort,
          httpPort: o.httpPort,
          natsPort: o.natsPort,
          natsUrl: o.nats,
          agentBundle: o.agentBundle ?? path.join(path.dirname(process.argv[1] ?? '.'), 'kk-agent.cjs'),
          nodeRuntimeDir: o.nodeRuntimeDir,
          artifactDir: o.artifactDir ? path.resolve(o.artifactDir) : undefined,
          factsIntervalSeconds: o.factsInterval,
          log,
        });
        let signals = 0;
        const shutdown = (sig: string) => {
          signals += 1;
          if (signals > 1) process.exit(130);
          log.info({ signal: sig }, 'shutting down');
          running.stop().then(
            () => process.exit(0),
            (err: unknown) => {
              log.error({ err }, 'shutdown failed');
              process.exit(1);
            },
          );
        };
        process.on('SIGTERM', () => shutdown('SIGTERM'));
        process.on('SIGINT', () => shutdown('SIGINT'));
        await new Promise(() => {});
      },
    );
}
