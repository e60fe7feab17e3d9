// The admin calls that run things on nodes: `create cluster` (the phase pipeline), `run -- CMD`
// (one command on many hosts) and the run history. They run here, in the coordinator, because it
// holds the command path; the CLI only streams what happens.
import * as grpc from '@grpc/grpc-js';
import { randomBytes } from 'node:crypto';
import type { AdminServiceHandlers } from '../../shared/proto/generated/kk/v1/AdminService';
import type { RunEvent } from '../../shared/proto/generated/kk/v1/RunEvent';
import type { CommandDispatcher } from '../commands/dispatcher';
import type { LiveDeps } from '../precheck/live/gather';
import { gatherLive } from '../precheck/live/gather';
import { matchHosts } from '../precheck/live/match';
import { evaluate, rules, resolveSelectors } from '../precheck/index';
import { EventProgress } from '../phases/progress-events';
import { loadCluster, loadClusterFromText } from '../inventory/index';
import type { ClusterModel } from '../model/cluster';
import { createClusterPipeline, deleteClusterPipeline, runPipeline } from '../phases/index';
import type { PipelineDeps } from '../phases/index';
import type { CreateClusterRequest__Output } from '../../shared/proto/generated/kk/v1/CreateClusterRequest';
import type { RunCommandRequest__Output } from '../../shared/proto/generated/kk/v1/RunCommandRequest';
import type { RunPrecheck } from '../phases/index';
import { RunStore, listRuns, showRun, runLogs } from '../runs/index';
import { mappedExecutor } from './host-executor';
import { bundleStep, downloadStep } from '../init/steps';
import { optString } from '../precheck/vars';
import { CallRefused, answersItself, toServiceError } from './peer';
import { UserError } from '../../shared/errors';
import type { Logger } from '../../shared/log';

export interface RunServiceDeps {
  dataDir: string;
  /** What `serve` publishes at /artifacts/<sha256>: init caches what it verifies here, so install steps can fetch it. */
  artifactStore: string;
  dispatcher: () => CommandDispatcher | undefined;
  live: LiveDeps;
  log: Logger;
}

type RunHandlers = Pick<AdminServiceHandlers, 'CreateCluster' | 'DeleteCluster' | 'RunCommand' | 'ListRuns' | 'ShowRun' | 'RunLogs'>;

function hostMap(deps: RunServiceDeps, model: ClusterModel): Map<string, string> {
  const agents = deps.live.registry.list().map((n) => ({ name: n.name, facts: deps.live.registry.getFacts(n.name)?.facts ?? null }));
  return matchHosts(model, agents).matches;
}

function modelFrom(r: { inventoryName: string; inventoryYaml: string; configName: string; configYaml: string }): ClusterModel {
  try {
    return loadClusterFromText(
      { name: r.inventoryName || 'inventory.yaml', text: r.inventoryYaml },
      r.configName ? { name: r.configName, text: r.configYaml } : null,
    );
  } catch (err) {
    throw new CallRefused(grpc.status.INVALID_ARGUMENT, (err as Error).message);
  }
}

/** Splits streamed bytes into whole lines per host, so interleaved hosts never share a line. */
class LinePrefixer {
  private readonly partial = new Map<string, string>();
  constructor(private readonly emit: (text: string) => void) {}
  push(host: string, chunk: string): void {
    const text = (this.partial.get(host) ?? '') + chunk;
    const lines = text.split('\n');
    this.partial.set(host, lines.pop() ?? '');
    if (lines.length) this.emit(lines.map((l) => `[${host}] ${l}\n`).join(''));
  }
  flush(host: string): void {
    const rest = this.partial.get(host);
    if (rest) this.emit(`[${host}] ${rest}\n`);
    this.partial.delete(host);
  }
}

