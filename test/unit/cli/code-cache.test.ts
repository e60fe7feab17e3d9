// The coordinator CLI's code cache (coordinator/cli/fast-start/code-cache.ts): each case runs a small CJS
// "bundle" in a child process, as bin/kk-coordinator would, and checks what ran and what was cached.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, utimesSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cacheFile } from '../../../coordinator/cli/fast-start/code-cache';

const CODE_CACHE = path.resolve(import.meta.dirname, '../../../coordinator/cli/fast-start/code-cache.ts');

// Prints what the module saw, so a run from the cache can be compared with a plain one. The
// function is called, so the cache made after the run holds its compiled code.
const bundleSource = (tag: string, exitCode = 0) => `'use strict';
const os = require('node:os');
function describe() { return { tag: ${JSON.stringify(tag)}, file: __filename, dir: __dirname, same: module.filename === __filename, os: typeof os.cpus }; }
process.stdout.write(JSON.stringify(describe()) + '\\n');
process.exitCode = ${exitCode};
`;

// The child: runs the bundle through runWithCodeCache and reports the cache events on stderr.
const runner = (dir: string) => {
  const file = path.join(dir, 'runner.ts');
  writeFileSync(
    file,
    `import { runWithCodeCache } from ${JSON.stringify(CODE_CACHE)};
import { createRequire } from 'node:module';
const parent = createRequire(import.meta.url)('node:module');
const events: string[] = [];
runWithCodeCache({ bundle: process.argv[2]!, key: process.argv[3]!, parent: new parent(process.argv[2]!), onCache: (e) => events.push(e.kind) });
// After the loader's own exit hook, which writes the cache.
process.on('exit', () => process.stderr.write(JSON.stringify(events) + '\\n'));
`,
  );
  return file;
};

function run(dir: string, bundle: string, key = 'run') {
  const r = spawnSync(process.execPath, ['--import', 'tsx', runner(dir), bundle, key], { encoding: 'utf8' });
  const events = JSON.parse(r.stderr.trim().split('\n').pop() ?? '[]') as string[];
  return { code: r.status, out: r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, unknown>) : null, events, stderr: r.stderr };
}

function withDir(fn: (dir: string) => void) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kk-code-cache-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const caches = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.v8cache'));

test('first run writes the cache, the next one runs from it with the same module environment', () =>
  withDir((dir) => {
    const bundle = path.join(dir, 'main.cjs');
    writeFileSync(bundle, bundleSource('one'));
    const first = run(dir, bundle);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(first.events, ['missing', 'written']);
    assert.deepEqual(first.out, { tag: 'one', file: bundle, dir, same: true, os: 'function' });
    assert.equal(caches(dir).length, 1);
    const second = run(dir, bundle);
    assert.deepEqual(second.events, ['used']);
    assert.deepEqual(second.out, first.out);
  }));

test('each key has its own cache; a failed run writes none', () =>
  withDir((dir) => {
    const bundle = path.join(dir, 'main.cjs');
    writeFileSync(bundle, bundleSource('fails', 3));
    const r = run(dir, bundle, 'nodes');
    assert.equal(r.code, 3);
    assert.deepEqual(r.events, ['missing', 'not-written']);
    assert.deepEqual(caches(dir), []);
    writeFileSync(bundle, bundleSource('works'));
    run(dir, bundle, 'nodes');
    run(dir, bundle, 'token');
    assert.deepEqual(
      caches(dir)
        .map((f) => f.replace(/-[0-9a-f]{8}\.v8cache$/, ''))
        .sort(),
      ['main.cjs.nodes', 'main.cjs.token'],
    );
  }));

test('a rebuilt bundle of the same length never runs old cached code', () =>
  withDir((dir) => {
    const bundle = path.join(dir, 'main.cjs');
    writeFileSync(bundle, bundleSource('AAAA'));
    run(dir, bundle);
    // Replaced the way a build does (new file), then overwritten in place with a new mtime.
    writeFileSync(`${bundle}.new`, bundleSource('BBBB'));
    renameSync(`${bundle}.new`, bundle);
    const replaced = run(dir, bundle);
    assert.deepEqual(replaced.events, ['stale', 'written']);
    assert.equal(replaced.out?.tag, 'BBBB');
    writeFileSync(bundle, bundleSource('CCCC'));
    const t = statSync(bundle).mtime;
    utimesSync(bundle, t, new Date(t.getTime() + 5000));
    const edited = run(dir, bundle);
    assert.deepEqual(edited.events, ['stale', 'written']);
    assert.equal(edited.out?.tag, 'CCCC');
    assert.deepEqual(run(dir, bundle).events, ['used']);
  }));

test('a damaged or foreign cache is ignored (V8 would abort on it) and replaced', () =>
  withDir((dir) => {
    const bundle = path.join(dir, 'main.cjs');
    writeFileSync(bundle, bundleSource('x'));
    run(dir, bundle);
    const [name] = caches(dir);
    const file = path.join(dir, name!);
    const data = readFileSync(file);
    const nl = data.indexOf(10);
    for (let i = nl + 40; i < data.length; i += 97) data[i] = (data[i] ?? 0) ^ 0x5a;
    writeFileSync(file, data);
    const damaged = run(dir, bundle);
    assert.equal(damaged.code, 0, damaged.stderr);
    assert.deepEqual(damaged.events, ['stale', 'written']);
    assert.equal(damaged.out?.tag, 'x');
    writeFileSync(file, 'not a cache at all');
    assert.deepEqual(run(dir, bundle).events, ['stale', 'written']);
    assert.deepEqual(run(dir, bundle).events, ['used']);
  }));

test('cache files are named by key and node flags, and keys are checked', () => {
  assert.notEqual(cacheFile('/x/main.cjs', 'run', []), cacheFile('/x/main.cjs', 'run', ['--cpu-prof']));
  assert.equal(cacheFile('/x/main.cjs', 'run', []), cacheFile('/x/main.cjs', 'run', []));
  assert.match(cacheFile('/x/main.cjs', 'run', []), /^\/x\/main\.cjs\.run-[0-9a-f]{8}\.v8cache$/);
  assert.throws(() => cacheFile('/x/main.cjs', '../evil'), /not \[A-Za-z0-9_-\]/);
  assert.ok(!existsSync('/x'));
});
