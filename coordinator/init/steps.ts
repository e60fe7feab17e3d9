// The two ways the init phase gets its artifacts: downloaded from the upstreams (each verified
// against its published checksum), or taken from an offline bundle (`create cluster --artifact`)
// without touching the network. Both report as the init phase's "download artifacts" task.
import { Writable } from 'node:stream';
import { downloadPlan } from './artifacts/download';
import { importBundle } from './artifacts/bundle-import';
import { humanBytes, lineProgress } from './artifacts/progress';
import type { DownloadStep } from './index';
import { errorMessage } from '../../shared/errors';

/** Where a run's text goes (the pipeline's output), as the stream the progress printer wants. */
function textSink(write: (text: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      write(chunk.toString());
      cb();
    },
  });
}

export function downloadStep(write: (text: string) => void, artifactStore?: string): DownloadStep {
  return async (plan, ctx) => {
    try {
      const r = await downloadPlan(plan, { progress: lineProgress(textSink(write)), signal: ctx.signal, ...(artifactStore ? { artifactDir: artifactStore } : {}) });
      for (const note of r.notes) write(`init: ${note}\n`);
      return {
        ok: true,
        summary: `${r.resolved.length} file(s) verified, ${r.downloaded} downloaded this time (${humanBytes(r.bytes)})`,
        fetched: [], cached: r.resolved.map((a) => a.id), failed: [], resolved: r.resolved,
      };
    } catch (err) {
      return { ok: false, summary: `downloads failed: ${errorMessage(err)}`, fetched: [], cached: [], failed: [{ id: 'download', error: errorMessage(err) }] };
    }
  };
}

export function bundleStep(file: string, expect: { sha256?: string; md5?: string }, artifactStore?: string): DownloadStep {
  return async (_plan, ctx) => {
    try {
      const r = await importBundle(file, {
        binaryDir: ctx.dirs.binaryDir, workDir: ctx.dirs.workDir, artifactDir: artifactStore ?? ctx.dirs.artifactDir,
        expectSha256: expect.sha256, expectMd5: expect.md5,
      });
      return { ok: true, summary: `${r.resolved.length} file(s) and ${r.images} image(s) from ${file}, every entry verified (sha256 ${r.sha256.slice(0, 12)}…)`, fetched: [], cached: r.resolved.map((a) => a.id), failed: [], resolved: r.resolved };
    } catch (err) {
      return { ok: false, summary: `offline bundle ${file}: ${errorMessage(err)}`, fetched: [], cached: [], failed: [{ id: 'bundle', error: errorMessage(err) }] };
    }
  };
}
