import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadCluster } from '../../inventory/index';
import { evaluate, exitCodeOf, renderJson, renderTable, diffReports, formatChange, rules, resolveSelectors, splitSelectors } from '../../precheck/index';
import type { Report, Result } from '../../precheck/index';
import { readFactsFile } from '../../precheck/facts-file';
import { inspectArtifact } from '../../precheck/inputs/artifact';
import { optString } from '../../precheck/vars';
import { adminClient, describe } from '../client/admin-client';
import { withConnection, connection } from '../common';
import { parseDuration } from '../format';
import { UserError } from '../../../shared/errors';
import type { PrecheckReport__Output } from '../../../shared/proto/generated/kk/v1/PrecheckReport';
import { GrpcStatus } from '../../../shared/proto/grpc-status';

interface PrecheckOptions {
  inventory: string;
  config?: string;
  output: 'table' | 'wide' | 'json';
  facts?: string;
  skip: string[];
  ignoreErrors: string[];
  watch?: boolean;
  watchInterval: string;
  dataDir: string;
  coordinator?: string;
  credentials?: string;
}

const collect = (v: string, prev: string[]) => [...prev, v];

function reportFromWire(w: PrecheckReport__Output): Report {
  return {
    summary: w.summary ?? { pass: 0, fail: 0, warn: 0, skip: 0 },
    results: w.results.map((r): Result => ({
      id: r.id,
      host: r.host ?? null,
      status: r.status as Result['status'],
      severity: r.severity as Result['severity'],
      message: r.message,
    })),
  };
}

function print(report: Report, output: PrecheckOptions['output']): void {
  if (output === 'json') process.stdout.write(renderJson(report));
  else process.stdout.write(renderTable(report, { wide: output === 'wide', color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR }));
}

export function precheckCommand(): Command {
  return withConnection(new Command('precheck'))
    .description('evaluate every precheck rule against live agents (or recorded facts) and report what would fail')
    .requiredOption('-i, --inventory <file>', 'KubeKey v4 inventory.yaml')
    .option('-c, --config <file>', 'KubeKey v4 config.yaml (defaults apply without it)')
    .addOption(
      new Option('-o, --output <format>', 'table: failures and warnings; wide: every result; json: the full report')
        .choices(['table', 'wide', 'json'])
        .default('table'),
    )
    .option('--facts <file>', 'evaluate against recorded facts ({"nodes": {host: facts}}) — no coordinator, no network')
    .option('--skip <ids>', 'rule ids or tags not evaluated, comma-separated (repeatable)', collect, [])
    .option('--ignore-errors <ids>', 'rule ids, tags or "all" whose errors become warnings (repeatable)', collect, [])
    .option('--watch', 'live: keep re-evaluating and print each change (Ctrl-C to stop)')
    .option('--watch-interval <duration>', 'live --watch: how often agents are asked again', '5s')
    .addHelpText(
      'after',
      `
Exit codes: 0 no failures, 1 at least one failure, 2 bad input (inventory, config, fact file, rule id).

Examples:
  kk-coordinator precheck -i inventory.yaml -c config.yaml
  kk-coordinator precheck -i inventory.yaml -c config.yaml --skip etcd.disk_io --ignore-errors node.swap
  kk-coordinator precheck -i inventory.yaml --facts recorded.json -o json
  kk-coordinator precheck -i inventory.yaml -c config.yaml --watch`,
    )
    .action(async (o: PrecheckOptions) => {
      const model = loadCluster(o.inventory, o.config ?? null);
      for (const w of model.warnings) process.stderr.write(`warning: ${w}\n`);
      const skip = splitSelectors(o.skip);
      const ignoreErrors = splitSelectors(o.ignoreErrors);
      resolveSelectors(skip, rules, '--skip', false);
      resolveSelectors(ignoreErrors, rules, '--ignore-errors', true);

      if (o.facts) {
        if (o.watch) throw new UserError('--watch needs live agents: it cannot be used with --facts', 2);
        const recorded = readFactsFile(o.facts);
        const facts = new Map(model.hosts.map((h) => [h.name, recorded.get(h.name) ?? null]));
        const factErrors = new Map(model.hosts.filter((h) => !recorded.has(h.name)).map((h) => [h.name, `${o.facts} has no facts for this host`]));
        const artifactFile = optString(model.vars, 'download.artifact_file');
        const artifact = artifactFile ? await inspectArtifact(artifactFile, process.cwd()) : undefined;
        const report = evaluate({ model, facts, factErrors, mode: 'facts', artifact }, { skip, ignoreErrors });
        print(report, o.output);
        process.exitCode = exitCodeOf(report);
        return;
      }

      let interval: number;
      try {
        interval = parseDuration(o.watchInterval) * 1000;
      } catch (err) {
        throw new UserError((err as Error).message, 2);
      }
      const client = await adminClient(connection(o));
      const stream = client.stream('Precheck', {
        inventoryName: path.basename(o.inventory),
        inventoryYaml: readFileSync(o.inventory, 'utf8'),
        configName: o.config ? path.basename(o.config) : '',
        configYaml: o.config ? readFileSync(o.config, 'utf8') : '',
        skip,
        ignoreErrors,
        watch: Boolean(o.watch),
        workDir: process.cwd(),
        watchIntervalMs: interval,
      });
      let previous: Report | undefined;
      const onSigint = () => stream.cancel();
      process.once('SIGINT', onSigint);
      await new Promise<void>((resolve, reject) => {
        stream.on('data', (ev) => {
          if (ev.progress) {
            process.stderr.write(`${ev.progress}\n`);
            return;
          }
          if (!ev.report) return;
          const report = reportFromWire(ev.report);
          if (!previous || !o.watch) print(report, o.output);
          else if (o.output === 'json') process.stdout.write(renderJson(report));
          else {
            const stamp = new Date().toISOString().slice(11, 19);
            for (const c of diffReports(previous, report)) process.stdout.write(`${stamp} ${formatChange(c)}\n`);
          }
          previous = report;
        });
        stream.on('error', (err) => {
          if (err.code === GrpcStatus.CANCELLED) resolve();
          else if (err.code === GrpcStatus.INVALID_ARGUMENT) reject(new UserError(err.details, 2));
          else if (err.code === GrpcStatus.UNAVAILABLE) reject(describe(err, client.address));
          else reject(new UserError(`precheck failed: ${err.details || err.message}`));
        });
        stream.on('end', () => resolve());
      });
      process.removeListener('SIGINT', onSigint);
      client.close();
      if (!previous) throw new UserError('the coordinator sent no report');
      process.exitCode = exitCodeOf(previous);
    });
}
