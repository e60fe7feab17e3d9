// What users read — README, docs/, the CLI's help and messages — speaks about the product: what it
// does, what it does not do, how to fix a problem. Never about how the product is being built (work
// items, plans, files that are not shipped), which means nothing to someone running kk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const files = (dir: string, ext: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p, ext) : p.endsWith(ext) ? [p] : [];
  });

const USER_TEXT = ['README.md', 'BENCHMARKS.md', ...files('docs', '.md'), ...files('coordinator/cli', '.ts'), ...files('agent/cli', '.ts')];

/** Wording about the project's own work, with what to say instead. */
const PROJECT_TALK: { pattern: RegExp; instead: string }[] = [
  { pattern: /\bnot (built|implemented|done|ready) yet\b|\bnot yet (built|implemented|done|ready)\b/i, instead: 'say what the product does today' },
  { pattern: /\bplaceholder\b/i, instead: 'say what the command or phase does' },
  { pattern: /\barrives? with\b|\b(later|upcoming|future|next) (issue|session|milestone|step)s?\b/i, instead: 'describe the product, not its plans' },
  { pattern: /\b[\w-]+-phase issues\b|\bissue #?\d+\b/i, instead: 'work items mean nothing to users' },
  { pattern: /shared\/spec\//, instead: 'the specs are not shipped; point at docs/ or the README' },
];

test('README, docs and CLI text speak about the product, not about how it is being built', () => {
  const found: string[] = [];
  for (const file of USER_TEXT) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        for (const { pattern, instead } of PROJECT_TALK) {
          const m = pattern.exec(line);
          if (m) found.push(`${file}:${i + 1}: "${m[0]}" (${instead})`);
        }
      });
  }
  assert.deepEqual(found, []);
});
