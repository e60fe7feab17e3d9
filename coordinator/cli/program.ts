// The kk-coordinator command line, given the table of the commands it offers (command-table.ts).
import { Command } from 'commander';
import { UserError, errorMessage } from '../../shared/errors';
import { KK_VERSION } from '../../shared/version';

/** Loads a command's module (only when that command runs, or all of them for --help). */
export type CommandLoader = () => Promise<Command[]>;
/** Command word → its loader; undefined for a word a bundle leaves out (./fast-start/boot.ts). */
export type CommandTable = Record<string, CommandLoader | undefined>;

async function main(commands: CommandTable): Promise<void> {
  const program = new Command('kk-coordinator')
    .description('kk: install Kubernetes the KubeKey way, driven through agents on every node')
    .version(KK_VERSION)
    .showHelpAfterError()
    // `nodes` is both a command and a group (`nodes remove`): options belong to the word they follow.
    .enablePositionalOptions()
    .addHelpText(
      'after',
      `
Getting started:
  kk-coordinator serve                     # on the control machine (as root)
  kk-coordinator token create              # prints a one-liner; run it as root on each node
  kk-coordinator nodes                     # nodes appear within seconds
  kk-coordinator facts node1               # what a node reported`,
    );

  const word = process.argv.slice(2).find((a) => !a.startsWith('-'));
  const chosen = word ? commands[word] : undefined;
  const wanted = chosen ? [chosen] : Object.values(commands).filter((load): load is CommandLoader => load !== undefined);
  for (const load of wanted) for (const cmd of await load()) program.addCommand(cmd);

  program.exitOverride((err) => {
    // commander prints its own message for usage errors; keep its exit code 2 for bad input.
    process.exit(err.exitCode === 0 ? 0 : err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2);
  });
  await program.parseAsync(process.argv);
}

export function runProgram(commands: CommandTable): void {
  main(commands).catch((err: unknown) => {
    process.stderr.write(`kk-coordinator: ${errorMessage(err)}\n`);
    if (!(err instanceof UserError) && process.env.KK_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    process.exit(err instanceof UserError ? err.exitCode : 1);
  });
}
