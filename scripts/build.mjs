// Builds kk: regenerates the proto contract, then bundles each program into one file with esbuild.
// The agent bundle is what nodes download: one JavaScript file, no npm install on nodes.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

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
};

await Promise.all([
  build({ ...common, entryPoints: ['coordinator/cli/main.ts'], outfile: 'dist/kk-coordinator.cjs' }),
  build({ ...common, entryPoints: ['agent/cli/main.ts'], outfile: 'dist/kk-agent.cjs', minify: true }),
]);
console.log('built dist/kk-coordinator.cjs dist/kk-agent.cjs');
