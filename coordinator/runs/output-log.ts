// The per-run, per-host output log: append-only lines, bounded in size. When the current file
// reaches half the limit it becomes `<host>.log.1` (replacing the older one) and a new file
// starts, so a host's log never holds more than `limitBytes` and always keeps the latest output —
// a command printing 50 MB leaves the last few MB, which is where failures are.
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';

export const DEFAULT_LOG_LIMIT_BYTES = 16 * 1024 * 1024;

interface OpenLog {
  fd: number;
  size: number;
}

export class OutputLog {
  private readonly open = new Map<string, OpenLog>();

  constructor(
    private readonly dir: string,
    private readonly limitBytes = DEFAULT_LOG_LIMIT_BYTES,
  ) {}

  static fileFor(dir: string, host: string): string {
    // Host names are DNS-like or COORDINATOR_HOST; neither can climb out of the directory.
    return path.join(dir, `${host.replace(/[/\\]/g, '_')}.log`);
  }

  append(host: string, text: string): void {
    const file = OutputLog.fileFor(this.dir, host);
    let log = this.open.get(file);
    if (!log) {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const fd = openSync(file, 'a', 0o600);
      log = { fd, size: fstatSync(fd).size };
      this.open.set(file, log);
    }
    const buf = Buffer.from(text);
    if (log.size > 0 && log.size + buf.length > this.limitBytes / 2) {
      closeSync(log.fd);
      if (existsSync(`${file}.1`)) writeFileSync(`${file}.dropped`, '', { mode: 0o600 });
      renameSync(file, `${file}.1`);
      log.fd = openSync(file, 'a', 0o600);
      log.size = 0;
    }
    // A single write larger than the budget keeps only its end.
    const cap = Math.floor(this.limitBytes / 2);
    const out = buf.length > cap ? buf.subarray(buf.length - cap) : buf;
    writeSync(log.fd, out);
    log.size += out.length;
  }

  close(): void {
    for (const log of this.open.values()) closeSync(log.fd);
    this.open.clear();
  }

  /** The host's log, older rotated part first; notes when earlier output was dropped. */
  static read(dir: string, host: string): string {
    const file = OutputLog.fileFor(dir, host);
    const older = `${file}.1`;
    let text = '';
    if (existsSync(`${file}.dropped`)) text += '… earlier output dropped (log size limit reached) …\n';
    if (existsSync(older)) text += readFileSync(older, 'utf8');
    if (existsSync(file)) text += readFileSync(file, 'utf8');
    return text;
  }
}
