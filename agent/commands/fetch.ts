// fetch: an artifact from the coordinator's HTTPS port (never anywhere else), verified against
// the coordinator CA, checked by sha256, cached by hash under <dataDir>/cache/sha256/, and resumed
// with a Range request when a download broke off (here or in an earlier attempt). A file whose
// hash does not match is discarded, never installed.
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { createHash } from 'node:crypto';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';
import type { IncomingMessage } from 'node:http';
import type { FetchCommand } from '../../shared/commands/codec';
import { COORDINATOR_TLS_NAME } from '../../shared/pki/tls-name';
import { currentStat, installAtomically, metadataMatches, resolveTarget } from './install-file';
import { failed, type ExecutorContext, type ExecutorOutcome } from './types';

const ATTEMPTS = 5;

/** An answer no retry can change (404, 403 …). */
class PermanentError extends Error {}
const IDLE_TIMEOUT_MS = 30_000;

export function cachePath(dataDir: string, sha256: string): string {
  return path.join(dataDir, 'cache', 'sha256', sha256);
}

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Installed files this agent has verified, by path: their sha256 and the inode, size, mtime and
 * ctime they had then. A re-run finds the file unchanged by those (any write moves ctime, which
 * no caller can set back) and skips hashing it again — re-hashing every installed binary and
 * tarball was most of a re-run's time on the nodes.
 */
interface Verified {
  sha256: string;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}
const verifiedPath = (dataDir: string, file: string): string => path.join(dataDir, 'cache', 'verified', createHash('sha256').update(file).digest('hex'));

function verifiedBefore(dataDir: string, file: string, sha: string, st: Stats): boolean {
  try {
    const v = JSON.parse(readFileSync(verifiedPath(dataDir, file), 'utf8')) as Verified;
    return v.sha256 === sha && v.ino === st.ino && v.size === st.size && v.mtimeMs === st.mtimeMs && v.ctimeMs === st.ctimeMs;
  } catch {
    return false;
  }
}

