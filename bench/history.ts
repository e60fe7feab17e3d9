// The goal figures as bench/results.json held them at each commit that changed it, oldest first,
// then this run's: the before → after record of every fix, read from git, never typed by hand.
import { execFileSync } from 'node:child_process';

export const HISTORY_KEYS = [
  'enroll_1000_s',
  'fanout_1000_p99_ms',
  'precheck_live_1000_ms',
  'precheck_facts_5000_ms',
  'coordinator_rss_1000_mb',
  'agent_idle_rss_mb',
  'agent_facts_ms_median',
  'ansible_facts_ratio',
  'ansible_command_ratio',
  'run_true_3_p50_ms',
] as const;

interface Row {
  label: string;
  values: Record<string, number>;
}

function git(repo: string, args: string[]): string | null {
  try {
    return execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null; // not a git checkout (an exported tree): no history to show
  }
}

export function historyRows(repo: string, current: Record<string, number>): Row[] {
  const rows: Row[] = [];
  const log = git(repo, ['log', '--reverse', '--format=%h %cs', '--', 'bench/results.json']) ?? '';
  for (const line of log.split('\n').filter(Boolean)) {
    const [hash, date] = line.split(' ');
    const text = git(repo, ['show', `${hash}:bench/results.json`]);
    if (!hash || !text) continue;
    try {
      rows.push({ label: `${date} ${hash}`, values: JSON.parse(text) as Record<string, number> });
    } catch {
      // a commit with a torn file: skip it
    }
  }
  rows.push({ label: 'this run', values: current });
  // Keep a row only where a goal figure changed: commits that re-ran other keys add nothing here.
  const same = (a: Row, b: Row) => HISTORY_KEYS.every((k) => a.values[k] === b.values[k]);
  const any = (r: Row) => HISTORY_KEYS.some((k) => r.values[k] !== undefined);
  return rows.filter(any).filter((r, i, kept) => i === 0 || !same(r, kept[i - 1]!));
}

export function historyMarkdown(repo: string, current: Record<string, number>): string {
  const rows = historyRows(repo, current);
  if (rows.length < 2) return '';
  const head = `| results.json at | ${HISTORY_KEYS.map((k) => `\`${k}\``).join(' | ')} |`;
  const rule = `|---|${HISTORY_KEYS.map(() => '---').join('|')}|`;
  const body = rows.map((r) => `| ${r.label} | ${HISTORY_KEYS.map((k) => (r.values[k] === undefined ? '' : String(r.values[k]))).join(' | ')} |`);
  return `\n## History\n\nThe goal figures as \`bench/results.json\` held them at each commit that changed one of them\n(\`git log -- bench/results.json\`), then this run: what each fix did. Causes and fixes are in\ndocs/design.md ("Performance choices") and the commit messages.\n\n${[head, rule, ...body].join('\n')}\n`;
}
