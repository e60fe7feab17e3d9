// init: certificates and downloads, done by the coordinator itself (KubeKey runs them on
// localhost; kubekey-v4.md §5). Two tasks on '@coordinator', recorded like any other task;
// running them again (--resume) is safe: IfNotPresent keeps every valid certificate.
import { errorMessage } from '../../shared/errors';
import { COORDINATOR_HOST } from '../runs/types';
import { initDirs, runInitCerts, runInitDownloads } from '../init';
import type { InitSteps } from '../init';
import type { Phase, PhaseContext, PhaseResult } from './types';

const CERTS = 'generate certificates';
/** The run parameter holding init's verified files (JSON ResolvedArtifact[]). */
export const RESOLVED_PARAM = 'init.artifacts';
const DOWNLOAD = 'download artifacts';

/** Runs one coordinator-side task, recording it; `work` returns [ok, one-line summary]. */
async function coordinatorTask(ctx: PhaseContext, task: string, work: () => Promise<[boolean, string]>): Promise<PhaseResult> {
  const run = ctx.run;
  if (!run) throw new Error('init.run needs a run');
  const key = { phase: 'init' as const, task, host: COORDINATOR_HOST };
  const started = ctx.now();
  run.store.updateTask(run.id, key, { status: 'running', startedAt: started.toISOString(), error: undefined });
  ctx.progress.task(COORDINATOR_HOST, 'init', task, 'running');
  let ok: boolean;
  let summary: string;
  try {
    [ok, summary] = await work();
  } catch (err) {
    ok = false;
    summary = `${task}: ${errorMessage(err)}`;
  }
  const durationMs = ctx.now().getTime() - started.getTime();
  run.store.updateTask(run.id, key, {
    status: ok ? 'ok' : 'failed',
    finishedAt: ctx.now().toISOString(),
    durationMs,
    outputTail: summary,
    error: ok ? undefined : summary,
  });
  ctx.progress.task(COORDINATOR_HOST, 'init', task, ok ? 'ok' : 'failed', { durationMs, detail: summary });
  return { ok, message: summary };
}

export function makeInitPhase(steps: InitSteps = {}): Phase {
  const phase: Phase = {
    name: 'init',
    title: 'certificates and downloads',
    shouldRun: () => true,
    plan: (ctx) => {
      const dirs = initDirs(ctx);
      return {
        phase: 'init',
        title: phase.title,
        tasks: [
          { task: CERTS, host: COORDINATOR_HOST, spec: null, description: `generate or check the cluster certificates in ${dirs.pkiDir} (on the coordinator)` },
          { task: DOWNLOAD, host: COORDINATOR_HOST, spec: null, description: `fetch binaries, charts and images into ${dirs.binaryDir} (on the coordinator)` },
        ],
        notes: steps.download ? [] : ['downloads: no downloader configured; the artifact plan is computed but nothing is fetched'],
      };
    },
    async run(ctx) {
      const initCtx = { model: ctx.model, log: ctx.log, cwd: ctx.cwd, now: ctx.now, signal: ctx.signal };
      const certs = await coordinatorTask(ctx, CERTS, async () => {
        const r = await runInitCerts(initCtx);
        if (r.problems.length > 0) {
          return [false, `certificate problems: ${r.problems.map((p) => `${p.path}: ${p.problems.join('; ')}`).join(' | ')}`];
        }
        return [true, `${r.written.length / 2} generated, ${r.kept.length} kept`];
      });
      if (!certs.ok) return certs;
      const downloads = await coordinatorTask(ctx, DOWNLOAD, async () => {
        const { downloads: d } = await runInitDownloads(initCtx, steps);
        // The install steps fetch these by sha256; kept in the run so --resume plans the same commands.
        if (d.ok && d.resolved) ctx.param(RESOLVED_PARAM, () => JSON.stringify(d.resolved));
        return [d.ok, d.summary];
      });
      if (!downloads.ok) return downloads;
      return { ok: true, message: `${certs.message}; ${downloads.message}` };
    },
  };
  return phase;
}

export const initPhase = makeInitPhase();