function rememberVerified(dataDir: string, file: string, sha: string): void {
  const st = statSync(file);
  const v: Verified = { sha256: sha, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
  mkdirSync(path.dirname(verifiedPath(dataDir, file)), { recursive: true, mode: 0o700 });
  writeFileSync(verifiedPath(dataDir, file), JSON.stringify(v), { mode: 0o600 });
}

/** The artifact URL: a path on the coordinator's own origin, whatever the path says. */
export function artifactUrl(serverUrl: string, urlPath: string): URL | string {
  if (!urlPath.startsWith('/') || urlPath.startsWith('//')) return `urlPath must start with a single '/', got ${JSON.stringify(urlPath)}`;
  const base = new URL(serverUrl);
  const url = new URL(urlPath, base);
  if (url.origin !== base.origin) return `urlPath ${JSON.stringify(urlPath)} leaves the coordinator's origin`;
  return url;
}

export async function runFetch(spec: FetchCommand, ctx: ExecutorContext): Promise<ExecutorOutcome> {
  const sha = (spec.sha256 ?? '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(sha)) return failed(`fetch: sha256 must be 64 hex digits, got ${JSON.stringify(spec.sha256 ?? '')}`);
  const url = artifactUrl(ctx.serverUrl, spec.urlPath ?? '');
  if (typeof url === 'string') return failed(`fetch: ${url}`);
  const target = spec.dest ? resolveTarget({ path: spec.dest, mode: spec.mode, owner: spec.owner, group: spec.group }) : undefined;
  if (typeof target === 'string') return failed(`fetch: ${target}`);

  const cached = cachePath(ctx.dataDir, sha);
  const data: Record<string, string> = { sha256: sha, cache: cached };
  try {
    if (existsSync(cached)) data.fromCache = 'true';
    else {
      const got = await download(url, sha, cached, ctx);
      data.fromCache = 'false';
      data.resumedFrom = String(got.resumedFrom);
      data.attempts = String(got.attempts);
    }
  } catch (err) {
    if (ctx.signal.aborted) return { status: 'cancelled', exitCode: null, changed: false, error: 'cancelled during download' };
    return failed(`fetch ${url.pathname}: ${(err as Error).message}`, data);
  }
  data.bytes = String(statSync(cached).size);
  if (!target) return { status: 'ok', exitCode: null, changed: data.fromCache !== 'true', data };
  try {
    const st = currentStat(target.file);
    if (
      st?.isFile() &&
      metadataMatches(st, target) &&
      st.size === Number(data.bytes) &&
      (verifiedBefore(ctx.dataDir, target.file, sha, st) || (await sha256File(target.file)) === sha)
    ) {
      rememberVerified(ctx.dataDir, target.file, sha);
      return { status: 'ok', exitCode: null, changed: false, data: { ...data, path: target.file } };
    }
    installAtomically(target, { copyFrom: cached }, { makeParents: spec.makeParents });
    rememberVerified(ctx.dataDir, target.file, sha);
    return { status: 'ok', exitCode: null, changed: true, data: { ...data, path: target.file } };
  } catch (err) {
    return failed(`fetch: installing ${target.file}: ${(err as Error).message}`, data);
  }
}

async function download(url: URL, sha: string, dest: string, ctx: ExecutorContext): Promise<{ resumedFrom: number; attempts: number }> {
  mkdirSync(path.dirname(dest), { recursive: true, mode: 0o700 });
  const partial = `${dest}.partial`;
  let resumedFrom = -1;
  let lastError = '';
  let restartedAfterMismatch = false;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    if (ctx.signal.aborted) throw new Error('cancelled');
    const offset = currentStat(partial)?.size ?? 0;
    if (resumedFrom < 0) resumedFrom = offset;
    try {
      await getInto(url, partial, offset, ctx);
    } catch (err) {
      if (err instanceof PermanentError) throw err;
      lastError = (err as Error).message;
      ctx.log.debug({ url: url.pathname, attempt, err: lastError }, 'fetch attempt failed');
      continue;
    }
    const got = await sha256File(partial);
    if (got === sha) {
      renameSync(partial, dest);
      return { resumedFrom, attempts: attempt };
    }
    rmSync(partial, { force: true });
    // A resumed file may have a bad beginning from an earlier attempt: one clean try from zero.
    if (offset > 0 && !restartedAfterMismatch) {
      restartedAfterMismatch = true;
      continue;
    }
    throw new Error(`sha256 mismatch: expected ${sha}, got ${got}; the download was discarded`);
  }
  throw new Error(`download failed after ${ATTEMPTS} attempts: ${lastError}`);
}

/** One GET, appended to `file` from `offset` (Range) or written from the start (200). */
function getInto(url: URL, file: string, offset: number, ctx: ExecutorContext): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      url,
      {
        ca: ctx.caPem,
        // The coordinator's certificate always carries this name, whatever address nodes reach it by.
        servername: COORDINATOR_TLS_NAME,
        checkServerIdentity: (_host, cert) => tls.checkServerIdentity(COORDINATOR_TLS_NAME, cert),
        headers: offset > 0 ? { Range: `bytes=${offset}-` } : {},
        timeout: IDLE_TIMEOUT_MS,
        signal: ctx.signal,
      },
      (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        if (status === 416 && offset > 0) {
          // The partial file is already as long as (or longer than) the artifact: start over.
          res.resume();
          rmSync(file, { force: true });
          reject(new Error('range not satisfiable; restarting the download'));
          return;
        }
        if (status !== 200 && status !== 206) {
          res.resume();
          reject(status >= 400 && status < 500 ? new PermanentError(`HTTP ${status}`) : new Error(`HTTP ${status}`));
          return;
        }
        const append = status === 206;
        if (append && !String(res.headers['content-range'] ?? '').startsWith(`bytes ${offset}-`)) {
          res.resume();
          reject(new Error(`unexpected Content-Range ${String(res.headers['content-range'])}`));
          return;
        }
        const out = createWriteStream(file, { flags: append ? 'a' : 'w', mode: 0o600 });
        res.pipe(out);
        res.on('error', (err) => out.destroy(err));
        res.on('aborted', () => out.destroy(new Error('the server closed the connection mid-download')));
        out.on('error', reject);
        out.on('finish', () => {
          if (!res.complete) reject(new Error('the server closed the connection mid-download'));
          else resolve();
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no data for ${IDLE_TIMEOUT_MS} ms`)));
    req.on('error', reject);
  });
}
