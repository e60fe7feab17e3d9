// write_file: content (bytes or text) to a path, atomically, with mode/owner/group, optionally
// keeping a backup. Unchanged when content, mode and ownership already match — then nothing is
// written at all (no new inode, no mtime change), so idempotent re-runs stay quiet.
import { readFileSync } from 'node:fs';
import type { WriteFileCommand } from '../../shared/commands/codec';
import { currentStat, installAtomically, metadataMatches, resolveTarget } from './install-file';
import { failed, type ExecutorOutcome } from './types';

export function runWriteFile(spec: WriteFileCommand): ExecutorOutcome {
  const target = resolveTarget({ path: spec.path ?? '', mode: spec.mode, owner: spec.owner, group: spec.group });
  if (typeof target === 'string') return failed(`write_file: ${target}`);
  const content =
    spec.text !== undefined && spec.text !== null && spec.content !== 'data'
      ? Buffer.from(spec.text, 'utf8')
      : Buffer.from((spec.data ?? Buffer.alloc(0)) as Uint8Array);
  try {
    const st = currentStat(target.file);
    if (st?.isFile() && metadataMatches(st, target) && st.size === content.length && readFileSync(target.file).equals(content)) {
      return { status: 'ok', exitCode: null, changed: false, data: { path: target.file } };
    }
    const { backup } = installAtomically(target, content, { backup: spec.backup, makeParents: spec.makeParents });
    const data: Record<string, string> = { path: target.file, bytes: String(content.length) };
    if (backup) data.backup = backup;
    return { status: 'ok', exitCode: null, changed: true, data };
  } catch (err) {
    return failed(`write_file ${target.file}: ${(err as Error).message}`);
  }
}
