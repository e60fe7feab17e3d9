// Shared by the facts tests: fixture files, throwaway host roots and scripted command runners.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProbeFailure, type ProbeContext, type Runner } from '../../../agent/facts/probe';

const FIXTURES = fileURLToPath(new URL('../../fixtures/facts/', import.meta.url));

export function fixture(name: string): string {
  return readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** A file's content, an executable's content, a directory, or a symlink target. */
export type Entry = string | { exec: string } | { dir: true } | { link: string };

/** A temporary host root holding `entries` (absolute host paths); remove it with cleanup(). */
export function makeRoot(entries: Record<string, Entry>): { root: string; cleanup: () => void } {
  const root = mkdtempSync(path.join(tmpdir(), 'kk-facts-root-'));
  for (const [p, e] of Object.entries(entries)) {
    const full = path.join(root, p);
    if (typeof e === 'object' && 'dir' in e) {
      mkdirSync(full, { recursive: true });
      continue;
    }
    mkdirSync(path.dirname(full), { recursive: true });
    if (typeof e === 'string') writeFileSync(full, e);
    else if ('exec' in e) writeFileSync(full, e.exec, { mode: 0o755 });
    else symlinkSync(e.link, full);
  }
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** A runner answering `file args…` from a script; an Error answer is a failed command. */
export function scriptedRunner(script: Record<string, string | Error>, calls: string[] = []): Runner {
  return async (file, args) => {
    const key = [file, ...args].join(' ');
    calls.push(key);
    const answer = script[key];
    if (answer === undefined) throw new ProbeFailure(`${file} not found (unscripted: ${key})`);
    if (answer instanceof Error) throw answer;
    return answer;
  };
}

export function context(root: string, script: Record<string, string | Error> = {}, calls?: string[]): ProbeContext {
  return { root, run: scriptedRunner(script, calls) };
}
