// service: the systemd executor. systemctl for the action, then `systemctl show` until the unit
// is active or has failed (start/restart), and the unit's journal tail when it failed. The
// command lines and the parsing are pure functions; the runner is injectable for unit tests.
import { execFile } from 'node:child_process';
import type { ServiceCommand } from '../../shared/commands/codec';
import { commandEnvironment } from './environment';
import { failed, type ExecutorContext, type ExecutorOutcome } from './types';

export const SERVICE_ACTIONS = ['daemon-reload', 'enable', 'disable', 'start', 'restart', 'stop', 'status'] as const;
export type ServiceAction = (typeof SERVICE_ACTIONS)[number];

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}
export type Runner = (argv: string[], timeoutMs: number) => Promise<RunResult>;

const UNIT_RE = /^[A-Za-z0-9@:_.\\-]{1,255}$/;
const SHOW_PROPS = ['LoadState', 'ActiveState', 'SubState', 'Result', 'UnitFileState', 'MainPID', 'ExecMainStatus'];
const DEFAULT_WAIT_MS = 60_000;
const DEFAULT_JOURNAL_LINES = 50;
const POLL_MS = 250;
/** How long a freshly started unit must stay active to count as started. */
const SETTLE_MS = 1000;
const MAX_JOURNAL_BYTES = 32 * 1024;

export function validateService(spec: ServiceCommand): { action: ServiceAction; unit: string } | string {
  const action = spec.action as ServiceAction;
  if (!SERVICE_ACTIONS.includes(action)) return `service: action must be one of ${SERVICE_ACTIONS.join(', ')}, got ${JSON.stringify(spec.action ?? '')}`;
  const unit = spec.unit ?? '';
  if (action === 'daemon-reload') return unit === '' ? { action, unit } : 'service: daemon-reload takes no unit';
  if (!UNIT_RE.test(unit) || unit.startsWith('-')) return `service: invalid unit name ${JSON.stringify(unit.slice(0, 80))}`;
  return { action, unit };
}

export const showArgv = (unit: string): string[] => ['systemctl', 'show', '--no-pager', ...SHOW_PROPS.map((p) => `--property=${p}`), '--', unit];
export const actionArgv = (action: ServiceAction, unit: string): string[] =>
  action === 'daemon-reload' ? ['systemctl', 'daemon-reload'] : ['systemctl', action, '--', unit];
export const journalArgv = (unit: string, lines: number): string[] => ['journalctl', '--no-pager', '--output=short-iso', `--lines=${lines}`, `--unit=${unit}`];

/** `systemctl show` output (Key=Value lines) as a map. */
export function parseShow(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1).trim();
  }
  return out;
}

/** Where a unit stands after start/restart: settled ok, settled failed, or still moving. */
export function settledState(show: Record<string, string>): 'active' | 'failed' | 'pending' {
  const active = show.ActiveState;
  if (active === 'active') return 'active';
  if (active === 'failed') return 'failed';
  // A oneshot unit without RemainAfterExit ends inactive after a successful run.
  if (active === 'inactive') return show.Result === 'success' && show.ExecMainStatus === '0' ? 'active' : 'failed';
  return 'pending';
}

export const systemRunner: Runner = (argv, timeoutMs) =>
  new Promise((resolve) => {
    const [file, ...args] = argv as [string, ...string[]];
    execFile(
      file,
      args,
      { env: commandEnvironment({ SYSTEMD_PAGER: '', SYSTEMD_COLORS: '0' }), timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) || (err && code === null ? err.message : '') });
      },
    );
  });

export async function runService(spec: ServiceCommand, ctx: ExecutorContext, run: Runner = systemRunner): Promise<ExecutorOutcome> {
  const v = validateService(spec);
  if (typeof v === 'string') return failed(v);
  const { action, unit } = v;
  const waitMs = spec.waitMs || DEFAULT_WAIT_MS;
  const show = async () => parseShow((await run(showArgv(unit), 15_000)).stdout);
  const echo = (r: RunResult) => {
    if (r.stdout) ctx.output.write('stdout', Buffer.from(r.stdout));
    if (r.stderr) ctx.output.write('stderr', Buffer.from(r.stderr));
  };

  if (action === 'daemon-reload') {
    const r = await run(actionArgv(action, unit), waitMs);
    echo(r);
    return r.code === 0
      ? { status: 'ok', exitCode: 0, changed: true }
      : { status: 'failed', exitCode: r.code, changed: false, error: `systemctl daemon-reload failed: ${r.stderr.trim()}` };
  }

  const before = await show();
  if (before.LoadState === 'not-found' && action !== 'status' && action !== 'stop' && action !== 'disable') {
    return failed(`service: unit ${unit} not found`, stateData(before));
  }
  if (action === 'status') return { status: 'ok', exitCode: null, changed: false, data: stateData(before) };

  // Nothing to do, and systemctl enable/disable take half a second even then: a re-run's common case.
  if ((action === 'enable' && before.UnitFileState === 'enabled') || (action === 'disable' && before.UnitFileState === 'disabled')) {
    return { status: 'ok', exitCode: 0, changed: false, data: stateData(before) };
  }

  const r = await run(actionArgv(action, unit), waitMs);
  echo(r);
  if (action === 'enable' || action === 'disable' || action === 'stop') {
    const after = await show();
    if (r.code !== 0)
      return { status: 'failed', exitCode: r.code, changed: false, error: `systemctl ${action} ${unit} failed: ${r.stderr.trim()}`, data: stateData(after) };
    const changed = action === 'stop' ? before.ActiveState !== after.ActiveState : before.UnitFileState !== after.UnitFileState;
    return { status: 'ok', exitCode: 0, changed, data: stateData(after) };
  }

  // start / restart: wait until the unit settles, whatever systemctl itself returned.
  const deadline = Date.now() + waitMs;
  let now = await show();
  while (settledState(now) === 'pending' && Date.now() < deadline && !ctx.signal.aborted) {
    await new Promise((res) => setTimeout(res, POLL_MS));
    now = await show();
  }
  let state = settledState(now);
  const fresh = action === 'restart' || before.ActiveState !== 'active';
  if (fresh && state === 'active' && now.ActiveState === 'active' && !ctx.signal.aborted) {
    // A simple service is "active" the moment it forks: look again before calling it a success.
    // (A unit that was already active before `start` has long since settled.)
    await new Promise((res) => setTimeout(res, SETTLE_MS));
    now = await show();
    state = settledState(now);
  }
  const changed = fresh;
  if (state === 'active' && r.code === 0) return { status: 'ok', exitCode: 0, changed, data: stateData(now) };
  const journal = (await run(journalArgv(unit, spec.journalLines || DEFAULT_JOURNAL_LINES), 15_000)).stdout.slice(-MAX_JOURNAL_BYTES);
  if (journal) ctx.output.write('stderr', Buffer.from(journal));
  const why =
    state === 'pending'
      ? `${unit} did not become active within ${waitMs} ms (ActiveState=${now.ActiveState}, SubState=${now.SubState})`
      : `${unit} failed to ${action} (ActiveState=${now.ActiveState}, Result=${now.Result})${r.stderr.trim() ? `: ${r.stderr.trim()}` : ''}`;
  return { status: 'failed', exitCode: r.code, changed, error: why, data: { ...stateData(now), journal } };
}

function stateData(show: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of SHOW_PROPS) if (show[k] !== undefined) out[k] = show[k];
  return out;
}
