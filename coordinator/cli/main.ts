// kk-coordinator: the one binary an operator uses — `serve` runs the coordinator; every other
// command talks to a running one over its admin API.
import { Command } from 'commander';
import { UserError, errorMessage } from '../../shared/errors';
import { KK_VERSION } from '../../shared/version';

// Each command's module is loaded only when that command runs (all of them for --help): an
// operator command is a short-lived process, and most of its start-up would otherwise go into
// initialising code it never uses (the server, the precheck rules, the artifact tooling…).
const COMMANDS: Record<string, () => Promise<Command[]>> = {
  serve: async () => [(await import('./commands/serve')).serveCommand()],
  token: async () => [(await import('./commands/token')).tokenCommand()],
  nodes: async () => [(await import('./commands/nodes')).nodesCommand()],
  facts: async () => [(await import('./commands/nodes')).factsCommand()],
  create: async () => [(await import('./commands/create')).createCommand()],
  precheck: async () => [(await import('./commands/precheck')).precheckCommand()],
  run: async () => [(await import('./commands/runs')).runCommand()],
  runs: async () => [(await import('./commands/runs')).runsCommand()],
  certs: async () => [(await import('./commands/certs')).certsCommand()],
  artifact: async () => [(await import('./commands/artifact')).artifactCommand()],
};

async function main(): Promise<void> {
  const program = new Command('kk-coordinator')
    .description('kk: install Kubernetes the KubeKey way, driven through agents on every node')
    .version(KK_VERSION)
    .showHelpAfterError()
    // `nodes` is both a command and a group (`nodes remove`): options belong to the word they follow.
    .enablePositionalOptions()
    .addHelpText('after', `
Getting started:
  kk-coordinator serve                     # on the control machine (as root)
  kk-coordinator token create              # prints a one-liner; run it as root on each node
  kk-coordinator nodes                     # nodes appear within seconds
  kk-coordinator facts node1               # what a node reported`);

  const word = process.argv.slice(2).find((a) => !a.startsWith('-'));
  const wanted = word && COMMANDS[word] ? [COMMANDS[word]] : Object.values(COMMANDS);
  for (const load of wanted) for (const cmd of await load()) program.addCommand(cmd);

  program.exitOverride((err) => {
    // commander prints its own message for usage errors; keep its exit code 2 for bad input.
    process.exit(err.exitCode === 0 ? 0 : err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2);
  });
  await program.parseAsync(process.argv);
}

main().catch((err: unknown) => {
  process.stderr.write(`kk-coordinator: ${errorMessage(err)}\n`);
  if (!(err instanceof UserError) && process.env.KK_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(err instanceof UserError ? err.exitCode : 1);
});
