import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { evaluate, exitCodeOf } from '../../../coordinator/precheck/engine';
import { rules } from '../../../coordinator/precheck/rules/index';
import { clusterRule, hostRule, fail, pass } from '../../../coordinator/precheck/rule';
import { UserError } from '../../../shared/errors';
import { context, factsFor, threeNodes } from './builders';

test('every rule id is unique, has its tag, and the list follows precheck.md', () => {
  const ids = rules.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(ids.length, 48);
  for (const r of rules) assert.equal(r.id.split('.')[0], r.tag);
  assert.deepEqual(
    [...new Set(rules.map((r) => r.tag))],
    ['inventory', 'os', 'kubernetes', 'network', 'etcd', 'cri', 'cni', 'storage', 'artifact', 'nfs', 'image_registry', 'node', 'cluster'],
  );
});

test('a healthy cluster has no failures; host rules yield one result per host, cluster rules one with host null', () => {
  const model = threeNodes();
  const report = evaluate(context(model));
  assert.equal(
    report.summary.fail,
    0,
    JSON.stringify(
      report.results.filter((r) => r.status === 'fail'),
      null,
      1,
    ),
  );
  assert.equal(exitCodeOf(report), 0);
  const hostRules = rules.filter((r) => r.scope === 'host').length;
  const clusterRules = rules.length - hostRules;
  assert.equal(report.results.length, hostRules * 3 + clusterRules);
  for (const r of report.results.filter((x) => x.id === 'node.swap')) assert.ok(r.host);
  assert.equal(report.results.find((x) => x.id === 'cluster.mtu')?.host, null);
  const s = report.summary;
  assert.equal(s.pass + s.fail + s.warn + s.skip, report.results.length);
});

test('--skip by id and tag; unknown id is a UserError with exit code 2', () => {
  const ctx = context(
    threeNodes(),
    factsFor(threeNodes(), { node2: { memory: { totalBytes: 2 ** 30, availableBytes: 0, swapTotalBytes: 1, swapFreeBytes: 0 } } }),
  );
  const report = evaluate(ctx, { skip: ['node.swap', 'OS'] });
  for (const r of report.results.filter((x) => x.id === 'node.swap' || x.id.startsWith('os.'))) {
    assert.equal(r.status, 'skip');
    assert.equal(r.message, 'skipped by --skip');
  }
  assert.throws(
    () => evaluate(ctx, { skip: ['node.swapp'] }),
    (e: unknown) => e instanceof UserError && e.exitCode === 2 && /--skip: unknown rule id or tag "node\.swapp"/.test(e.message),
  );
  assert.throws(() => evaluate(ctx, { skip: ['all'] }), UserError);
  assert.throws(
    () => evaluate(ctx, { ignoreErrors: ['nope'] }),
    (e: unknown) => e instanceof UserError && /--ignore-errors/.test(e.message),
  );
});

test('--ignore-errors turns errors into warnings by id, tag or all; exit code follows', () => {
  const model = threeNodes();
  const ctx = context(model, factsFor(model, { node2: { memory: { totalBytes: 8 * 2 ** 30, availableBytes: 0, swapTotalBytes: 2 ** 30, swapFreeBytes: 0 } } }));
  const plain = evaluate(ctx);
  assert.equal(plain.results.find((r) => r.id === 'node.swap' && r.host === 'node2')?.status, 'fail');
  assert.equal(exitCodeOf(plain), 1);
  for (const sel of [['node.swap'], ['node'], ['all'], ['os,node']]) {
    const report = evaluate(ctx, { ignoreErrors: sel });
    const r = report.results.find((x) => x.id === 'node.swap' && x.host === 'node2')!;
    assert.equal(r.status, 'warn', sel.join());
    assert.equal(r.severity, 'error');
    assert.match(r.message, /error ignored by --ignore-errors/);
    assert.equal(exitCodeOf(report), 0);
  }
});

test('a rule that throws is a failure of that rule, not a crash; unknown facts fail with the reason', () => {
  const boom = hostRule({
    id: 'test.boom',
    severity: 'warning',
    description: 'd',
    appliesTo: () => true,
    check: () => {
      throw new Error('kaput');
    },
  });
  const fine = clusterRule({ id: 'test.fine', severity: 'error', description: 'd', appliesTo: () => true, check: () => pass('ok') });
  const report = evaluate(context(threeNodes()), {}, [boom, fine]);
  const b = report.results.find((r) => r.id === 'test.boom')!;
  assert.equal(b.status, 'fail');
  assert.equal(b.severity, 'error');
  assert.match(b.message, /rule test\.boom could not run: kaput/);
  assert.equal(report.results.find((r) => r.id === 'test.fine')?.status, 'pass');
  assert.deepEqual(report.summary, { pass: 1, fail: 3, warn: 0, skip: 0 });
});

test('a host missing from the facts fails every fact-reading rule as unknown, never passes', () => {
  const model = threeNodes();
  const facts = factsFor(model);
  facts.delete('node3');
  const report = evaluate(context(model, facts));
  const node3 = report.results.filter((r) => r.host === 'node3');
  for (const id of ['inventory.agent', 'os.kernel_version', 'node.swap', 'node.ports', 'node.time_sync']) {
    const r = node3.find((x) => x.id === id)!;
    assert.equal(r.status, 'fail', id);
  }
  assert.match(node3.find((x) => x.id === 'node.swap')!.message, /^unknown: facts of node3 are unknown: the fact file has no entry/);
  assert.ok(!node3.some((r) => r.status === 'pass' && /^(os|node)\./.test(r.id) && r.id !== 'os.hostname'));
});

test('a warning-severity rule reports warn; a failing config value is reported, not thrown', () => {
  const w = clusterRule({ id: 'test.w', severity: 'warning', description: 'd', appliesTo: () => true, check: () => fail('meh') });
  assert.equal(evaluate(context(threeNodes()), {}, [w]).results[0]?.status, 'warn');
  const report = evaluate(context(threeNodes({ cluster_require: { min_kernel_version: ['x'] } })));
  const k = report.results.find((r) => r.id === 'os.kernel_version')!;
  assert.equal(k.status, 'fail');
  assert.match(k.message, /invalid config: spec\.cluster_require\.min_kernel_version: expected a string/);
});

test('docs/precheck-rules.md lists every rule id', () => {
  const doc = readFileSync('docs/precheck-rules.md', 'utf8');
  for (const r of rules) assert.ok(doc.includes(`\`${r.id}\``), `${r.id} missing from docs/precheck-rules.md`);
});
