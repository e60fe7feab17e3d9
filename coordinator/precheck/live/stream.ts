// The coordinator side of `kk-coordinator precheck` in live mode: gather, evaluate, send the
// report — and with watch, keep going and send a report whenever a result changed.
import type { ClusterModel } from '../../model/cluster';
import type { FioFacts } from '../../../shared/facts/types';
import { evaluate } from '../engine';
import { rules } from '../rules/index';
import { resolveSelectors } from '../selectors';
import type { Report } from '../report';
import { gatherLive, type LiveDeps } from './gather';

export interface LivePrecheckRequest {
  model: ClusterModel;
  skip: string[];
  ignoreErrors: string[];
  workDir: string;
  watch: boolean;
  watchIntervalMs: number;
}

export interface LivePrecheckSink {
  progress(line: string): void;
  report(r: Report): void;
  /** True once the operator went away (Ctrl-C): stop gathering. */
  cancelled(): boolean;
}

export async function runLivePrecheck(deps: LiveDeps, req: LivePrecheckRequest, sink: LivePrecheckSink): Promise<Report> {
  const skipped = resolveSelectors(req.skip, rules, '--skip', false);
  resolveSelectors(req.ignoreErrors, rules, '--ignore-errors', true);
  const keepFio = req.watch ? new Map<string, FioFacts>() : undefined;
  let last = '';
  let report: Report | undefined;
  let first = true;
  do {
    const ctx = await gatherLive(deps, req.model, {
      workDir: req.workDir,
      skipped,
      keepFio,
      progress: first ? (l) => sink.progress(l) : undefined,
    });
    report = evaluate(ctx, { skip: req.skip, ignoreErrors: req.ignoreErrors });
    const key = JSON.stringify(report.results);
    if (key !== last) {
      sink.report(report);
      last = key;
    }
    first = false;
    if (!req.watch) break;
    const until = Date.now() + req.watchIntervalMs;
    while (Date.now() < until && !sink.cancelled()) await new Promise((r) => setTimeout(r, 200));
  } while (!sink.cancelled());
  return report;
}
