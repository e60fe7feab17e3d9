// The fleet's worker program as one CommonJS file, bundled with esbuild the way dist/ is, so the
// workers run compiled JavaScript like a real agent instead of TypeScript through the tsx loader.
// The loader costs more than start-up: its module hooks run on their own thread with their own V8
// heap, and every simulated node spawns its commands from the worker process — a fork copies the
// page tables of all that memory and the parent then takes a copy-on-write fault on each page it
// writes, per command.
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const REPO = path.resolve(import.meta.dirname, '../..');

export interface WorkerBundle {
  /** The bundled worker (with a linked source map next to it, for reading CPU profiles). */
  file: string;
  remove(): void;
}

export async function bundleWorker(): Promise<WorkerBundle> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kk-fleet-worker-'));
  const file = path.join(dir, 'worker.cjs');
  try {
    await build({
      entryPoints: [path.join(REPO, 'bench/fleet/worker.ts')],
      outfile: file,
      absWorkingDir: REPO,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      sourcemap: 'linked',
      legalComments: 'none',
      logLevel: 'warning',
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
