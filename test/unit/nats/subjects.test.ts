import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../../shared/errors';
import {
  ALL_RESULTS_WILDCARD,
  commandOutputSubject,
  commandResultSubject,
  commandSubject,
  coordSubject,
  isValidNodeName,
  nodeFromToken,
  nodeInboxPrefix,
  nodePermissions,
  nodeResultWildcard,
  nodeToken,
  parseResultSubject,
  resultSubject,
} from '../../../shared/subjects';

test('node names encode into one subject token and decode back exactly', () => {
  const names = ['a', '0', 'node-1', 'node-1.lab.example.com', 'a.b', 'a-b.c-d', '1.2.3.4', 'x'.repeat(253)];
  for (const name of names) {
    const tok = nodeToken(name);
    assert.doesNotMatch(tok, /[.*> \t]/, name);
    assert.equal(nodeFromToken(tok), name);
  }
  assert.equal(nodeToken('node-1.lab'), 'node-1_lab');
  // Distinct names never share a token.
  assert.notEqual(nodeToken('a.b'), nodeToken('a-b'));
});

test('invalid node names and tokens are refused with a UserError', () => {
  const bad = ['', 'A', 'node_1', '-a', 'a-', '.a', 'a.', 'a b', 'a*', 'a>', 'ä', 'a\n', 'x'.repeat(254)];
  for (const name of bad) {
    assert.equal(isValidNodeName(name), false, name);
    assert.throws(
      () => nodeToken(name),
      (e: Error) => e instanceof UserError && /invalid node name/.test(e.message),
      name,
    );
  }
  for (const tok of ['a.b', '_a', 'a_', 'A', '*', '>', '']) {
    assert.throws(() => nodeFromToken(tok), UserError, tok);
  }
});

test('subjects follow the scheme and refuse tokens that would widen them', () => {
  assert.equal(commandSubject('n1.lab'), 'kk.cmd.n1_lab');
  assert.equal(commandOutputSubject('n1.lab', 'run7-task3-n1'), 'kk.res.n1_lab.run7-task3-n1.out');
  assert.equal(commandResultSubject('n1.lab', 'run7-task3-n1'), 'kk.res.n1_lab.run7-task3-n1.result');
  assert.equal(resultSubject('n1', 'facts', 'v1'), 'kk.res.n1.facts.v1');
  assert.equal(nodeResultWildcard('n1.lab'), 'kk.res.n1_lab.>');
  assert.equal(coordSubject('registry', 'changed'), 'kk.coord.registry.changed');
  assert.equal(nodeInboxPrefix('n1.lab'), '_INBOX.node.n1_lab');
  assert.equal(ALL_RESULTS_WILDCARD, 'kk.res.*.>');
  for (const t of ['a.b', '*', '>', '', 'a b', 'x'.repeat(129)]) {
    assert.throws(() => resultSubject('n1', t), UserError, t);
    assert.throws(() => commandResultSubject('n1', t), UserError, t);
    assert.throws(() => coordSubject(t), UserError, t);
  }
  assert.throws(() => resultSubject('n1'), UserError);
});

test('parseResultSubject names the sending node and rejects anything else', () => {
  assert.deepEqual(parseResultSubject('kk.res.n1_lab.c1.result'), { node: 'n1.lab', tokens: ['c1', 'result'] });
  assert.deepEqual(parseResultSubject(resultSubject('a.b.c', 'x')), { node: 'a.b.c', tokens: ['x'] });
  for (const s of ['kk.res.n1', 'kk.res.n1.', 'kk.cmd.n1.x', 'kk.res.N1.x', 'kk.res._n.x', 'kk.res.n1.*', 'kk.res.n1.>', 'xx.res.n1.x']) {
    assert.equal(parseResultSubject(s), undefined, s);
  }
});

test('node permissions cover only the node’s own subjects', () => {
  const p = nodePermissions('n1.lab');
  assert.deepEqual(p.publish.allow, ['kk.res.n1_lab.>']);
  assert.deepEqual(p.subscribe.allow, ['kk.cmd.n1_lab', 'kk.cmd.n1_lab.>', '_INBOX.node.n1_lab.>']);
  for (const reserved of ['$JS.>', '$KV.>', '$SYS.>']) {
    assert.ok(p.publish.deny?.includes(reserved), reserved);
    assert.ok(p.subscribe.deny?.includes(reserved), reserved);
  }
  assert.ok(p.publish.deny?.includes('kk.coord.>'));
  assert.ok(p.publish.deny?.includes('kk.cmd.>'));
  assert.ok(p.subscribe.deny?.includes('kk.coord.>'));
  assert.equal(p.allowResponses.max, 1);
  // Nothing in one node's allow lists reaches another node's subjects.
  const other = nodePermissions('n2.lab');
  const mine = [...p.publish.allow, ...p.subscribe.allow];
  const theirs = [...other.publish.allow, ...other.subscribe.allow];
  assert.deepEqual(
    mine.filter((s) => theirs.includes(s)),
    [],
  );
  assert.throws(() => nodePermissions('bad name'), UserError);
});
