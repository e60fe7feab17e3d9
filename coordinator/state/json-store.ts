// A small durable JSON document: kept in memory, written atomically on every change.
// The coordinator is the only writer (operator commands go through its admin API), so there is
// no cross-process locking to do. Why files and not JetStream KV: enrolment and the node
// registry must keep working while nats-server restarts, and they are tiny (see docs/design.md).
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from './files';

export class JsonStore<T> {
  private value: T;
  private dirty = false;
  private scheduled = false;
  private readonly waiters: { resolve: () => void; reject: (err: Error) => void }[] = [];

  constructor(private readonly file: string, initial: () => T, validate: (raw: unknown) => T) {
    if (existsSync(file)) {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(file, 'utf8'));
      } catch (err) {
        throw new Error(`state file ${file} is not valid JSON (${(err as Error).message}); restore it from a backup or remove it`);
      }
      this.value = validate(raw);
    } else {
      this.value = initial();
    }
  }

  get(): T {
    return this.value;
  }

  /**
   * Changes the document now; the file follows at the next flush. Changes made in the same turn of
   * the event loop share one write (group commit): a thousand nodes enrolling at once cost a few
   * writes, not a thousand rewrites of a growing file. Whoever must not answer before the change
   * is durable awaits `flushed()`.
   */
  update(mutate: (v: T) => void): void {
    mutate(this.value);
    this.dirty = true;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flushSync());
    }
  }

  /** Resolves once every change made so far is on disk. */
  flushed(): Promise<void> {
    if (!this.dirty) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Writes pending changes now (also what shutdown calls). */
  flushSync(): void {
    this.scheduled = false;
    if (!this.dirty) return;
    this.dirty = false;
    const waiters = this.waiters.splice(0);
    try {
      writeFileAtomic(this.file, JSON.stringify(this.value, null, 1) + '\n', 0o600);
      for (const w of waiters) w.resolve();
    } catch (err) {
      this.dirty = true;
      for (const w of waiters) w.reject(err as Error);
    }
  }
}
