// Everything in kk-coordinator's command line that exists only for start-up speed lives in this
// folder; the commands themselves do not depend on it. Operator commands are short-lived processes
// whose start-up is mostly V8 compiling the bundle, so:
//   - the operator words run a smaller bundle, dist/kk-coordinator-ops.cjs: ../command-table.ts
//     built without its FULL_ONLY entries (scripts/build.mjs), so they do not read, parse and map
//     the server's code: `token --help` 193 ms instead of 280 ms (12 runs each on this 2-core
//     machine under load; `node -e 0` took 119 ms there);
//   - each command runs its bundle with a V8 code cache per command word (code-cache.ts): another
//     23 ms (198 → 175 ms, same conditions).
//
// dist/kk-coordinator.cjs is this file. `serve` is long-lived and wants readable stack traces, so
// it — and anything started with source maps on (KK_DEBUG via bin/kk-coordinator) — loads the
// bundle the ordinary way. KK_CODE_CACHE=0 turns the cache off.
import { createRequire } from 'node:module';
import path from 'node:path';
import { runWithCodeCache } from './code-cache';
import { OPERATOR_WORDS } from './operator-words';

const word = process.argv.slice(2).find((a) => !a.startsWith('-'));
const bundle = path.join(__dirname, word && OPERATOR_WORDS.includes(word) ? 'kk-coordinator-ops.cjs' : 'kk-coordinator-main.cjs');

if (word === 'serve' || process.sourceMapsEnabled || process.env.KK_CODE_CACHE === '0') {
  createRequire(__filename)(bundle);
} else {
  runWithCodeCache({ bundle, key: word && /^[a-z]{1,20}$/.test(word) ? word : 'none', parent: module });
}
