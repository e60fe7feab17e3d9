// Downloads every file of an artifact plan into the cache, verified, then places it at its
// KubeKey path. A few files at a time; each with a response timeout and a stall timeout, retries
// with exponential backoff, resumption by HTTP Range, and a switch to the mirror when the primary
// answers 404/5xx or keeps timing out. A file is kept only once its digest equals the one the
// upstream publishes (checksum file, fetched first); a mismatch names the file, URL and both sums.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../../../shared/errors';
import { TransientError, getText, openGet, readBody, type HttpGetOptions } from './http-get';
import { isDigest, parseChecksumFile } from './checksum-file';
import { ArtifactCache, checksumKey, place, writeResolved, type ChecksumRecord, type ResolvedArtifact } from './cache';
import { silentProgress, type ProgressSink } from './progress';
import type { ArtifactPlan, PlannedArtifact } from './types';

export interface DownloadOptions {
  /** Defaults to the plan's artifactDir. */
  artifactDir?: string;
  /** Files downloaded at once [4]. */
  concurrency?: number;
  /** Until response headers [15 s]. */
  connectTimeoutMs?: number;
  /** Without a single body byte [30 s]. */
  stallTimeoutMs?: number;
  /** Tries per source (primary, then mirror) [4]. */
  attempts?: number;
  /** First retry delay, doubled each time, with jitter [1 s], capped at maxBackoffMs [15 s]. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Extra trusted CA certificates (PEM) for a private mirror. */
  ca?: string[];
  /** Refuse files whose upstream publishes no checksum (default: keep them, record the sha256 of the first download, warn). */
  requireChecksum?: boolean;
  progress?: ProgressSink;
  signal?: AbortSignal;
}

export interface DownloadOutcome {
  resolved: ResolvedArtifact[];
  /** Files whose body was fetched in this run (0 on a re-run). */
  downloaded: number;
  /** Body bytes received in this run. */
  bytes: number;
  notes: string[];
}

interface Expected extends ChecksumRecord {
  from: string;
  key?: string;
}

/** A body whose digest is not the published one. */
export class ChecksumMismatchError extends Error {}

interface Ctx {
  plan: ArtifactPlan;
  cache: ArtifactCache;
  http: HttpGetOptions;
  attempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  progress: ProgressSink;
  requireChecksum: boolean;
  notes: string[];
  downloaded: number;
  bytes: number;
  /** One fetch per checksum file per run (etcd's SHA256SUMS serves both arches). */
  checksumTexts: Map<string, Promise<string>>;
  /** One download per content: two plan entries with the same digest share it. */
  inflight: Map<string, Promise<{ blob: string; sha256: string }>>;
}

export async function downloadPlan(plan: ArtifactPlan, o: DownloadOptions = {}): Promise<DownloadOutcome> {
  const ctx: Ctx = {
    plan,
    cache: new ArtifactCache(o.artifactDir ?? plan.artifactDir),
    http: { connectTimeoutMs: o.connectTimeoutMs ?? 15_000, stallTimeoutMs: o.stallTimeoutMs ?? 30_000, ca: o.ca, signal: o.signal },
    attempts: Math.max(1, o.attempts ?? 4),
    backoffMs: o.backoffMs ?? 1_000,
    maxBackoffMs: o.maxBackoffMs ?? 15_000,
    progress: o.progress ?? silentProgress,
    requireChecksum: o.requireChecksum ?? false,
    notes: [],
    downloaded: 0,
    bytes: 0,
    checksumTexts: new Map(),
    inflight: new Map(),
  };
  ctx.progress.plan(plan.artifacts.length);
  const failures: string[] = [];
  const resolved: (ResolvedArtifact | undefined)[] = new Array<ResolvedArtifact | undefined>(plan.artifacts.length);
  await forEachLimited(plan.artifacts, Math.max(1, o.concurrency ?? 4), async (a, i) => {
    try {
      resolved[i] = await fetchOne(a, ctx);
    } catch (err) {
      if (o.signal?.aborted) throw err;
      const msg = (err as Error).message;
      ctx.progress.fail(a.id, msg);
      failures.push(`${a.id}: ${msg}`);
    }
  });
  ctx.progress.close();
  if (failures.length > 0) {
    throw new UserError(`${failures.length} of ${plan.artifacts.length} artifact downloads failed:\n  ${failures.join('\n  ')}`);
  }
  const list = resolved.filter((r): r is ResolvedArtifact => r !== undefined);
  writeResolved(o.artifactDir ?? plan.artifactDir, list);
  return { resolved: list, downloaded: ctx.downloaded, bytes: ctx.bytes, notes: ctx.notes };
}

