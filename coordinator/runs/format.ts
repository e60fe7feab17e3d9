// Text for `kk-coordinator runs`, `runs show ID` and `runs logs ID [--host H]`.
import { UserError } from '../../shared/errors';
import { seconds, table } from '../../shared/text-format';
import type { RunStore } from './store';
import { runStatus } from './store';
import type { RunRecord, TaskRecord } from './types';

const when = (iso: string | undefined): string => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-');

function took(from: string | undefined, to: string | undefined): string {
  if (!from || !to) return '-';
  return seconds(Date.parse(to) - Date.parse(from));
}

/** `runs`: one line per run, newest first. */
export function listRuns(store: RunStore): string {
  const runs = store.list();
  if (runs.length === 0) return `no runs yet (they are kept in ${store.dir})\n`;
  return table(
    ['ID', 'STATUS', 'STARTED', 'TOOK', 'STOPPED IN', 'COMMAND'],
    runs.map((r) => [r.id, r.status, when(r.createdAt), took(r.createdAt, r.finishedAt), r.stoppedAt ?? '-', r.command.join(' ')]),
  );
}

function taskRow(t: TaskRecord): string[] {
  const exit = t.exitCode === undefined || t.exitCode === null ? '-' : String(t.exitCode);
  return [t.host, t.task, t.status + (t.fromJournal ? ' (journal)' : ''), t.durationMs !== undefined ? seconds(t.durationMs) : '-', exit, t.commandId ?? '-'];
}

/** `runs show ID`: what was asked, then per phase, per task and host, what happened. */
export function showRun(store: RunStore, id: string): string {
  const run: RunRecord = store.load(id);
  const out: string[] = [
    `run        ${run.id}`,
    `status     ${runStatus(run)}${run.error ? ` — ${run.error.split('\n')[0]}` : ''}`,
    `command    ${run.command.join(' ')}`,
    `inventory  ${run.inventory}`,
    `config     ${run.config ?? '-'}`,
    `started    ${when(run.createdAt)}${run.attempts.length > 1 ? ` (${run.attempts.length - 1} resume(s), last ${when(run.attempts.at(-1)?.startedAt)})` : ''}`,
    `finished   ${when(run.finishedAt)}`,
    '',
  ];
  for (const p of run.phaseRecords) {
    out.push(
      `${p.name}: ${p.status}${p.durationMs !== undefined ? ` (${seconds(p.durationMs)})` : ''}${p.message && p.status === 'ok' ? ` — ${p.message}` : ''}`,
    );
    if (p.tasks.length > 0) out.push(table(['HOST', 'TASK', 'STATUS', 'TOOK', 'EXIT', 'COMMAND ID'], p.tasks.map(taskRow)).trimEnd().replace(/^/gm, '  '));
    for (const t of p.tasks.filter((x) => x.status === 'failed')) {
      out.push(`  [${t.host}] ${t.task}: ${t.error ?? 'failed'}`);
      if (t.outputTail)
        out.push(
          t.outputTail
            .trimEnd()
            .split('\n')
            .slice(-20)
            .map((l) => `    ${l}`)
            .join('\n'),
        );
    }
  }
  if (run.error && run.status !== 'ok') out.push('', run.error);
  return out.join('\n') + '\n';
}

const STAMP = /^\d{4}-\d\d-\d\dT[\d:.]+Z /;

/**
 * `runs logs ID [--host H]`: one host's log as stored, or every host's merged by time with each
 * line prefixed by its host.
 */
export function runLogs(store: RunStore, id: string, host?: string): string {
  store.load(id); // a clear error for an unknown run
  const hosts = store.logHosts(id);
  if (host !== undefined) {
    if (!hosts.includes(host)) {
      throw new UserError(
        `run ${id} has no output from ${JSON.stringify(host)}${hosts.length ? `; hosts with output: ${hosts.join(', ')}` : ' (no host produced output)'}`,
      );
    }
    return store.readLog(id, host);
  }
  // Entries start with an ISO timestamp; continuation lines (journal tails) stay with their entry.
  const entries: Array<{ at: string; text: string }> = [];
  for (const h of hosts) {
    for (const line of store.readLog(id, h).split('\n')) {
      if (line === '') continue;
      const last = entries.at(-1);
      if (STAMP.test(line) || !last) entries.push({ at: line.slice(0, 24), text: `[${h}] ${line}` });
      else last.text += `\n[${h}] ${line}`;
    }
  }
  entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return entries.map((e) => e.text).join('\n') + (entries.length ? '\n' : '');
}
