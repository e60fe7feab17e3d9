import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderJson, renderTable, diffReports, formatChange } from '../../../coordinator/precheck/index';
import type { Report } from '../../../coordinator/precheck/index';

const report: Report = {
  summary: { pass: 1, fail: 1, warn: 1, skip: 1 },
  results: [
    {
      id: 'os.kernel_version',
      host: 'node2',
      status: 'fail',
      severity: 'error',
      message: 'kernel 4.4.0 is older than the required 4.9.17: upgrade the kernel',
    },
    { id: 'node.time_sync', host: 'node3', status: 'warn', severity: 'warning', message: 'clock is not NTP-synchronised' },
    { id: 'cluster.unique_hostname', host: null, status: 'pass', severity: 'error', message: '3 distinct node names' },
    { id: 'node.cpu', host: 'node2', status: 'skip', severity: 'error', message: 'not applicable: not in kube_control_plane' },
  ],
};

test('table: failed and warned rules, then the summary; wide adds pass and skip', () => {
  const t = renderTable(report, { color: false });
  const lines = t.trimEnd().split('\n');
  assert.equal(lines.length, 4);
  assert.match(lines[1]!, /^node2\s+os\.kernel_version\s+FAIL\s+kernel 4\.4\.0 is older/);
  assert.match(lines[2]!, /^node3\s+node\.time_sync\s+WARN\s+clock/);
  assert.equal(lines[3], 'precheck failed: 1 failed, 1 warning, 1 passed, 1 skipped');
  assert.ok(!t.includes('\u001b['));
  const wide = renderTable(report, { color: false, wide: true });
  assert.match(wide, /^-\s+cluster\.unique_hostname\s+PASS\s+3 distinct/m);
  assert.match(wide, /^node2\s+node\.cpu\s+SKIP/m);
});

test('table: colour only when asked', () => {
  const t = renderTable(report, { color: true });
  assert.ok(t.includes('\u001b[31mFAIL'));
  assert.ok(t.includes('\u001b[33mWARN'));
  const ok = renderTable({ summary: { pass: 1, fail: 0, warn: 0, skip: 0 }, results: [report.results[2]!] }, { color: false });
  assert.equal(ok, 'precheck passed: 0 failed, 0 warnings, 1 passed, 0 skipped\n');
});

test('JSON: the exact documented shape and key order', () => {
  const parsed = JSON.parse(renderJson(report)) as Record<string, unknown>;
  assert.deepEqual(Object.keys(parsed), ['summary', 'results']);
  assert.deepEqual(Object.keys(parsed.summary as object), ['pass', 'fail', 'warn', 'skip']);
  const first = (parsed.results as Record<string, unknown>[])[0]!;
  assert.deepEqual(Object.keys(first), ['id', 'host', 'status', 'severity', 'message']);
  assert.equal((parsed.results as { host: unknown }[])[2]!.host, null);
});

test("diff: status changes only, in the new report's order, plus new and gone results", () => {
  const next: Report = {
    summary: { pass: 2, fail: 0, warn: 1, skip: 1 },
    results: [
      { ...report.results[0]!, status: 'pass', message: 'kernel 5.15.0 ≥ 4.9.17' },
      report.results[1]!,
      report.results[2]!,
      { id: 'node.swap', host: 'node4', status: 'fail', severity: 'error', message: 'swap is on' },
    ],
  };
  const lines = diffReports(report, next).map(formatChange);
  assert.deepEqual(lines, ['node2 os.kernel_version fail → pass', 'node4 node.swap new → fail', 'node2 node.cpu skip → gone']);
  assert.deepEqual(diffReports(report, report), []);
});

/** The JSON renderer as first written: the contract's reference text. */
function referenceJson(r: Report): string {
  const out = {
    summary: { pass: r.summary.pass, fail: r.summary.fail, warn: r.summary.warn, skip: r.summary.skip },
    results: r.results.map((x) => ({ id: x.id, host: x.host, status: x.status, severity: x.severity, message: x.message })),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

test('JSON: byte for byte what JSON.stringify with two-space indent gives', () => {
  const awkward = ['', 'quote " and \\ backslash', 'new\nline\ttab\r', 'ünïcødé ≥ 日本', '\u0000\u001f\u007f', 'lone \ud800 surrogate', '</script>'];
  const many: Report = {
    summary: { pass: 3, fail: 2, warn: 1, skip: 0 },
    results: Array.from({ length: 1100 }, (_, i) => ({
      id: i % 7 === 0 ? 'cluster.unique_mac' : 'node.swap',
      host: i % 7 === 0 ? null : `node-${i % 50}`,
      status: (['pass', 'fail', 'warn', 'skip'] as const)[i % 4]!,
      severity: i % 3 === 0 ? 'warning' : 'error',
      message: `${awkward[i % awkward.length]} #${i}`,
    })),
  };
  for (const r of [report, many, { summary: { pass: 0, fail: 0, warn: 0, skip: 0 }, results: [] }]) {
    assert.equal(renderJson(r), referenceJson(r));
  }
  // Off the documented types (a missing message, a fractional count) it still matches.
  const odd = { summary: { pass: 1.5, fail: 0, warn: 0, skip: 0 }, results: [{ ...report.results[0]!, message: undefined }] } as unknown as Report;
  assert.equal(renderJson(odd), referenceJson(odd));
});

test('JSON: results carrying extra or reordered fields still print only the documented ones, in order', () => {
  const extra = { summary: report.summary, results: [{ ...report.results[0]!, detail: 'x' }, report.results[1]!] } as unknown as Report;
  const reordered = { summary: report.summary, results: [{ message: 'm', severity: 'error', status: 'pass', host: 'h', id: 'i' }] } as unknown as Report;
  for (const r of [extra, reordered]) assert.equal(renderJson(r), referenceJson(r));
  assert.ok(!renderJson(extra).includes('detail'));
});