export function destPath(plan: Pick<ArtifactPlan, 'binaryDir' | 'workDir'>, a: Pick<PlannedArtifact, 'base' | 'dest'>): string {
  return path.join(a.base === 'work_dir' ? plan.workDir : plan.binaryDir, a.dest);
}

async function fetchOne(a: PlannedArtifact, ctx: Ctx): Promise<ResolvedArtifact> {
  const expected = await expectedDigest(a, ctx);
  let blob: string | null = null;
  let sha256: string | undefined;
  if (expected) {
    sha256 = expected.algorithm === 'sha256' ? expected.digest : expected.sha256;
    blob = sha256 ? ctx.cache.find('sha256', sha256) : null;
  } else {
    if (ctx.requireChecksum) throw new Error(`no published checksum for ${a.url}${a.checksumNote ? ` (${a.checksumNote})` : ''}, and checksums are required`);
    sha256 = ctx.cache.firstSeen(a.url);
    blob = sha256 ? ctx.cache.find('sha256', sha256) : null;
  }
  let how: 'cached' | 'downloaded' = 'cached';
  if (!blob || !sha256) {
    const key = partialKey(a, expected);
    let pending = ctx.inflight.get(key);
    if (!pending) {
      pending = downloadFromSources(a, expected, key, ctx);
      ctx.inflight.set(key, pending);
    }
    const got = await pending;
    blob = got.blob;
    sha256 = got.sha256;
    how = 'downloaded';
    if (!expected) {
      ctx.cache.setFirstSeen(a.url, sha256);
      ctx.notes.push(
        `${a.id}: upstream publishes no checksum${a.checksumNote ? ` (${a.checksumNote})` : ''}; recorded sha256 ${sha256} of the first download and will insist on it from now on`,
      );
    } else if (expected.algorithm !== 'sha256' && expected.key) {
      ctx.cache.setChecksum(expected.key, { algorithm: expected.algorithm, digest: expected.digest, sha256 });
    }
  }
  const size = statSync(blob).size;
  place(blob, destPath(ctx.plan, a));
  ctx.progress.done(a.id, how, size);
  return {
    id: a.id,
    name: a.name,
    kind: a.kind,
    arch: a.arch,
    version: a.version,
    base: a.base,
    dest: a.dest,
    sha256,
    size,
    url: a.url,
    verified: expected ? `${expected.algorithm}:${expected.digest}` : 'first-download',
    ...(expected?.key ? { checksumKey: expected.key } : {}),
  };
}

/** The digest a file must have: inline, cached from an earlier run, or read from the published checksum file. */
async function expectedDigest(a: PlannedArtifact, ctx: Ctx): Promise<Expected | null> {
  const c = a.checksum;
  if (!c) return null;
  if (c.inline) {
    const digest = c.inline.toLowerCase();
    if (!isDigest(c.algorithm, digest)) throw new Error(`the ${c.algorithm} given for ${a.id} is not a ${c.algorithm} digest: ${c.inline}`);
    return { algorithm: c.algorithm, digest, from: 'the plan' };
  }
  if (!c.url) return null;
  const key = checksumKey(c.url, c.entry);
  const known = ctx.cache.checksum(key);
  if (known) return { ...known, from: c.url, key };
  const urls = ordered(ctx.plan, c.url, c.mirrorUrl);
  const errors: string[] = [];
  for (const url of urls) {
    try {
      let pending = ctx.checksumTexts.get(url);
      if (!pending) {
        pending = withRetries(a.id, ctx, () => getText(url, ctx.http));
        ctx.checksumTexts.set(url, pending);
        pending.catch(() => ctx.checksumTexts.delete(url));
      }
      const text = await pending;
      const digest = parseChecksumFile(text, c, url);
      const rec: ChecksumRecord = { algorithm: c.algorithm, digest };
      ctx.cache.setChecksum(key, rec);
      return { ...rec, from: url, key };
    } catch (err) {
      if (ctx.http.signal?.aborted) throw err;
      errors.push((err as Error).message);
    }
  }
  throw new Error(`cannot read the published checksum of ${a.id}: ${errors.join('; ')}`);
}

/** Retries transient failures with backoff; a permanent HTTP status or a digest mismatch ends at once. */
async function withRetries<T>(id: string, ctx: Ctx, fn: (attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const retryable = err instanceof TransientError && !ctx.http.signal?.aborted;
      if (!retryable || attempt >= ctx.attempts) throw err;
      const delay = Math.min(ctx.maxBackoffMs, ctx.backoffMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      ctx.progress.retry(id, attempt, (err as Error).message, delay);
      await sleep(delay, undefined, ctx.http.signal ? { signal: ctx.http.signal } : undefined);
    }
  }
}