export function runServiceHandlers(
  deps: RunServiceDeps,
  requireAdmin: (call: grpc.ServerWritableStream<never, never> | grpc.ServerUnaryCall<never, never>) => void,
): RunHandlers {
  const store = new RunStore(deps.dataDir);
  const needDispatcher = () => {
    const d = deps.dispatcher();
    if (!d) throw new CallRefused(grpc.status.UNAVAILABLE, 'the command path is not ready (NATS is starting): try again in a moment');
    return d;
  };

  const streamFailure = (call: grpc.ServerWritableStream<unknown, RunEvent>, err: unknown) => {
    const e = err instanceof UserError ? new CallRefused(grpc.status.INVALID_ARGUMENT, err.message) : err;
    call.emit('error', toServiceError(e));
  };

  const text =
    <Req>(fn: (req: Req) => string) =>
    (call: grpc.ServerUnaryCall<Req, { text: string }>, cb: grpc.sendUnaryData<{ text: string }>) => {
      try {
        requireAdmin(call as unknown as grpc.ServerUnaryCall<never, never>);
        cb(null, { text: fn(call.request) });
      } catch (err) {
        const e = err instanceof UserError ? new CallRefused(grpc.status.NOT_FOUND, err.message) : err;
        cb(toServiceError(e));
      }
    };

  const clusterRun =
    (kind: 'create' | 'delete') =>
    async (call: grpc.ServerWritableStream<CreateClusterRequest__Output, RunEvent>): Promise<void> => {
      try {
        requireAdmin(call as unknown as grpc.ServerWritableStream<never, never>);
        const r = call.request;
        let model: ClusterModel;
        if (r.resume && !r.inventoryYaml) {
          const run = store.load(r.resume);
          model = loadCluster(run.inventory, run.config);
        } else model = modelFrom(r);
        const dispatcher = r.dryRun ? undefined : needDispatcher();
        const abort = new AbortController();
        call.on('cancelled', () => abort.abort());
        const write = (t: string) => {
          if (!abort.signal.aborted) call.write({ output: t });
        };
        const hostToNode = hostMap(deps, model);
        const skip = r.skip;
        const ignoreErrors = r.ignoreErrors;
        resolveSelectors(skip, rules, '--skip', false);
        resolveSelectors(ignoreErrors, rules, '--ignore-errors', true);
        const runPrecheck: RunPrecheck = async () => {
          const ctx = await gatherLive(deps.live, model, {
            workDir: r.workDir || process.cwd(),
            skipped: resolveSelectors(skip, rules, '--skip', false),
            progress: (l) => write(`precheck: ${l}\n`),
          });
          const report = evaluate(ctx, { skip, ignoreErrors });
          // The client renders the table for its own terminal.
          if (!abort.signal.aborted) call.write({ precheckReportJson: JSON.stringify(report) });
          return { failed: report.summary.fail, report };
        };
        const pipelineDeps: PipelineDeps = {
          model,
          executor: dispatcher ? mappedExecutor(dispatcher, hostToNode) : { send: () => Promise.reject(new Error('dry run sends nothing')) },
          runStore: store,
          runPrecheck,
          log: deps.log,
          output: { write, isTTY: false },
          progress: new EventProgress((ev) => {
            if (!abort.signal.aborted) call.write({ progress: ev });
          }),
          cwd: r.workDir || process.cwd(),
          init: r.noDownload
            ? { artifactStore: deps.artifactStore }
            : {
                artifactStore: deps.artifactStore,
                download: r.artifact
                  ? bundleStep(
                      r.artifact,
                      { sha256: optString(model.vars, 'download.artifact_sha256'), md5: optString(model.vars, 'download.artifact_md5') },
                      deps.artifactStore,
                    )
                  : downloadStep(write, deps.artifactStore),
              },
          maxParallel: r.maxParallel || undefined,
          facts: (host) => {
            const node = hostToNode.get(host);
            return node ? (deps.live.registry.getFacts(node)?.facts ?? null) : null;
          },
        };
        const pipeline =
          kind === 'create' ? createClusterPipeline(pipelineDeps) : deleteClusterPipeline(pipelineDeps, { all: r.deleteAll, withData: r.withData });
        deps.log.info({ resume: r.resume || undefined, dryRun: r.dryRun, hosts: model.hosts.length }, `${kind} cluster`);
        const res = await runPipeline(pipeline, {
          command: r.command,
          phases: r.phases.length ? r.phases : null,
          skipPhases: r.skipPhases,
          dryRun: r.dryRun,
          resume: r.resume || undefined,
          ignorePrecheckFailures: r.ignorePrecheckErrors,
          signal: abort.signal,
          force: r.force,
          planJson: r.planJson,
        });
        if (!abort.signal.aborted) {
          call.write({ finished: { runId: res.runId ?? '', status: res.status, failedPhase: res.failedPhase ?? '', message: res.message ?? '' } });
        }
        call.end();
      } catch (err) {
        streamFailure(call, err);
      }
    };

  return {
    CreateCluster: answersItself(clusterRun('create')),
    DeleteCluster: answersItself(clusterRun('delete')),

    RunCommand: answersItself(async (call: grpc.ServerWritableStream<RunCommandRequest__Output, RunEvent>) => {
      try {
        requireAdmin(call as unknown as grpc.ServerWritableStream<never, never>);
        const r = call.request;
        if (r.argv.length === 0) throw new CallRefused(grpc.status.INVALID_ARGUMENT, 'nothing to run: put the command after --');
        const model = modelFrom(r);
        const known = new Set(model.hosts.map((h) => h.name));
        const selected = new Set<string>();
        for (const name of r.hosts
          .flatMap((h) => h.split(','))
          .map((h) => h.trim())
          .filter(Boolean)) {
          if (known.has(name)) selected.add(name);
          else if (model.groups[name]) for (const h of model.groups[name] ?? []) selected.add(h);
          else
            throw new CallRefused(
              grpc.status.INVALID_ARGUMENT,
              `--hosts: "${name}" is neither a host nor a group of the inventory (groups: ${Object.keys(model.groups).join(', ')})`,
            );
        }
        const hosts = selected.size ? model.hosts.map((h) => h.name).filter((h) => selected.has(h)) : model.hosts.map((h) => h.name);
        const executor = mappedExecutor(needDispatcher(), hostMap(deps, model));
        const abort = new AbortController();
        call.on('cancelled', () => abort.abort());
        const write = (t: string) => {
          if (!abort.signal.aborted) call.write({ output: t });
        };
        const lines = new LinePrefixer(write);
        const tag = `adhoc-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
        const exitCodes: Record<string, number> = {};
        const errors: Record<string, string> = {};
        deps.log.info({ hosts: hosts.length, argv0: r.argv[0] }, 'run');
        const startedAt = Date.now();
        await Promise.all(
          hosts.map(async (host, i) => {
            const out = await executor.send(
              host,
              { exec: { argv: r.argv, timeoutMs: (r.timeoutSeconds || 0) * 1000 } },
              {
                id: `${tag}-${i}`,
                timeoutMs: r.timeoutSeconds ? r.timeoutSeconds * 1000 + 60_000 : 24 * 3600_000,
                signal: abort.signal,
                onOutput: (c) => lines.push(host, c.data.toString('utf8')),
              },
            );
            lines.flush(host);
            // Per-host completion as the coordinator sees it (bench/fleet-fanout.ts reads these).
            deps.log.debug({ run: tag, host, status: out.status, ms: Date.now() - startedAt }, 'run: host done');
            exitCodes[host] = out.exitCode ?? -1;
            if (out.status !== 'ok' && out.status !== 'failed') errors[host] = `${out.status}${out.error ? `: ${out.error}` : ''}`;
            else if (out.exitCode === null) errors[host] = out.error ?? out.status;
          }),
        );
        if (!abort.signal.aborted)
          call.write({ finished: { runId: tag, status: Object.values(exitCodes).every((c) => c === 0) ? 'ok' : 'failed', exitCodes, errors } });
        call.end();
      } catch (err) {
        streamFailure(call, err);
      }
    }),

    ListRuns: text(() => listRuns(store)),
    ShowRun: text((req) => (req.json ? JSON.stringify(store.load(req.id), null, 2) + '\n' : showRun(store, req.id))),
    RunLogs: text((req) => runLogs(store, req.id, req.host || undefined)),
  };
}
