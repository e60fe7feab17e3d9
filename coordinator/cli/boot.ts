// dist/kk-coordinator.cjs: starts the CLI bundle (dist/kk-coordinator-main.cjs). Operator
// commands are short-lived processes whose start-up is mostly V8 compiling the bundle, so they run
// it with a code cache per command (code-cache.ts). `serve` is long-lived and wants readable stack
// traces, so it — and anything started with source maps on (KK_DEBUG via bin/kk-coordinator) —
// loads the bundle the ordinary way. KK_CODE_CACHE=0 turns the cache off.
import { createRequire } from 'node:module';
import path from 'node:path';
import { runWithCodeCache } from './code-cache';

const bundle = path.join(__dirname, 'kk-coordinator-main.cjs');
const word = process.argv.slice(2).find((a) => !a.startsWith('-'));

if (word === 'serve' || process.sourceMapsEnabled || process.env.KK_CODE_CACHE === '0') {
  createRequire(__filename)(bundle);
} else {
  runWithCodeCache({ bundle, key: word && /^[a-z]{1,20}$/.test(word) ? word : 'none', parent: module });
}
