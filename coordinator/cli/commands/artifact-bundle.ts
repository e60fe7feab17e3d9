// `kk-coordinator artifact download | export | import`: fetch the plan's files (verified, cached),
// build the offline bundle from them, and take a bundle in with nothing but the file.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { UserError } from '../../../shared/errors';
import type { ClusterModel } from '../../model/cluster';
import { parseDuration } from '../format';
import { planArtifacts } from '../../init/artifacts/plan';
import { downloadPlan, type DownloadOptions } from '../../init/artifacts/download';
import { exportBundle } from '../../init/artifacts/bundle-export';
import { importBundle } from '../../init/artifacts/bundle-import';
import { humanBytes, progressFor } from '../../init/artifacts/progress';
import { resolveInitDirs } from '../../init/workdir';
import { pullPlanImages, sourceEndpoints } from '../../init/images/index';
import { getNonEmptyString } from '../../model/vars';
import type { ArtifactPlan } from '../../init/artifacts/types';

interface FetchFlags {
  config: string;
  inventory?: string;
  workDir?: string;
  concurrency: number;
  stallTimeout: string;
  connectTimeout: string;
  retries: number;
  caFile?: string[];
  requireChecksums?: boolean;
}

const positive = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
};
const collect = (v: string, prev: string[] = []) => [...prev, v];

function withFetchFlags(cmd: Command): Command {
  return cmd
    .requiredOption('-c, --config <file>', 'KubeKey v4 config.yaml')
    .option('-i, --inventory <file>', 'KubeKey v4 inventory.yaml (adds host-dependent items)')
    .option('--work-dir <dir>', 'work_dir (binary_dir and artifact_dir are under it)')
    .option('--concurrency <n>', 'files downloaded at once', positive, 4)
    .option('--connect-timeout <duration>', 'give up on a server that sends no response headers within this', '15s')
    .option('--stall-timeout <duration>', 'give up on a transfer that sends no byte for this long (then retry, resuming)', '30s')
    .option('--retries <n>', 'tries per source before the mirror is tried', positive, 4)
    .option('--ca-file <pem>', 'extra CA certificate trusted for downloads (a private mirror); repeatable', collect)
    .option('--require-checksums', "refuse files whose upstream publishes no checksum (default: record the first download's sha256 and warn)");
}

function seconds(text: string, flag: string): number {
  try {
    return parseDuration(text) * 1000;
  } catch (err) {
    throw new UserError(`${flag}: ${(err as Error).message}`, 2);
  }
}

