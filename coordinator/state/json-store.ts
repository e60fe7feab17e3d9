// A small durable JSON document: kept in memory, written atomically on every change.
// The coordinator is the only writer (operator commands go through its admin API), so there is
// no cross-process locking to do. Why files and not JetStream KV: enrolment and the node
// registry must keep working while nats-server restarts, and they are tiny (see docs/design.md).
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic, writeFileDurableAsync } from './files';

export class JsonStore<T> {
  private value: T;
  private dirty = false;
  private scheduled = false;
  /** The write on its way to disk, if any; it holds every change made before it started. */
  private writing: Promise<void> | null = null;
  /** Bumped by flushSync so that an older asynchronous write never renames over a newer file. */
  private generation = 0;
  /** Callers waiting for changes that no write has picked up yet. */
  private readonly waiters: { resolve: () => void; reject: (err: Error) => void }[] = [];

  constructor(
    private readonly file: string,
    initial: () => T,
    validate: (raw: unknown) => T,
  ) {
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
   * Changes the document now; the file follows (group commit). Changes made while a write is on
   * its way share the next one, and the write — fsync included — runs off the event loop: a
   * thousand nodes enrolling at once cost a few writes, and the coordinator keeps answering while
   * the disk works. Whoever must not answer before the change is durable awaits `flushed()`.
   */
  update(mutate: (v: T) => void): void {
    mutate(this.value);
    this.dirty = true;
    this.schedule();
  }

  /** Resolves once every change made so far is on disk; rejects if that write failed. */
  flushed(): Promise<void> {
    if (this.dirty) {
      const p = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
      this.schedule();
      return p;
    }
    return this.writing ?? Promise.resolve();
  }

  /**
   * Writes pending changes now, synchronously. For callers that cannot wait (a last write on the
   * way out); an asynchronous write still in flight is superseded and will not rename over this one.
   */
  flushSync(): void {
    this.scheduled = false;
    if (!this.dirty) return;
    this.dirty = false;
    this.generation++;
    const waiters = this.waiters.splice(0);
    try {
      writeFileAtomic(this.file, this.serialise(), 0o600);
      for (const w of waiters) w.resolve();
    } catch (err) {
      this.dirty = true;
      for (const w of waiters) w.reject(err as Error);
    }
  }

  private serialise(): string {
    return JSON.stringify(this.value, null, 1) + '\n';
  }

  private schedule(): void {
    if (this.scheduled || this.writing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.startWrite();
    });
  }

  private startWrite(): void {
    if (!this.dirty || this.writing) return;
    this.dirty = false;
    const waiters = this.waiters.splice(0);
    const generation = this.generation;
    const write = writeFileDurableAsync(this.file, this.serialise(), 0o600, () => generation === this.generation);
    this.writing = write;
    let failed = false;
    write
      .then(
        () => {
          for (const w of waiters) w.resolve();
        },
        (err: Error) => {
          failed = true;
          this.dirty = true;
          for (const w of waiters) w.reject(err);
        },
      )
      .finally(() => {
        this.writing = null;
        // After a failure, no retry loop against a broken disk: the next change or flushed() retries.
        if (this.dirty && (!failed || this.waiters.length)) this.schedule();
      });
  }
}
