// Atomic installation of a file: a temporary file in the target's directory with the final mode
// and owner, fsynced, renamed over the target, and the directory fsynced — a reader sees the old
// file or the new one, never a torn one, even across a power cut. Shared by write_file and fetch.
import { closeSync, copyFileSync, fchmodSync, fchownSync, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync, type Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { resolveId } from './accounts';

export interface InstallTarget {
  path: string;
  mode?: number;
  owner?: string;
  group?: string;
  backup?: boolean;
  makeParents?: boolean;
}

export interface Resolved {
  file: string;
  mode: number;
  uid?: number;
  gid?: number;
}

/** Validates the target; returns an error message or the resolved target. */
export function resolveTarget(t: InstallTarget): Resolved | string {
  if (!t.path || !path.isAbsolute(t.path)) return `path must be absolute, got ${JSON.stringify(t.path ?? '')}`;
  const file = path.normalize(t.path);
  if (file.endsWith('/')) return `path ${file} names a directory`;
  const mode = t.mode || 0o644;
  if (mode > 0o7777) return `mode ${mode.toString(8)} is not a file mode`;
  const uid = resolveId('owner', t.owner);
  if (typeof uid === 'string') return uid;
  const gid = resolveId('group', t.group);
  if (typeof gid === 'string') return gid;
  return { file, mode, uid, gid };
}

export function currentStat(file: string): Stats | undefined {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
}

/** Whether mode and ownership already match (content is compared by the caller). */
export function metadataMatches(st: Stats, r: Resolved): boolean {
  return (st.mode & 0o7777) === r.mode && (r.uid === undefined || st.uid === r.uid) && (r.gid === undefined || st.gid === r.gid);
}

/**
 * Writes `content` (a Buffer, or a file to copy) to r.file atomically. Returns the backup path
 * when one was made.
 */
export function installAtomically(r: Resolved, content: Buffer | { copyFrom: string }, opts: { backup?: boolean; makeParents?: boolean }): { backup?: string } {
  const dir = path.dirname(r.file);
  if (opts.makeParents) mkdirSync(dir, { recursive: true, mode: 0o755 });
  const old = currentStat(r.file);
  if (old && !old.isFile()) throw new Error(`${r.file} exists and is not a regular file`);
  let backup: string | undefined;
  if (old && opts.backup) {
    backup = `${r.file}.kk-backup-${Date.now()}`;
    copyFileSync(r.file, backup);
  }
  const tmp = path.join(dir, `.${path.basename(r.file)}.kk-${randomBytes(6).toString('hex')}.tmp`);
  try {
    if (Buffer.isBuffer(content)) {
      const fd = openSync(tmp, 'wx', 0o600);
      try {
        for (let off = 0; off < content.length;) off += writeSync(fd, content, off);
        finishFd(fd, r, old);
      } finally {
        closeSync(fd);
      }
    } else {
      copyFileSync(content.copyFrom, tmp);
      const fd = openSync(tmp, 'r+');
      try {
        finishFd(fd, r, old);
      } finally {
        closeSync(fd);
      }
    }
    renameSync(tmp, r.file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  const dfd = openSync(dir, 'r');
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
  }
  return { backup };
}

function finishFd(fd: number, r: Resolved, old: Stats | undefined): void {
  // Ownership: as asked, else the previous file's, else ours.
  const uid = r.uid ?? old?.uid;
  const gid = r.gid ?? old?.gid;
  if (uid !== undefined || gid !== undefined) fchownSync(fd, uid ?? -1, gid ?? -1);
  fchmodSync(fd, r.mode); // after chown, which clears setuid bits
  fsyncSync(fd);
}
