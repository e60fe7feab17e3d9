// One HTTP(S) GET with the two timeouts KubeKey lacks: until the response headers arrive
// (connect + TLS + server think time) and between body chunks (a stalled transfer). Redirects are
// followed (GitHub release assets redirect to a CDN), never from https down to http.
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { IncomingMessage } from 'node:http';

export interface HttpGetOptions {
  /** Extra PEM CAs trusted besides the system roots (a private mirror, the tests' throwaway CA). */
  ca?: string[];
  connectTimeoutMs: number;
  stallTimeoutMs: number;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** The server answered, with a status no retry on the same URL will change (404, 403 …). */
export class HttpStatusError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    super(`HTTP ${status} from ${url}`);
  }
  get permanent(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429;
  }
}

/** A timeout or broken connection: worth another try. */
export class TransientError extends Error {}

const MAX_REDIRECTS = 5;
const USER_AGENT = 'kk-coordinator (artifact download)';

let cachedRoots: { extra: string; roots: string[] } | null = null;
function trustedRoots(extra: string[] | undefined): string[] | undefined {
  if (!extra || extra.length === 0) return undefined;
  const key = extra.join('\n');
  if (cachedRoots?.extra !== key) cachedRoots = { extra: key, roots: [...tls.rootCertificates, ...extra] };
  return cachedRoots.roots;
}

export interface OpenResponse {
  res: IncomingMessage;
  /** The URL that answered, after redirects. */
  url: string;
}

/** Sends the GET and resolves once headers arrive (status 2xx/3xx handled; other statuses reject). */
export function openGet(url: string, o: HttpGetOptions, redirects = 0): Promise<OpenResponse> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      reject(new HttpStatusError(url, 0));
      return;
    }
    const mod = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : null;
    if (!mod) {
      reject(new Error(`unsupported URL scheme in ${url}`));
      return;
    }
    const req = mod.get(target, {
      headers: { 'User-Agent': USER_AGENT, ...o.headers },
      ca: trustedRoots(o.ca),
      signal: o.signal,
    });
    const timer = setTimeout(() => req.destroy(new TransientError(`no response from ${target.host} within ${o.connectTimeoutMs} ms`)), o.connectTimeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err instanceof TransientError || o.signal?.aborted ? err : new TransientError(`${target.host}: ${err.message}`));
    });
    req.on('response', (res) => {
      clearTimeout(timer);
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects >= MAX_REDIRECTS) return reject(new Error(`too many redirects from ${url}`));
        const next = new URL(res.headers.location, target);
        if (target.protocol === 'https:' && next.protocol !== 'https:') return reject(new Error(`${url} redirects to a non-HTTPS URL ${next.href}: refused`));
        openGet(next.href, o, redirects + 1).then(resolve, reject);
        return;
      }
      if (status !== 200 && status !== 206 && status !== 416) {
        res.resume();
        reject(status >= 500 || status === 408 || status === 429 ? new TransientError(`HTTP ${status} from ${url}`) : new HttpStatusError(url, status));
        return;
      }
      resolve({ res, url });
    });
  });
}

/**
 * Feeds the body to `onChunk`; when it returns a promise (a slow disk), the response is paused
 * until it settles. Fails with a TransientError when no byte arrives for `stallTimeoutMs` (time
 * spent waiting on the consumer does not count) or the connection breaks early. Events, not an
 * async iterator: one promise per 16 KiB TLS record costs a quarter of the throughput.
 */
export function readBody(res: IncomingMessage, stallTimeoutMs: number, onChunk: (chunk: Buffer) => Promise<unknown> | void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err === undefined) resolve();
      else reject(err);
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        res.destroy();
        finish(new TransientError(`stalled: no data for ${stallTimeoutMs} ms`));
      }, stallTimeoutMs);
    };
    arm();
    res.on('data', (chunk: Buffer) => {
      if (settled) return;
      arm();
      let pending: Promise<unknown> | void;
      try {
        pending = onChunk(chunk);
      } catch (err) {
        res.destroy();
        return finish(err);
      }
      if (pending) {
        clearTimeout(timer);
        res.pause();
        pending.then(
          () => {
            if (settled) return;
            arm();
            res.resume();
          },
          (err: unknown) => {
            res.destroy();
            finish(err);
          },
        );
      }
    });
    res.on('end', () => finish(res.complete ? undefined : new TransientError('the server closed the connection mid-body')));
    res.on('error', (err) => finish(err instanceof TransientError ? err : new TransientError(`connection broke mid-body: ${err.message}`)));
    res.on('close', () => finish(res.complete ? undefined : new TransientError('the server closed the connection mid-body')));
  });
}

/** A small text body (a checksum file), capped so a wrong URL cannot flood memory. */
export async function getText(url: string, o: HttpGetOptions, limit = 1 << 20): Promise<string> {
  const { res } = await openGet(url, o);
  if (res.statusCode === 416) {
    res.resume();
    throw new HttpStatusError(url, 416);
  }
  const parts: Buffer[] = [];
  let size = 0;
  await readBody(res, o.stallTimeoutMs, (c) => {
    size += c.length;
    if (size > limit) {
      res.destroy();
      throw new Error(`${url} is larger than ${limit} bytes: not a checksum file`);
    }
    parts.push(c);
  });
  return Buffer.concat(parts).toString('utf8');
}
