// A small durable JSON document: kept in memory, written atomically on every change.
// The coordinator is the only writer (operator commands go through its admin API), so there is
// no cross-process locking to do. Why files and not JetStream KV: enrolment and the node
// registry must keep working while nats-server restarts, and they are tiny (see docs/design.md).
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from './files';

export class JsonStore<T> {
  private value: T;

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

  update(mutate: (v: T) => void): void {
    mutate(this.value);
    writeFileAtomic(this.file, JSON.stringify(this.value, null, 1) + '\n', 0o600);
  }
}
