import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { runWriteFile } from '../../../agent/commands/write-file';
import { tempDir } from './helpers';

test('writes text with mode and owner; identical second write is unchanged and does not touch the file', () => {
  const t = tempDir('kk-wf-');
  try {
    const file = path.join(t.dir, 'conf', 'a.conf');
    const r1 = runWriteFile({ path: file, text: 'x=1\n', mode: 0o640, owner: 'root', group: '0', makeParents: true });
    assert.equal(r1.status, 'ok');
    assert.equal(r1.changed, true);
    assert.equal(readFileSync(file, 'utf8'), 'x=1\n');
    const st = statSync(file);
    assert.equal(st.mode & 0o7777, 0o640);
    assert.equal(st.uid, 0);
    const r2 = runWriteFile({ path: file, text: 'x=1\n', mode: 0o640 });
    assert.equal(r2.changed, false);
    assert.equal(statSync(file).ino, st.ino);
    // Only the mode differs: that is a change.
    assert.equal(runWriteFile({ path: file, text: 'x=1\n', mode: 0o600 }).changed, true);
    assert.equal(statSync(file).mode & 0o7777, 0o600);
    assert.deepEqual(readdirSync(path.dirname(file)), ['a.conf'], 'no temporary files left behind');
  } finally {
    t.cleanup();
  }
});

test('replaces atomically (new inode) and keeps a backup of the previous content when asked', () => {
  const t = tempDir('kk-wf-');
  try {
    const file = path.join(t.dir, 'b.bin');
    writeFileSync(file, 'old');
    chmodSync(file, 0o644);
    const ino = statSync(file).ino;
    const r = runWriteFile({ path: file, data: Buffer.from([0, 1, 2, 255]), backup: true });
    assert.equal(r.changed, true);
    assert.notEqual(statSync(file).ino, ino);
    assert.deepEqual([...readFileSync(file)], [0, 1, 2, 255]);
    const backup = r.data?.backup ?? '';
    assert.match(backup, /b\.bin\.kk-backup-\d+$/);
    assert.equal(readFileSync(backup, 'utf8'), 'old');
    // Unchanged content: no new backup either.
    const again = runWriteFile({ path: file, data: Buffer.from([0, 1, 2, 255]), backup: true });
    assert.equal(again.changed, false);
    assert.equal(readdirSync(t.dir).filter((n) => n.includes('kk-backup')).length, 1);
  } finally {
    t.cleanup();
  }
});

test('bad input is a failed result naming the problem', () => {
  assert.match(runWriteFile({ path: 'relative/x', text: '' }).error ?? '', /absolute/);
  assert.match(runWriteFile({ path: '/tmp/kk-x', text: '', owner: 'no-such-user-kk' }).error ?? '', /unknown user "no-such-user-kk"/);
  const t = tempDir('kk-wf-');
  try {
    const missing = path.join(t.dir, 'missing', 'f');
    const r = runWriteFile({ path: missing, text: 'x' });
    assert.equal(r.status, 'failed');
    assert.equal(existsSync(missing), false);
  } finally {
    t.cleanup();
  }
});