function partialKey(a: PlannedArtifact, expected: Expected | null): string {
  return expected ? `${expected.algorithm}-${expected.digest}` : `url-${createHash('sha256').update(a.url).digest('hex').slice(0, 32)}`;
}

async function downloadFromSources(a: PlannedArtifact, expected: Expected | null, key: string, ctx: Ctx): Promise<{ blob: string; sha256: string }> {
  const sources = ordered(ctx.plan, a.url, a.mirrorUrl);
  const partial = ctx.cache.partialPath(key);
  const errors: string[] = [];
  for (const [i, url] of sources.entries()) {
    if (i > 0) ctx.progress.fallback(a.id, url, errors[errors.length - 1] ?? 'the first source failed');
    let restartedAfterMismatch = false;
    try {
      return await withRetries(a.id, ctx, async () => {
        const got = await bodyInto(a, url, partial, expected, ctx);
        if (expected && got.digest !== expected.digest) {
          rmSync(partial, { force: true });
          // A resumed file may carry a bad beginning from an earlier attempt: one clean try from zero.
          if (got.resumedFrom > 0 && !restartedAfterMismatch) {
            restartedAfterMismatch = true;
            throw new TransientError(`${expected.algorithm} mismatch on a resumed download; starting over`);
          }
          throw new ChecksumMismatchError(
            `${expected.algorithm} mismatch for ${a.dest}: ${url} gave ${got.digest}, but ${expected.from} says ${expected.digest}; the file was discarded`,
          );
        }
        ctx.downloaded++;
        return { blob: ctx.cache.commit(partial, got.sha256, expected ?? undefined), sha256: got.sha256 };
      });
    } catch (err) {
      if (ctx.http.signal?.aborted) throw err;
      errors.push((err as Error).message);
    }
  }
  throw new Error(errors.join('; then '));
}

/** One GET into the partial file, resumed with Range when it already holds bytes. */
async function bodyInto(
  a: PlannedArtifact,
  url: string,
  partial: string,
  expected: Expected | null,
  ctx: Ctx,
): Promise<{ sha256: string; digest: string; resumedFrom: number }> {
  let offset = 0;
  try {
    offset = statSync(partial).size;
  } catch {
    // nothing yet
  }
  const { res } = await openGet(url, { ...ctx.http, headers: offset > 0 ? { Range: `bytes=${offset}-` } : {} });
  if (res.statusCode === 416) {
    res.resume();
    rmSync(partial, { force: true });
    throw new TransientError('range not satisfiable (the partial file is not a prefix); starting over');
  }
  if (res.statusCode === 206) {
    const range = String(res.headers['content-range'] ?? '');
    if (!range.startsWith(`bytes ${offset}-`)) {
      res.resume();
      rmSync(partial, { force: true });
      throw new TransientError(`unexpected Content-Range ${JSON.stringify(range)}; starting over`);
    }
  } else offset = 0;

  const sha = createHash('sha256');
  const other: Hash | null = expected && expected.algorithm !== 'sha256' ? createHash(expected.algorithm) : null;
  if (offset > 0) {
    for await (const chunk of createReadStream(partial, { end: offset - 1 })) {
      sha.update(chunk as Buffer);
      other?.update(chunk as Buffer);
    }
  }
  const length = Number(res.headers['content-length']);
  const total = Number.isFinite(length) && res.headers['content-length'] !== undefined ? offset + length : (a.size ?? null);
  ctx.progress.start(a.id, url, total, offset);
  const out = createWriteStream(partial, { flags: offset > 0 ? 'a' : 'w', mode: 0o644 });
  const outError = new Promise<never>((_, reject) => out.once('error', reject));
  // Raced against every write below; this only keeps an error before the first race from going unhandled.
  outError.catch(() => {});
  try {
    await readBody(res, ctx.http.stallTimeoutMs, (chunk) => {
      sha.update(chunk);
      other?.update(chunk);
      ctx.bytes += chunk.length;
      ctx.progress.bytes(a.id, chunk.length);
      if (!out.write(chunk)) return Promise.race([once(out, 'drain'), outError]);
    });
  } finally {
    // What arrived stays on disk for the next attempt's Range request.
    out.end();
    await Promise.race([once(out, 'close'), outError]);
  }
  const sha256 = sha.digest('hex');
  return { sha256, digest: other ? other.digest('hex') : sha256, resumedFrom: offset };
}

/** Primary first, then the mirror; the other way round when the plan prefers the mirror (zone=cn). */
function ordered(plan: Pick<ArtifactPlan, 'preferMirror'>, url: string, mirror: string | null | undefined): string[] {
  const list = [url, mirror].filter((u): u is string => typeof u === 'string' && u !== '');
  return plan.preferMirror ? list.reverse() : list;
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
