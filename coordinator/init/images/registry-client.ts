// A client for the OCI distribution API (what docker-registry, Harbor, registry.k8s.io … speak):
// manifests and blobs, pulled and pushed, with the registry's auth challenge answered (Bearer
// token from the realm it names, or Basic), TLS checked against a given CA, or plain HTTP when
// the operator says so.
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';

export interface RegistryEndpoint {
  /** host[:port], as in an image reference. */
  host: string;
  /** Speak HTTP, not HTTPS (image_registry.auth.plain_http). */
  plainHttp?: boolean;
  /** PEM CA certificates trusted besides the system roots. */
  ca?: string[];
  /** Accept any certificate (image_registry.auth.skip_tls_verify). */
  skipTlsVerify?: boolean;
  username?: string;
  password?: string;
  /** Per-request timeout without progress [60 s]. */
  timeoutMs?: number;
}

export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;
export const MANIFEST_ACCEPT = [MEDIA.ociIndex, MEDIA.ociManifest, MEDIA.dockerList, MEDIA.dockerManifest].join(', ');
export const isIndexType = (t: string) => t === MEDIA.ociIndex || t === MEDIA.dockerList;

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

type Body = Buffer | { file: string; size: number };

export const sha256Digest = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export class RegistryClient {
  private readonly tokens = new Map<string, string>();
  private readonly base: string;

  constructor(readonly ep: RegistryEndpoint) {
    this.base = `${ep.plainHttp ? 'http' : 'https'}://${ep.host}`;
  }

  /** GET /v2/: reachable, and credentials (if any) accepted. */
  async ping(): Promise<void> {
    const r = await this.request('GET', '/v2/', { scope: '' });
    if (r.status !== 200) throw new RegistryError(`${this.ep.host}: /v2/ answered HTTP ${r.status}`, r.status);
  }

  async getManifest(repo: string, reference: string): Promise<{ mediaType: string; bytes: Buffer; digest: string }> {
    const r = await this.request('GET', `/v2/${repo}/manifests/${reference}`, { scope: `repository:${repo}:pull`, headers: { Accept: MANIFEST_ACCEPT } });
    if (r.status === 404) throw new RegistryError(`${this.ep.host}/${repo}:${reference} does not exist`, 404);
    if (r.status !== 200)
      throw new RegistryError(`${this.ep.host}/${repo}: manifest ${reference}: HTTP ${r.status} ${r.body.toString('utf8').slice(0, 200)}`, r.status);
    const digest = sha256Digest(r.body);
    if (reference.startsWith('sha256:') && reference !== digest) {
      throw new RegistryError(`${this.ep.host}/${repo}@${reference}: the registry sent a manifest whose digest is ${digest}`);
    }
    const mediaType = (JSON.parse(r.body.toString('utf8')) as { mediaType?: string }).mediaType ?? String(r.headers['content-type'] ?? '').split(';')[0] ?? '';
    return { mediaType, bytes: r.body, digest };
  }

  async hasBlob(repo: string, digest: string): Promise<boolean> {
    const r = await this.request('HEAD', `/v2/${repo}/blobs/${digest}`, { scope: `repository:${repo}:pull` });
    return r.status === 200;
  }

  /** Streams a blob to `file`, kept only when its sha256 is `digest`. */
  async getBlob(repo: string, digest: string, file: string): Promise<void> {
    const res = await this.open('GET', `${this.base}/v2/${repo}/blobs/${digest}`, { scope: `repository:${repo}:pull` });
    if (res.statusCode !== 200) {
      res.resume();
      throw new RegistryError(`${this.ep.host}/${repo}: blob ${digest}: HTTP ${res.statusCode}`, res.statusCode);
    }
    const tmp = `${file}.partial`;
    const h = createHash('sha256');
    const out = createWriteStream(tmp);
    try {
      for await (const chunk of res) {
        h.update(chunk as Buffer);
        if (!out.write(chunk)) await once(out, 'drain');
      }
    } finally {
      out.end();
      await once(out, 'close');
    }
    const got = `sha256:${h.digest('hex')}`;
    if (got !== digest) {
      rmSync(tmp, { force: true });
      throw new RegistryError(`${this.ep.host}/${repo}: blob ${digest} arrived with digest ${got}: discarded`);
    }
    renameSync(tmp, file);
  }

  /** Uploads a blob (monolithic: POST for an upload URL, then PUT with the digest). */
  async pushBlob(repo: string, digest: string, file: string): Promise<'exists' | 'pushed'> {
    if (await this.hasBlob(repo, digest)) return 'exists';
    const scope = `repository:${repo}:pull,push`;
    const start = await this.request('POST', `/v2/${repo}/blobs/uploads/`, { scope, body: Buffer.alloc(0) });
    if (start.status !== 202 || !start.headers.location) {
      throw new RegistryError(
        `${this.ep.host}/${repo}: starting a blob upload: HTTP ${start.status} ${start.body.toString('utf8').slice(0, 200)}`,
        start.status,
      );
    }
    const loc = new URL(start.headers.location, this.base);
    loc.searchParams.set('digest', digest);
    const size = statSync(file).size;
    const put = await this.request('PUT', loc.href, {
      scope,
      headers: { 'Content-Type': 'application/octet-stream' },
      body: { file, size },
    });
    if (put.status !== 201)
      throw new RegistryError(`${this.ep.host}/${repo}: uploading blob ${digest}: HTTP ${put.status} ${put.body.toString('utf8').slice(0, 200)}`, put.status);
    return 'pushed';
  }

  async putManifest(repo: string, reference: string, mediaType: string, bytes: Buffer): Promise<string> {
    const r = await this.request('PUT', `/v2/${repo}/manifests/${reference}`, {
      scope: `repository:${repo}:pull,push`,
      headers: { 'Content-Type': mediaType },
      body: bytes,
    });
    if (r.status !== 201)
      throw new RegistryError(`${this.ep.host}/${repo}: pushing manifest ${reference}: HTTP ${r.status} ${r.body.toString('utf8').slice(0, 300)}`, r.status);
    return String(r.headers['docker-content-digest'] ?? sha256Digest(bytes));
  }

  private async request(method: string, pathOrUrl: string, o: { scope: string; headers?: Record<string, string>; body?: Body }): Promise<Response> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${this.base}${pathOrUrl}`;
    for (let round = 0; ; round++) {
      const res = await this.open(method, url, o);
      const body = await readAll(res);
      if (res.statusCode === 401 && round === 0) {
        await this.authenticate(String(res.headers['www-authenticate'] ?? ''), o.scope);
        continue;
      }
      return { status: res.statusCode ?? 0, headers: res.headers, body };
    }
  }

  private open(method: string, url: string, o: { scope: string; headers?: Record<string, string>; body?: Body }, redirects = 0): Promise<IncomingMessage> {
    const target = new URL(url);
    const sameHost = target.host === this.ep.host;
    const auth = sameHost ? (this.tokens.get(o.scope) ?? this.tokens.get('*')) : undefined;
    const headers: Record<string, string> = { 'User-Agent': 'kk-coordinator', ...o.headers };
    if (auth) headers.Authorization = auth;
    if (o.body) headers['Content-Length'] = String(Buffer.isBuffer(o.body) ? o.body.length : o.body.size);
    const mod = target.protocol === 'http:' ? http : https;
    const timeout = this.ep.timeoutMs ?? 60_000;
    return new Promise((resolve, reject) => {
      const req = mod.request(
        target,
        {
          method,
          headers,
          ca: this.ep.ca?.length ? [...tls.rootCertificates, ...this.ep.ca] : undefined,
          rejectUnauthorized: !this.ep.skipTlsVerify,
          timeout,
        },
        (res) => {
          const status = res.statusCode ?? 0;
          // Blob GETs are often redirected to storage (S3, a CDN); credentials stay with the registry.
          if ((method === 'GET' || method === 'HEAD') && status >= 300 && status < 400 && res.headers.location && redirects < 5) {
            res.resume();
            this.open(method, new URL(res.headers.location, target).href, { ...o, scope: o.scope }, redirects + 1).then(resolve, reject);
            return;
          }
          resolve(res);
        },
      );
      req.on('timeout', () => req.destroy(new RegistryError(`${target.host}: no progress for ${timeout} ms (${method} ${target.pathname})`)));
      req.on('error', (err) => reject(err instanceof RegistryError ? err : new RegistryError(`${target.host}: ${err.message} (${method} ${target.pathname})`)));
      if (!o.body) req.end();
      else if (Buffer.isBuffer(o.body)) req.end(o.body);
      else
        createReadStream(o.body.file)
          .on('error', (e) => req.destroy(e))
          .pipe(req);
    });
  }

  /** Answers a 401 challenge: Basic with the credentials, or a Bearer token from the realm. */
  private async authenticate(challenge: string, scope: string): Promise<void> {
    const scheme = challenge.split(' ')[0]?.toLowerCase();
    const basic = this.ep.username ? `Basic ${Buffer.from(`${this.ep.username}:${this.ep.password ?? ''}`).toString('base64')}` : undefined;
    if (scheme === 'basic') {
      if (!basic) throw new RegistryError(`${this.ep.host} asks for a username and password, and none is configured (image_registry.auth)`, 401);
      this.tokens.set('*', basic);
      return;
    }
    if (scheme !== 'bearer') throw new RegistryError(`${this.ep.host} answered 401 with an auth scheme kk does not speak: ${JSON.stringify(challenge)}`, 401);
    const params = Object.fromEntries([...challenge.slice(7).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    if (!params.realm) throw new RegistryError(`${this.ep.host}: Bearer challenge without a realm`, 401);
    const realm = new URL(params.realm);
    if (params.service) realm.searchParams.set('service', params.service);
    const wanted = scope || params.scope;
    if (wanted) realm.searchParams.set('scope', wanted);
    const mod = realm.protocol === 'http:' ? http : https;
    const body = await new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
      const req = mod.get(
        realm,
        {
          headers: basic ? { Authorization: basic } : {},
          ca: this.ep.ca?.length ? [...tls.rootCertificates, ...this.ep.ca] : undefined,
          rejectUnauthorized: !this.ep.skipTlsVerify,
          timeout: this.ep.timeoutMs ?? 60_000,
        },
        (res) => {
          readAll(res).then((b) => resolve({ status: res.statusCode ?? 0, body: b }), reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (err) => reject(new RegistryError(`token service ${realm.origin}: ${err.message}`)));
    });
    if (body.status !== 200)
      throw new RegistryError(
        `token service ${realm.origin} refused ${basic ? `user ${this.ep.username}` : 'anonymous access'} for ${wanted || 'the registry'}: HTTP ${body.status}`,
        401,
      );
    const json = JSON.parse(body.body.toString('utf8')) as { token?: string; access_token?: string };
    const token = json.token ?? json.access_token;
    if (!token) throw new RegistryError(`token service ${realm.origin} answered without a token`, 401);
    this.tokens.set(scope, `Bearer ${token}`);
  }
}

async function readAll(res: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of res) parts.push(c as Buffer);
  return Buffer.concat(parts);
}
