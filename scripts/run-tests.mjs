// Runs the test suites with node's own test runner (its summary is what CI reads).
// Usage: node scripts/run-tests.mjs [unit|e2e|all]   or   node scripts/run-tests.mjs FILE.test.ts…
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const which = args[0] ?? 'all';
const extra = which.endsWith('.ts') ? args : args.slice(1);
const walk = (dir) =>
  readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : [];
  });
const suites = { unit: ['test/unit'], e2e: ['test/e2e'], all: ['test/unit', 'test/e2e'] };
if (!suites[which] && extra.length === 0) {
  console.error(`unknown suite "${which}" (unit, e2e or all)`);
  process.exit(2);
}
// Unit tests first (fast feedback), then end to end; each folder in name order.
const files = extra.length ? extra.filter((f) => f.endsWith('.ts')) : suites[which].flatMap((d) => walk(d).sort());
const r = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-concurrency=1',
    // A test that leaves a handle open must not hang CI. The limit is per file (each runs in its own
    // process): the install suite builds a cluster several times over, about 15 minutes here.
    '--test-force-exit',
    '--test-timeout=1800000',
    ...files,
  ],
  { stdio: 'inherit' },
);
process.exit(r.status ?? 1);
