// kk-agent: the node side. `run` enrols and serves the coordinator; `facts` prints this node's
// fact set standalone (no coordinator needed).
import 'reflect-metadata';
import { Command, Option } from 'commander';
import { collectFacts } from '../facts/index';
import { UserError, errorMessage } from '../../shared/errors';
import { CLEAN_PATH } from '../../shared/facts/types';

const program = new Command('kk-agent')
  .description("kk node agent: reports this node's facts to the coordinator and runs its signed commands")
  .showHelpAfterError();

program
  .command('facts')
  .description("print this node's fact set (the facts.md JSON contract) and exit")
  .addOption(new Option('-o, --output <format>', 'output format').choices(['json']).default('json'))
  .option(
    '--fio <dir>',
    'also run the etcd disk probe: fio fdatasync latency in a scratch directory under DIR ' +
      '(DIR is created if missing; writes ~22 MB, all of it removed afterwards)',
  )
  .addHelpText(
    'after',
    '\nA fact that could not be collected is null, with the reason under its name in "probeErrors";\n' +
      'the command still succeeds. Probes run with PATH=' +
      CLEAN_PATH +
      ", never the caller's PATH.",
  )
  .action(async (opts: { output: string; fio?: string }) => {
    const facts = await collectFacts({ fioDirectory: opts.fio });
    process.stdout.write(JSON.stringify(facts, null, 2) + '\n');
  });

program
  .command('run')
  .description('enrol with the coordinator (first run) and serve it in the foreground; what kk-agent.service runs')
  .option('--server <url>', 'coordinator URL, https://HOST:9441 (else from the data dir, else $KK_SERVER)')
  .option('--token <token>', 'bootstrap token <ca-hash>::<id>.<secret> (first run only; else $KK_TOKEN)')
  .option('--name <name>', 'node name to enrol as (default: the hostname)')
  .option('--data-dir <dir>', 'agent state: key, certificate, journal', '/var/lib/kk-agent')
  .option('--force', 'replace an existing node of the same name enrolled from another machine', false)
  .action(async (opts: { server?: string; token?: string; name?: string; dataDir: string; force: boolean }) => {
    // Loaded on demand: gRPC, NATS and the PKI code are most of the bundle, and `facts` needs none of it.
    const { runAgent } = await import('../runtime/run');
    await runAgent({
      server: opts.server ?? process.env.KK_SERVER,
      token: opts.token ?? process.env.KK_TOKEN,
      name: opts.name,
      dataDir: opts.dataDir,
      force: opts.force,
    });
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`kk-agent: ${errorMessage(err)}\n`);
  process.exit(err instanceof UserError ? err.exitCode : 1);
});