function downloadOptions(o: FetchFlags): DownloadOptions {
  return {
    concurrency: o.concurrency,
    connectTimeoutMs: seconds(o.connectTimeout, '--connect-timeout'),
    stallTimeoutMs: seconds(o.stallTimeout, '--stall-timeout'),
    attempts: o.retries,
    ca: (o.caFile ?? []).map((f) => {
      try {
        return readFileSync(f, 'utf8');
      } catch (err) {
        throw new UserError(`--ca-file ${f}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 2);
      }
    }),
    requireChecksum: o.requireChecksums ?? false,
    progress: progressFor(process.stderr),
  };
}

/** artifact.ts's loader (config, optional inventory → model), passed in to keep the two files acyclic. */
type LoadModel = (config: string, inventory?: string) => ClusterModel;

async function fetchAll(
  loadModel: LoadModel,
  o: FetchFlags,
): Promise<{ plan: ArtifactPlan; resolved: Awaited<ReturnType<typeof downloadPlan>>['resolved']; cwd: string; vars: ClusterModel['vars'] }> {
  const model = loadModel(o.config, o.inventory);
  for (const w of model.warnings) process.stderr.write(`warning: ${w}\n`);
  const plan = planArtifacts(model, { cwd: process.cwd(), workDir: o.workDir });
  for (const n of plan.notes) process.stderr.write(`note: ${n}\n`);
  const out = await downloadPlan(plan, downloadOptions(o));
  for (const n of out.notes) process.stderr.write(`note: ${n}\n`);
  process.stderr.write(
    `${out.resolved.length} files verified (${out.downloaded} downloaded, ${humanBytes(out.bytes)}; the rest from the cache ${path.join(plan.artifactDir, 'cache')})\n`,
  );
  return { plan, resolved: out.resolved, cwd: process.cwd(), vars: model.vars };
}

function downloadCommand(loadModel: LoadModel): Command {
  return withFetchFlags(new Command('download'))
    .description('download every file of the plan into the checksum-keyed cache, verified, and place it under binary_dir')
    .addHelpText(
      'after',
      `
A re-run downloads nothing: bodies are cached by checksum and checksum files by URL
(delete <artifact_dir>/cache/index.json to fetch checksum files again).`,
    )
    .action(async (o: FetchFlags) => {
      await fetchAll(loadModel, o);
    });
}

interface ExportFlags extends FetchFlags {
  output: string;
  images: boolean;
  imagePolicy: 'strict' | 'warn';
}

function exportCommand(loadModel: LoadModel): Command {
  return withFetchFlags(new Command('export'))
    .description('build the offline bundle: binaries per arch, charts, images (OCI layout) and a manifest of sha256 sums, in one .tgz')
    .option('-o, --output <file>', 'the bundle to write', 'kk-artifact.tgz')
    .option('--no-images', 'leave the images out')
    .addOption(
      new Option('--image-policy <policy>', 'strict: every image must exist for every arch; warn: note and go on')
        .choices(['strict', 'warn'])
        .default('strict'),
    )
    .addHelpText(
      'after',
      `
Example:
  kk-coordinator artifact export -c config.yaml -o kk-artifact.tgz
  # then, offline: kk-coordinator artifact import kk-artifact.tgz -c config.yaml`,
    )
    .action(async (o: ExportFlags) => {
      if (!/\.(tgz|tar\.gz)$/.test(o.output)) throw new UserError(`--output ${o.output}: a bundle must end in .tgz or .tar.gz`, 2);
      const { plan, resolved, cwd, vars } = await fetchAll(loadModel, o);
      let layout: string | null = null;
      let images: Awaited<ReturnType<typeof pullPlanImages>> = [];
      if (o.images && plan.images.length > 0) {
        layout = path.join(plan.artifactDir, 'images');
        images = await pullPlanImages(plan.images, layout, {
          policy: o.imagePolicy,
          endpoint: sourceEndpoints(vars, cwd),
          onNote: (n) => process.stderr.write(`note: ${n}\n`),
          onLine: (l) => process.stderr.write(`image ${l}\n`),
        });
      }
      const res = await exportBundle({ plan, resolved, artifactDir: plan.artifactDir, imageLayout: layout, images }, o.output);
      process.stdout.write(
        `${res.file}: ${res.entries} entries, ${humanBytes(res.size)}\n  sha256 ${res.sha256}\n  md5    ${res.md5}\n` +
          `Set download.artifact_file: ${res.file} and download.artifact_sha256: ${res.sha256} in the config of the offline cluster.\n`,
      );
    });
}

interface ImportFlags {
  config?: string;
  inventory?: string;
  workDir?: string;
}

function importCommand(loadModel: LoadModel): Command {
  return new Command('import')
    .description('unpack an offline bundle into the cache and binary_dir, verifying every entry first (no network)')
    .argument('<file>', 'the bundle (.tgz) made by `artifact export`')
    .option('-c, --config <file>', 'KubeKey v4 config.yaml: its work_dir, and download.artifact_sha256/artifact_md5 checked against the file')
    .option('-i, --inventory <file>', 'KubeKey v4 inventory.yaml')
    .option('--work-dir <dir>', 'work_dir to import into')
    .action(async (file: string, o: ImportFlags) => {
      const model = o.config ? loadModel(o.config, o.inventory) : null;
      const dirs = resolveInitDirs(model?.vars ?? {}, process.cwd(), o.workDir);
      const res = await importBundle(file, {
        binaryDir: dirs.binaryDir,
        workDir: dirs.workDir,
        artifactDir: dirs.artifactDir,
        expectSha256: model ? getNonEmptyString(model.vars, 'download.artifact_sha256') : undefined,
        expectMd5: model ? getNonEmptyString(model.vars, 'download.artifact_md5') : undefined,
      });
      process.stdout.write(
        `${file}: ${res.manifest.entries.length} entries verified (sha256 ${res.sha256})\n` +
          `  ${res.resolved.length} files under ${dirs.binaryDir}\n  ${res.images} images in ${res.imageLayout}\n`,
      );
    });
}

/** The builders, bound to the model loader `artifact list` uses. */
export function bundleSubcommands(loadModel: LoadModel): (() => Command)[] {
  return [() => downloadCommand(loadModel), () => exportCommand(loadModel), () => importCommand(loadModel)];
}
