// dist/kk-coordinator.cjs: starts a CLI bundle. The operator commands that only call a running
// coordinator (ops-commands.ts) run the small dist/kk-coordinator-ops.cjs; everything else the
// full dist/kk-coordinator-main.cjs. Operator commands are short-lived processes whose start-up is
// mostly V8 compiling the bundle, so they run it with a code cache per command (code-cache.ts).
// `serve` is long-lived and wants readable stack traces, so it — and anything started with source
// maps on (KK_DEBUG via bin/kk-coordinator) — loads the bundle the ordinary way. KK_CODE_CACHE=0
// turns the cache off.
import { createRequire } from 'node:module';
import path from 'node:path';
import { runWithCodeCache } from './code-cache';
import { OPS_COMMANDS } from './ops-commands';

const word = process.argv.slice(2).find((a) => !a.startsWith('-'));
const bundle = path.join(__dirname, word && OPS_COMMANDS.includes(word) ? 'kk-coordinator-ops.cjs' : 'kk-coordinator-main.cjs');

if (word === 'serve' || process.sourceMapsEnabled || process.env.KK_CODE_CACHE === '0') {
  createRequire(__filename)(bundle);
} else {
  runWithCodeCache({ bundle, key: word && /^[a-z]{1,20}$/.test(word) ? word : 'none', parent: module });
}
