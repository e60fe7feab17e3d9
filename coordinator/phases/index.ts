// Public surface of the phase pipeline. Wiring (for the CLI's `create cluster`):
//
//   const model = loadCluster(inventory, config);          // or, for --resume, the run's own paths
//   const pipeline = createClusterPipeline({ model, executor: dispatcher, runStore, runPrecheck, log, output: process.stdout });
//   const result = await runPipeline(pipeline, { command: process.argv.slice(2), phases, skipPhases, dryRun, resume, signal });
//   process.exitCode = result.status === 'ok' || result.status === 'planned' ? 0 : 1;
export { createClusterPipeline, deleteClusterPipeline, runPipeline, selectPhases } from './manager';
export type { Pipeline, PipelineDeps, RunOptions, PipelineResult } from './manager';
export type { Phase, PhaseContext, PhasePlan, PlannedTask, PhaseResult, PrecheckOutcome, RunPrecheck } from './types';
export type { HostExecutor, CommandSpec, CommandOutcome, OutcomeStatus, SendOptions, OutputEvent } from './executor';
export { createProgress, PlainProgress, TtyProgress } from './progress';
export type { Progress, ProgressOutput } from './progress';
export { formatPlan } from './plan-format';
export { planHooks, scriptsForHost, hookEnv, kubeadmBackupScript, REMOTE_SCRIPTS_DIR } from './hook-plan';
export { readHookScripts, resolveScriptsDir } from './hook-scripts';
