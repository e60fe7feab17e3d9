// A recorded 3-node fact file evaluated against a fixture model; the table, wide table and JSON
// outputs must match the golden files. Regenerate after an intended change with
//   UPDATE_GOLDEN=1 node --import tsx --test test/unit/precheck/golden.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FactSet } from '../../../shared/facts/types';
import { evaluate, renderJson, renderTable } from '../../../coordinator/precheck/index';
import { goldenModel } from '../../fixtures/precheck/model';

const dir = path.resolve('test/fixtures/precheck');

function golden(name: string, actual: string): void {
  const file = path.join(dir, 'golden', name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  assert.equal(actual, readFileSync(file, 'utf8'), `${name} differs from the golden file (UPDATE_GOLDEN=1 to accept)`);
}

function report() {
  const file = JSON.parse(readFileSync(path.join(dir, 'facts-3node.json'), 'utf8')) as { nodes: Record<string, FactSet> };
  return evaluate({ model: goldenModel(), facts: new Map(Object.entries(file.nodes)), mode: 'facts' });
}

test('golden: table output', () => {
  golden('table.txt', renderTable(report(), { color: false }));
});

test('golden: wide table output', () => {
  golden('table-wide.txt', renderTable(report(), { color: false, wide: true }));
});

test('golden: JSON output', () => {
  golden('report.json', renderJson(report()));
});

test('golden: the recorded problems are the ones found', () => {
  const failed = report()
    .results.filter((r) => r.status !== 'pass' && r.status !== 'skip')
    .map((r) => `${r.host ?? '-'} ${r.id} ${r.status}`);
  assert.deepEqual(
    failed.sort(),
    [
      '- cluster.clock_skew fail',
      'node1 node.ports fail',
      'node2 node.swap fail',
      'node2 os.kernel_version fail',
      'node3 node.binaries warn',
      'node3 node.disk_space warn',
      'node3 node.time_sync warn',
    ].sort(),
  );
});
