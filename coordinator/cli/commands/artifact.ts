// `kk-coordinator artifact …`: the files and images the init phase fetches. Each subcommand is
// its own builder below; `artifactCommand` only assembles them, so more (export, import) plug in
// by adding a builder to SUBCOMMANDS.
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { UserError, errorMessage } from '../../../shared/errors';
import { loadCluster, loadClusterFromText } from '../../inventory';
import type { ClusterModel } from '../../model/cluster';
import { planArtifacts } from '../../init/artifacts/plan';
import type { ArtifactPlan } from '../../init/artifacts/types';
import { table } from '../format';
import { bundleSubcommands } from './artifact-bundle';

/** With no inventory, a plan needs only the config: an empty inventory stands in for it. */
const EMPTY_INVENTORY = 'apiVersion: kubekey.kubesphere.io/v1\nkind: Inventory\nmetadata: {name: default}\nspec: {hosts: {}}\n';

/** The model for a plan: the config with the inventory when given, else with an empty one. */
export function loadModel(config: string, inventory?: string): ClusterModel {
  if (inventory) return loadCluster(inventory, config);
  let text: string;
  try {
    text = readFileSync(config, 'utf8');
  } catch (err) {
    throw new UserError(`${config}: cannot read: ${(err as NodeJS.ErrnoException).code ?? errorMessage(err)}`, 2);
  }
  return loadClusterFromText({ name: '(no inventory)', text: EMPTY_INVENTORY }, { name: config, text });
}

export function printPlan(plan: ArtifactPlan, output: 'table' | 'json', out: NodeJS.WritableStream = process.stdout): void {
  if (output === 'json') {
    out.write(JSON.stringify(plan, null, 2) + '\n');
    return;
  }
  out.write(
    `Kubernetes ${plan.kubeVersion}, arch ${plan.arches.join(', ')}${plan.zone ? `, zone ${plan.zone}` : ''}${plan.baseUrl ? `, base_url ${plan.baseUrl}` : ''}\n\n`,
  );
  out.write(
    table(
      ['FILE', 'KIND', 'DESTINATION', 'CHECKSUM', 'URL'],
      plan.artifacts.map((a) => [
        a.id,
        a.kind,
        `${a.base === 'work_dir' ? '<work_dir>' : '<binary_dir>'}/${a.dest}`,
        a.checksum
          ? a.checksum.inline
            ? `${a.checksum.algorithm} inline`
            : `${a.checksum.algorithm} ${a.checksum.format === 'list' ? 'list' : 'file'}`
          : 'none',
        plan.preferMirror && a.mirrorUrl ? a.mirrorUrl : a.url,
      ]),
    ),
  );
  out.write(`\n${plan.images.length} image(s) for ${plan.arches.map((a) => `linux/${a}`).join(', ')}:\n`);
  for (const i of plan.images) out.write(`  ${i.ref}${i.pushRef ? `  → ${i.pushRef}` : ''}\n`);
  for (const n of plan.notes) out.write(`note: ${n}\n`);
}

interface ListOptions {
  config: string;
  inventory?: string;
  workDir?: string;
  output: 'table' | 'json';
}

function listCommand(): Command {
  return new Command('list')
    .description('print every file and image the init phase would fetch for the config, with URLs, mirrors, checksums and destinations')
    .requiredOption('-c, --config <file>', 'KubeKey v4 config.yaml')
    .option('-i, --inventory <file>', 'KubeKey v4 inventory.yaml (adds registry/etcd host-dependent items)')
    .option('--work-dir <dir>', 'work_dir the destinations are under')
    .addOption(new Option('-o, --output <format>', 'table or json').choices(['table', 'json']).default('table'))
    .action((o: ListOptions) => {
      const model = loadModel(o.config, o.inventory);
      for (const w of model.warnings) process.stderr.write(`warning: ${w}\n`);
      printPlan(planArtifacts(model, { cwd: process.cwd(), workDir: o.workDir }), o.output);
    });
}

/** Builders of the `artifact` subcommands; add export/import here. */
export const SUBCOMMANDS: (() => Command)[] = [listCommand, ...bundleSubcommands(loadModel)];

export function artifactCommand(): Command {
  const cmd = new Command('artifact').description('the files and images kk downloads: list them (and build or use offline bundles)');
  for (const make of SUBCOMMANDS) cmd.addCommand(make());
  return cmd;
}
