// Shared by the inventory/config tests: fixture paths and loading expected to fail.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../../shared/errors';
import { loadCluster } from '../../../coordinator/inventory';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/inventory/', import.meta.url));
export const fixture = (name: string): string => path.join(FIXTURES, name);

/** Loads and expects a UserError with exit code 2; returns its message lines. */
export function loadErrors(inventory: string, config: string | null = null): string[] {
  try {
    loadCluster(inventory, config);
  } catch (err) {
    assert.ok(err instanceof UserError, `expected a UserError, got ${String(err)}`);
    assert.equal(err.exitCode, 2);
    return err.message.split('\n');
  }
  assert.fail('expected the load to fail');
}

/** Writes `text` to a fresh temp file named `name` and returns its path. */
export function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kk-inv-test-'));
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}
