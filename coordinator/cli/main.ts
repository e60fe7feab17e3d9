// kk-coordinator: the one binary an operator uses — `serve` runs the coordinator; every other
// command talks to a running one over its admin API.
import 'reflect-metadata';
import { Command } from 'commander';
import { serveCommand } from './commands/serve';
import { tokenCommand } from './commands/token';
import { nodesCommand, factsCommand } from './commands/nodes';
import { createCommand } from './commands/create';
import { precheckCommand } from './commands/precheck';
import { runCommand, runsCommand } from './commands/runs';
import { certsCommand } from './commands/certs';
import { artifactCommand } from './commands/artifact';
import { UserError, errorMessage } from '../../shared/errors';
import { KK_VERSION } from '../../shared/version';

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

program.addCommand(serveCommand());
program.addCommand(tokenCommand());
program.addCommand(nodesCommand());
program.addCommand(factsCommand());
program.addCommand(createCommand());
program.addCommand(precheckCommand());
program.addCommand(runCommand());
program.addCommand(runsCommand());
program.addCommand(certsCommand());
program.addCommand(artifactCommand());

program.exitOverride((err) => {
  // commander prints its own message for usage errors; keep its exit code 2 for bad input.
  process.exit(err.exitCode === 0 ? 0 : err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2);
});

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`kk-coordinator: ${errorMessage(err)}\n`);
  if (!(err instanceof UserError) && process.env.KK_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(err instanceof UserError ? err.exitCode : 1);
});
