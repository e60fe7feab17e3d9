// Builds kk: regenerates the proto contract, then bundles each program into one file with esbuild.
// The agent bundle is what nodes download: one JavaScript file, no npm install on nodes.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [path.join(root, 'scripts/gen-proto.mjs')], { stdio: 'inherit' });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: root,
  define: { __KK_VERSION__: JSON.stringify(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version) },
};

await Promise.all([
  // Minified: operator commands are short-lived processes, and parsing less code is most of their start-up.
  build({
    ...common,
    entryPoints: ['coordinator/cli/main.ts'],
    outfile: 'dist/kk-coordinator-main.cjs',
    minify: true,
    define: { ...common.define, 'process.env.KK_CLI_BUNDLE': '"full"' },
  }),
  // The same command table without its FULL_ONLY entries: the operator commands that only call a
  // running coordinator, without the server's code (coordinator/cli/fast-start/boot.ts).
  build({
    ...common,
    entryPoints: ['coordinator/cli/main.ts'],
    outfile: 'dist/kk-coordinator-ops.cjs',
    minify: true,
    define: { ...common.define, 'process.env.KK_CLI_BUNDLE': '"operator"' },
  }),
  // The coordinator's entry point: a small loader that runs the bundle above with a V8 code cache
  // kept next to it (coordinator/cli/fast-start/boot.ts); the caches are made by the first runs, not here.
  build({ ...common, entryPoints: ['coordinator/cli/fast-start/boot.ts'], outfile: 'dist/kk-coordinator.cjs', sourcemap: false }),
  build({ ...common, entryPoints: ['agent/cli/main.ts'], outfile: 'dist/kk-agent.cjs', minify: true }),
]);
mkdirSync(path.join(root, 'dist'), { recursive: true });
// Caches of an earlier bundle would be ignored anyway (they name the file they were made from).
for (const f of readdirSync(path.join(root, 'dist'))) if (/\.v8cache(\.\d+\.tmp)?$/.test(f)) rmSync(path.join(root, 'dist', f), { force: true });
copyFileSync(path.join(root, 'scripts/bootstrap.sh'), path.join(root, 'dist/bootstrap.sh'));
console.log('built dist/kk-coordinator.cjs (+ kk-coordinator-main.cjs, kk-coordinator-ops.cjs) dist/kk-agent.cjs');
