// `kk-coordinator certs generate|check`: the cluster certificates of the init phase, run locally
// (no coordinator needed) from an inventory and config.
import { Command, Option } from 'commander';
import { loadCluster } from '../../inventory';
import { generateCerts, checkCerts } from '../../init/certs';
import { resolveInitDirs } from '../../init/workdir';
import { createLogger } from '../../../shared/log';
import { table } from '../format';

interface CertsOptions {
  inventory: string;
  config?: string;
  workDir?: string;
  output?: 'table' | 'json';
}

function withInputs(cmd: Command): Command {
  return cmd
    .requiredOption('-i, --inventory <file>', 'KubeKey v4 inventory.yaml')
    .option('-c, --config <file>', 'KubeKey v4 config.yaml (defaults apply without it)')
    .option('--work-dir <dir>', 'work_dir (certificates go to <work_dir>/pki); default: config work_dir, else the current directory');
}

function load(o: CertsOptions): { model: ReturnType<typeof loadCluster>; workDir: string } {
  const model = loadCluster(o.inventory, o.config ?? null);
  for (const w of model.warnings) process.stderr.write(`warning: ${w}\n`);
  return { model, workDir: resolveInitDirs(model.vars, process.cwd(), o.workDir).workDir };
}

export function certsCommand(): Command {
  const certs = new Command('certs').description('generate or check the cluster certificates (root CA, Kubernetes and front-proxy CAs, etcd, image registry)');

  certs.addCommand(
    withInputs(new Command('generate'))
      .description('create the certificates under <work_dir>/pki per certs.*.gen_cert_policy (IfNotPresent keeps valid ones)')
      .addHelpText(
        'after',
        `
Exit codes: 0 all certificates usable, 1 some are not (listed), 2 bad input.

Example:
  kk-coordinator certs generate -i inventory.yaml -c config.yaml --work-dir ./kubekey`,
      )
      .action(async (o: CertsOptions) => {
        const { model, workDir } = load(o);
        const res = await generateCerts(model, { workDir, log: createLogger('certs', process.env.KK_LOG_LEVEL ?? 'warn') });
        for (const f of res.written.filter((p) => p.endsWith('.crt'))) process.stdout.write(`generated  ${f}\n`);
        for (const f of res.kept) process.stdout.write(`kept       ${f}\n`);
        for (const p of res.problems) process.stdout.write(`PROBLEM    ${p.path}: ${p.problems.join('; ')}\n`);
        process.exitCode = res.problems.length > 0 ? 1 : 0;
      }),
  );

  certs.addCommand(
    withInputs(new Command('check'))
      .description('list every certificate the cluster needs with its expiry and problems (reads only)')
      .addOption(new Option('-o, --output <format>', 'table or json').choices(['table', 'json']).default('table'))
      .addHelpText(
        'after',
        `
Exit codes: 0 every certificate present and valid, 1 problems found, 2 bad input.`,
      )
      .action((o: CertsOptions) => {
        const { model, workDir } = load(o);
        const list = checkCerts(model, { workDir });
        if (o.output === 'json') {
          process.stdout.write(JSON.stringify(list, null, 2) + '\n');
        } else {
          process.stdout.write(
            table(
              ['CERTIFICATE', 'PATH', 'EXPIRES', 'STATUS'],
              list.map((c) => [c.title + (c.userProvided ? ' (user)' : ''), c.path, c.notAfter ?? '-', c.problems.length === 0 ? 'ok' : c.problems.join('; ')]),
            ),
          );
        }
        process.exitCode = list.some((c) => c.problems.length > 0) ? 1 : 0;
      }),
  );
  return certs;
}
