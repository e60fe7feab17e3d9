// The init phase's work on the coordinator (kubekey-v4.md §5): the cluster certificates, then
// the artifact downloads. Each step is a function of the model and the resolved directories; the
// phase module (coordinator/phases/init.ts) records them as tasks on '@coordinator'.
import type { Logger } from '../../shared/log';
import type { ClusterModel } from '../model/cluster';
import { generateCerts } from './certs';
import type { GenerateResult } from './certs';
import { planArtifacts } from './artifacts/plan';
import type { ArtifactPlan } from './artifacts/types';
import type { ResolvedArtifact } from './artifacts/cache';
import { resolveInitDirs } from './workdir';
import type { InitDirs } from './workdir';

export interface InitContext {
  model: ClusterModel;
  log: Logger;
  /** The directory work_dir defaults to. */
  cwd: string;
  now: () => Date;
  signal: AbortSignal;
}

export interface DownloadOutcome {
  ok: boolean;
  /** One line for the run record. */
  summary: string;
  /** Files fetched this time / already present (verified) / failed, by artifact id. */
  fetched: string[];
  cached: string[];
  failed: { id: string; error: string }[];
  /** Every verified file (what install steps fetch by sha256 from the coordinator's artifact store). */
  resolved?: ResolvedArtifact[];
}

/** Fetches (and verifies) every artifact of the plan into its destination. */
export type DownloadStep = (plan: ArtifactPlan, ctx: InitContext & { dirs: InitDirs }) => Promise<DownloadOutcome>;

export interface InitSteps {
  /** The downloader; absent → downloads are skipped and the outcome says so. */
  download?: DownloadStep;
  /**
   * The coordinator's artifact store (`<data-dir>/artifacts`): verified files are cached there,
   * which is what `serve` publishes to agents at /artifacts/<sha256>. Absent: the plan's artifact_dir.
   */
  artifactStore?: string;
}

export interface InitResult {
  dirs: InitDirs;
  certs: GenerateResult;
  plan: ArtifactPlan;
  downloads: DownloadOutcome;
}

export function initDirs(ctx: Pick<InitContext, 'model' | 'cwd'>): InitDirs {
  return resolveInitDirs(ctx.model.vars, ctx.cwd);
}

export async function runInitCerts(ctx: InitContext): Promise<GenerateResult> {
  return generateCerts(ctx.model, { workDir: initDirs(ctx).workDir, now: ctx.now(), log: ctx.log, cwd: ctx.cwd });
}

export async function runInitDownloads(ctx: InitContext, steps: InitSteps = {}): Promise<{ plan: ArtifactPlan; downloads: DownloadOutcome }> {
  const dirs = initDirs(ctx);
  const plan = planArtifacts(ctx.model, { cwd: ctx.cwd });
  if (!steps.download) {
    return {
      plan,
      downloads: {
        ok: true,
        summary: `${plan.artifacts.length} file(s) planned; no downloader configured, nothing fetched`,
        fetched: [],
        cached: [],
        failed: [],
      },
    };
  }
  return { plan, downloads: await steps.download(plan, { ...ctx, dirs }) };
}

/** Both steps in order; downloads run even when certificates have problems (the phase decides what fails the run). */
export async function runInit(ctx: InitContext, steps: InitSteps = {}): Promise<InitResult> {
  const certs = await runInitCerts(ctx);
  const { plan, downloads } = await runInitDownloads(ctx, steps);
  return { dirs: initDirs(ctx), certs, plan, downloads };
}
