// Durable small files: write to a temp file, fsync, rename — a crash leaves the old or the new
// content, never half of either.
import { closeSync, fsyncSync, openSync, renameSync, writeSync, mkdirSync } from 'node:fs';
import { mkdir, open, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600, opts: { fsync?: boolean } = {}): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    if (opts.fsync !== false) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** writeFileAtomic without fsync and off the event loop: for caches that may be lost, never torn. */
export async function writeFileAtomicAsync(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, data, { mode });
  await rename(tmp, file);
}

/**
 * writeFileAtomic with the fsync, off the event loop. `stillCurrent` is asked just before the
 * rename: a write overtaken by a newer synchronous one drops its temp file instead of renaming
 * older content over newer.
 */
export async function writeFileDurableAsync(file: string, data: string, mode: number, stillCurrent: () => boolean = () => true): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  const fh = await open(tmp, 'w', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (err) {
    // Cleaning up after a failed write: the write's own error is what the caller needs.
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  if (stillCurrent()) await rename(tmp, file);
  // A newer write won: our temp file goes, and if it is already gone there is nothing to do.
  else await unlink(tmp).catch(() => undefined);
}
