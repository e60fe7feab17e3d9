// The live block both progress views draw with: permanent lines above, the block redrawn in place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveBlock } from '../../../shared/live-block';

test('permanent lines go above; the block is erased (cursor up, clear to the end) and redrawn, cut to the width', () => {
  let out = '';
  const term = {
    write: (s: string) => {
      out += s;
    },
    columns: 50,
  };
  const b = new LiveBlock(term);
  b.render(['== install'], ['  node1  running', '  node2  pending']);
  assert.equal(out, '== install\n  node1  running\n  node2  pending\n');
  out = '';
  b.render(['[node1] a line longer than the terminal is wide, kept whole: it is a log line'], ['x'.repeat(80)]);
  assert.equal(out, `\x1b[2A\r\x1b[J[node1] a line longer than the terminal is wide, kept whole: it is a log line\n${'x'.repeat(49)}\n`);
  out = '';
  b.clear();
  assert.equal(out, '\x1b[1A\r\x1b[J');
  out = '';
  b.clear();
  assert.equal(out, '', 'nothing drawn, nothing erased');
});
