// The two ways the init phase gets its artifacts: downloaded from the upstreams (each verified
// against its published checksum), or taken from an offline bundle (`create cluster --artifact`)
// without touching the network. Both report as the init phase's "download artifacts" task.
import { Writable } from 'node:stream';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cacheLookup, type ResolvedArtifact } from './artifacts/cache';
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
      const r = await downloadPlan(plan, {
        progress: lineProgress(textSink(write)),
        signal: ctx.signal,
        ...(artifactStore ? { artifactDir: artifactStore } : {}),
      });
      for (const note of r.notes) write(`init: ${note}\n`);
      return {
        ok: true,
        summary: `${r.resolved.length} file(s) verified, ${r.downloaded} downloaded this time (${humanBytes(r.bytes)})`,
        fetched: [],
        cached: r.resolved.map((a) => a.id),
        failed: [],
        resolved: r.resolved,
      };
    } catch (err) {
      return { ok: false, summary: `downloads failed: ${errorMessage(err)}`, fetched: [], cached: [], failed: [{ id: 'download', error: errorMessage(err) }] };
    }
  };
}

interface ImportedMarker {
  resolved: ResolvedArtifact[];
  images: number;
  binaryDir: string;
}

async function fileSha256(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * The same bundle imported before into this store and work dir, with every file still in place:
 * a re-run hashes the bundle once instead of unpacking and re-verifying every entry.
 */
function alreadyImported(store: string, sha: string, binaryDir: string): ImportedMarker | null {
  const marker = path.join(store, 'bundles', `${sha}.json`);
  if (!existsSync(marker)) return null;
  try {
    const m = JSON.parse(readFileSync(marker, 'utf8')) as ImportedMarker;
    const lookup = cacheLookup(store);
    const intact =
      m.binaryDir === binaryDir &&
      m.resolved.every((a) => lookup(a.sha256) && (a.base !== 'binary_dir' || existsSync(path.join(binaryDir, a.dest)))) &&
      (m.images === 0 || existsSync(path.join(store, 'images', 'index.json')));
    return intact ? m : null;
  } catch {
    return null;
  }
}

export function bundleStep(file: string, expect: { sha256?: string; md5?: string }, artifactStore?: string): DownloadStep {
  return async (_plan, ctx) => {
    try {
      const store = artifactStore ?? ctx.dirs.artifactDir;
      const sha = existsSync(file) ? await fileSha256(file) : '';
      const prev = sha && (!expect.sha256 || expect.sha256 === sha) && !expect.md5 ? alreadyImported(store, sha, ctx.dirs.binaryDir) : null;
      if (prev) {
        return {
          ok: true,
          summary: `${file} (sha256 ${sha.slice(0, 12)}…) was imported before and every file is in place: ${prev.resolved.length} file(s), ${prev.images} image(s)`,
          fetched: [],
          cached: prev.resolved.map((a) => a.id),
          failed: [],
          resolved: prev.resolved,
        };
      }
      const r = await importBundle(file, {
        binaryDir: ctx.dirs.binaryDir,
        workDir: ctx.dirs.workDir,
        artifactDir: store,
        expectSha256: expect.sha256,
        expectMd5: expect.md5,
      });
      mkdirSync(path.join(store, 'bundles'), { recursive: true });
      const marker: ImportedMarker = { resolved: r.resolved, images: r.images, binaryDir: ctx.dirs.binaryDir };
      writeFileSync(path.join(store, 'bundles', `${r.sha256}.json`), JSON.stringify(marker));
      return {
        ok: true,
        summary: `${r.resolved.length} file(s) and ${r.images} image(s) from ${file}, every entry verified (sha256 ${r.sha256.slice(0, 12)}…)`,
        fetched: [],
        cached: r.resolved.map((a) => a.id),
        failed: [],
        resolved: r.resolved,
      };
    } catch (err) {
      return {
        ok: false,
        summary: `offline bundle ${file}: ${errorMessage(err)}`,
        fetched: [],
        cached: [],
        failed: [{ id: 'bundle', error: errorMessage(err) }],
      };
    }
  };
}
