// make bench: runs every benchmark, then writes bench/results.json (key → number) and the table
// in BENCHMARKS.md. Benchmarks never run in `make test` and never fail on time.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { benchAgentFacts } from './agent-facts';
import { benchAgentIdle } from './agent-idle';
import { benchOneLiner } from './oneliner';
import { benchAnsible } from './ansible';
import { benchMachines } from './machines';
import { benchBundle, benchDownloadRatio } from './downloads';
import { benchFleet, FLEET_KEYS } from './fleet-suite';
import { benchPrecheckFacts } from './precheck-facts';
import { benchComponents, benchInstall } from './install';
import { machineLine, round, type Figure } from './lib';
import { historyMarkdown } from './history';

const repo = path.resolve(import.meta.dirname, '..');
const only = process.argv.slice(2);
const want = (key: string) => only.length === 0 || only.includes(key);

const figures: Figure[] = [];
// A step yields one figure, several (one measurement, several keys), or none when it cannot run here.
const step = async (key: string, fn: () => Promise<Figure | Figure[] | null> | Figure | Figure[] | null) => {
  if (!want(key)) return;
  process.stderr.write(`bench: ${key} …\n`);
  const got = await fn();
  const list = got === null ? [] : Array.isArray(got) ? got : [got];
  for (const f of list) {
    figures.push(f);
    process.stderr.write(`bench: ${f.key} = ${round(f.median, 2)} ${f.unit} (min ${round(f.min, 2)}, max ${round(f.max, 2)}, ${f.runs} runs)\n`);
  }
  if (list.length === 0) process.stderr.write(`bench: ${key} skipped (needs root and the test machines)\n`);
};

await step('agent_facts_ms_median', () => benchAgentFacts(repo));
await step('agent_idle_rss_mb', () => benchAgentIdle());
await step('oneliner_to_visible_s', () => benchOneLiner());
await step('ansible', () => benchAnsible());
await step('machines', () => benchMachines());
await step('download_vs_curl_ratio', () => benchDownloadRatio());
await step('bundle_export_1gb_s', async () => (await benchBundle()).export);
await step('bundle_import_1gb_s', async () => (await benchBundle()).import);
await step('precheck_facts_5000_ms', () => benchPrecheckFacts(repo));
await step('components_cold_s', () => benchComponents().filter((f) => f.key === 'components_cold_s'));
await step('components_size_gb', () => benchComponents().filter((f) => f.key === 'components_size_gb'));
// One pair of real installs (3 and 5 machines) serves the create_cluster and install keys.
let installFigures: Promise<Figure[]> | undefined;
for (const key of [
  'create_cluster_3_s',
  'create_cluster_rerun_3_s',
  'create_cluster_overhead_3_pct',
  'create_cluster_5_s',
  'install_part1_3_s',
  'install_part1_rerun_3_s',
  'install_rerun_3_s',
]) {
  await step(key, async () => (await (installFigures ??= benchInstall(want('create_cluster_5_s')))).filter((f) => f.key === key));
}
// One simulated fleet serves all the fleet keys: measured once, handed out per key.
let fleetFigures: Promise<Figure[]> | undefined;
for (const key of FLEET_KEYS) await step(key, async () => (await (fleetFigures ??= benchFleet(want))).filter((f) => f.key === key));

const resultsFile = path.join(repo, 'bench/results.json');
const results: Record<string, number> = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Record<string, number>) : {};
const detailsFile = path.join(repo, 'bench/details.json');
const details: Record<string, Figure & { date: string; machine: string }> = existsSync(detailsFile)
  ? (JSON.parse(readFileSync(detailsFile, 'utf8')) as Record<string, Figure & { date: string; machine: string }>)
  : {};
const date = new Date().toISOString().slice(0, 10);
const machine = machineLine();
for (const f of figures) {
  results[f.key] = round(f.median, 2);
  details[f.key] = { ...f, date, machine };
}
writeFileSync(resultsFile, JSON.stringify(results, null, 2) + '\n');
writeFileSync(detailsFile, JSON.stringify(details, null, 2) + '\n');

const rows = Object.values(details).map(
  (d) =>
    `| \`${d.key}\` | ${d.what} | **${round(d.median, 2)} ${d.unit}** | ${round(d.min, 2)} – ${round(d.max, 2)} (${d.runs} runs) | ${d.goal ?? ''} | \`${d.command}\` | ${d.date} |`,
);
const machines = [...new Set(Object.values(details).map((d) => d.machine))];
const md = `# Benchmarks

Every figure below comes from \`make bench\` (\`node --import tsx bench/run.ts [KEY…]\`) on the
machine named here; nothing is typed by hand. \`bench/results.json\` holds the medians (key →
number); \`bench/details.json\` the spread, command and date of each. Benchmarks are never part of
\`make test\`.

Machine: ${machines.join('; ')}

| key | what | median | min – max | goal | command | date |
|---|---|---|---|---|---|---|
${rows.join('\n')}

Notes
${Object.values(details)
  .filter((d) => d.note)
  .map((d) => `- \`${d.key}\`: ${d.note}`)
  .join('\n')}
${historyMarkdown(repo, results)}`;
writeFileSync(path.join(repo, 'BENCHMARKS.md'), md);
process.stderr.write(`bench: wrote bench/results.json and BENCHMARKS.md\n`);
