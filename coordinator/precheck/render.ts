// Table and JSON output of a report (precheck.md "Table output" and "JSON output").
import type { Report, Result } from './report';
import type { Status } from './rule';

export interface TableOptions {
  /** Also list passes and skips (`-o wide`). */
  wide?: boolean;
  /** ANSI colour; the caller decides (on a TTY only). */
  color: boolean;
}

const COLOURS: Record<Status, string> = { fail: '31', warn: '33', pass: '32', skip: '2' };
const paint = (on: boolean, status: Status, text: string): string => (on ? `\u001b[${COLOURS[status]}m${text}\u001b[0m` : text);

/** Where a cluster rule's result is shown in the host column. */
export const CLUSTER_HOST = '-';

export function renderTable(report: Report, options: TableOptions): string {
  const shown = report.results.filter((r) => options.wide || r.status === 'fail' || r.status === 'warn');
  const hostOf = (r: Result): string => r.host ?? CLUSTER_HOST;
  let hostW = 4;
  let idW = 4;
  for (const r of shown) {
    hostW = Math.max(hostW, hostOf(r).length);
    idW = Math.max(idW, r.id.length);
  }
  const lines: string[] = [];
  if (shown.length > 0) lines.push(`${'HOST'.padEnd(hostW)}  ${'RULE'.padEnd(idW)}  STATUS  MESSAGE`);
  for (const r of shown) {
    const status = paint(options.color, r.status, r.status.toUpperCase().padEnd(6));
    lines.push(`${hostOf(r).padEnd(hostW)}  ${r.id.padEnd(idW)}  ${status}  ${r.message}`);
  }
  lines.push(summaryLine(report, options.color));
  return `${lines.join('\n')}\n`;
}

export function summaryLine(report: Report, color = false): string {
  const { pass, fail, warn, skip } = report.summary;
  const verdict = fail > 0 ? paint(color, 'fail', 'precheck failed') : paint(color, 'pass', 'precheck passed');
  return `${verdict}: ${fail} failed, ${warn} warning${warn === 1 ? '' : 's'}, ${pass} passed, ${skip} skipped`;
}

/** `-o json`: exactly the documented shape and key order. */
export function renderJson(report: Report): string {
  const summary = { pass: report.summary.pass, fail: report.summary.fail, warn: report.summary.warn, skip: report.summary.skip };
  // The engine's results already have exactly the documented fields in order; copying ~100k of
  // them only to stringify the copies cost a fifth of the render. Anything else is copied.
  const results = report.results.every(hasResultShape)
    ? report.results
    : report.results.map((r) => ({ id: r.id, host: r.host, status: r.status, severity: r.severity, message: r.message }));
  return `${JSON.stringify({ summary, results }, null, 2)}\n`;
}

/** A plain object whose own keys are the documented ones, in the documented order. */
function hasResultShape(r: Result): boolean {
  if (Object.getPrototypeOf(r) !== Object.prototype) return false;
  const k = Object.keys(r);
  return k.length === 5 && k[0] === 'id' && k[1] === 'host' && k[2] === 'status' && k[3] === 'severity' && k[4] === 'message';
}
