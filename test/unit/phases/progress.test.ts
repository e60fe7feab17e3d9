import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineSplitter } from '../../../coordinator/phases/lines';
import { PlainProgress, TtyProgress, createProgress } from '../../../coordinator/phases/progress';

const sink = (isTTY: boolean) => {
  const out: string[] = [];
  return { out, write: (s: string) => void out.push(s), isTTY, columns: 80 };
};

test('plain progress: one line per finished task, output prefixed by host', () => {
  const o = sink(false);
  const p = createProgress(o);
  assert.ok(p instanceof PlainProgress);
  p.phaseStart('pre_hook', 'run scripts', ['node1']);
  p.task('node1', 'pre_hook', 'pre_install.sh', 'running');
  p.output('node1', 'hello', 'stdout');
  p.task('node1', 'pre_hook', 'pre_install.sh', 'ok', { durationMs: 400 });
  p.task('node2', 'pre_hook', 'pre_install.sh', 'failed', { durationMs: 1200, detail: 'exited with code 3' });
  p.phaseEnd('pre_hook', 'failed', '', 1500);
  assert.deepEqual(o.out.join('').split('\n'), [
    '== pre_hook: run scripts',
    '[node1] hello',
    '[node1] pre_hook: pre_install.sh ok (0.4s)',
    '[node2] pre_hook: pre_install.sh failed (1.2s): exited with code 3',
    'pre_hook failed (1.5s)',
    '',
  ]);
});

test('tty progress: a live row per host, redrawn in place, with output and results scrolling above it', () => {
  const o = sink(true);
  let now = 0;
  const p = new TtyProgress(o, () => now);
  p.phaseStart('pre_hook', 'run scripts', ['node1', 'node2']);
  p.task('node1', 'pre_hook', 'pre_install.sh', 'running');
  now = 2500;
  p.output('node1', 'hello', 'stdout');
  const afterOutput = o.out.join('');
  // the block (2 rows) is erased before the output line and drawn again below it
  assert.ok(afterOutput.includes('\x1b[2A\r\x1b[J[node1] hello\n'), JSON.stringify(afterOutput));
  assert.match(afterOutput, /… node1\s+pre_hook\s+pre_install\.sh\s+running 2\.5s\n\s+· node2\s+pre_hook\s+pending\n$/);
  p.task('node1', 'pre_hook', 'pre_install.sh', 'ok', { durationMs: 2500 });
  assert.match(o.out.join(''), /\[node1\] pre_hook: pre_install\.sh ok \(2\.5s\)\n\s+✓ node1/);
  p.phaseEnd('pre_hook', 'ok', '', 3000);
  p.close();
  assert.match(o.out.join(''), /pre_hook ok \(3\.0s\)\n$/);
});

test('lines: chunks split anywhere become whole lines; endless lines are cut; the rest is flushed', () => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l), 8);
  s.push('ab');
  s.push('c\r\nde');
  s.push('f\n\n0123456789abcdefXY');
  s.flush();
  assert.deepEqual(lines, ['abc', 'def', '', '01234567', '89abcdef', 'XY']);
});
