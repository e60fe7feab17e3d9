// The two content hashes are stored (run records hold task digests, agent journals hold command
// hashes), so their values are pinned: a change here would re-run finished tasks on --resume, or
// make agents refuse re-sent commands as replays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCommand, encodeCommand } from '../../../shared/commands/codec';
import { payloadDigest, payloadHash } from '../../../shared/commands/payload-hash';
import { payloadDigest as fromRunIds } from '../../../coordinator/runs/ids';

test('the task digest of a spec is pinned, independent of key order, and the one runs/ids.ts hands out', () => {
  const spec = { exec: { argv: ['sh', '-c', 'echo ü'], env: { B: '2', A: '1' }, timeoutMs: 5000, cwd: undefined } };
  assert.equal(payloadDigest(spec), 'e59a0116159e9a99db51cb8b32dca1f6b0381964abf62f0058cad969a3d00f17');
  assert.equal(payloadDigest({ exec: { timeoutMs: 5000, env: { A: '1', B: '2' }, argv: ['sh', '-c', 'echo ü'] } }), payloadDigest(spec));
  assert.equal(
    payloadDigest({ writeFile: { path: '/etc/x', content: Buffer.from('hi'), mode: 0o644 } }),
    '6a4daec1db2e7607166bf89db00703a71750c9da18276b109d15091183369251',
  );
  assert.equal(fromRunIds, payloadDigest);
});

test("the agent's command hash is pinned", () => {
  const c = decodeCommand(encodeCommand({ id: 'r-1', node: 'n1', issuedAtMs: 5, expiresAtMs: 9, exec: { argv: ['echo', 'a'], env: { B: '2', A: '1' } } }));
  assert.equal(payloadHash(c), '6213f4494effcdd0677fa9ce527e321ea782eb283349ae1f2f5165ed449bab37');
});
