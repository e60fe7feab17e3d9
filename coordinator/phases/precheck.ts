// precheck: the rules are evaluated centrally on the coordinator (against the nodes' reported
// facts) by the engine the caller injects; this phase records the outcome and stops the run on
// failures unless the operator chose to ignore them.
import { errorMessage } from '../../shared/errors';
import { COORDINATOR_HOST } from '../runs/types';
import type { Phase } from './types';

const TASK = 'evaluate rules';

export const precheckPhase: Phase = {
  name: 'precheck',
  title: "evaluate the precheck rules against every host's facts",
  shouldRun: () => true,
  plan: (ctx) => ({
    phase: 'precheck',
    title: precheckPhase.title,
    tasks: [
      {
        task: TASK,
        host: COORDINATOR_HOST,
        spec: null,
        description: `evaluate the precheck rules for ${ctx.model.hosts.length} host(s) on the coordinator (no commands sent)`,
      },
    ],
    notes: [ctx.ignorePrecheckFailures ? 'failed checks are reported but do not stop the run' : 'any failed check stops the run here'],
  }),
  async run(ctx) {
    const run = ctx.run;
    if (!run) throw new Error('precheck.run needs a run');
    const key = { phase: 'precheck' as const, task: TASK, host: COORDINATOR_HOST };
    const started = ctx.now();
    run.store.updateTask(run.id, key, { status: 'running', startedAt: started.toISOString(), error: undefined });
    ctx.progress.task(COORDINATOR_HOST, 'precheck', TASK, 'running');
    let failed: number;
    try {
      ({ failed } = await ctx.runPrecheck(ctx));
    } catch (err) {
      const message = `precheck could not run: ${errorMessage(err)}`;
      const durationMs = ctx.now().getTime() - started.getTime();
      run.store.updateTask(run.id, key, { status: 'failed', finishedAt: ctx.now().toISOString(), durationMs, error: message });
      ctx.progress.task(COORDINATOR_HOST, 'precheck', TASK, 'failed', { durationMs, detail: message });
      return { ok: false, message };
    }
    const durationMs = ctx.now().getTime() - started.getTime();
    const stop = failed > 0 && !ctx.ignorePrecheckFailures;
    const summary = failed === 0 ? 'all checks passed' : `${failed} check(s) failed${stop ? '' : ' (ignored)'}`;
    run.store.updateTask(run.id, key, {
      status: stop ? 'failed' : 'ok',
      finishedAt: ctx.now().toISOString(),
      durationMs,
      outputTail: summary,
      error: stop ? summary : undefined,
    });
    ctx.progress.task(COORDINATOR_HOST, 'precheck', TASK, stop ? 'failed' : 'ok', { durationMs, detail: summary });
    return stop ? { ok: false, message: `precheck: ${summary}` } : { ok: true, message: summary };
  },
};
