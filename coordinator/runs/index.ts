// Public surface of run persistence (see store.ts for the layout on disk).
export { RunStore, runStatus, summarize, tail, TASK_TAIL_BYTES } from './store';
export type { CreateRunInput, TaskKey, RunStoreOptions } from './store';
export { listRuns, showRun, runLogs } from './format';
export { newRunId, isRunId, commandId, payloadDigest, compactTimestamp } from './ids';
export { ownerAlive, currentOwner } from './owner';
export { PHASE_NAMES, COORDINATOR_HOST } from './types';
export type { PhaseName, RunRecord, RunSummary, RunStatus, TaskRecord, PhaseRecord, TaskStatus } from './types';
