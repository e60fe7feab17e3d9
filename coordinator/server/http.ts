// The coordinator's HTTPS port: what a bare node fetches with curl — the bootstrap script, the
// CA, the agent bundle and a Node.js runtime — each with a sha256 the script checks.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import type { Logger } from '../../shared/log';

export interface ServedFile {
  path: string;
  sha256: string;
  size: number;
  contentType: string;
}

export interface HttpDeps {
  certPem: string;
  keyPem: string;
  caPem: string;
  bootstrapScript: string;
  info: () => Record<string, unknown>;
  /** name (e.g. kk-agent.cjs, node-linux-amd64) → file */
  agentFiles: Map<string, ServedFile>;
  /** sha256 → a verified file of the artifact cache (init/artifacts/cache.ts `cacheLookup`), served at /artifacts/<sha256>. */
  artifacts?: (sha256: string) => ServedFile | undefined;
  log: Logger;
}

export function createHttpsServer(deps: HttpDeps): https.Server {
  const sums = [...deps.agentFiles].map(([name, f]) => `${f.sha256}  ${name}\n`).join('');
  const server = https.createServer(
    {
      cert: deps.certPem,
      key: deps.keyPem,
      minVersion: 'TLSv1.2',
      maxHeaderSize: 16 * 1024,
    },
    (req, res) => {
      try {
        handle(req, res);
      } catch (err) {
        deps.log.warn({ err: (err as Error).message, url: req.url }, 'http request failed');
        if (!res.headersSent) send(res, 500, 'internal error\n');
        else res.destroy();
      }
    },
  );
  server.headersTimeout = 15_000;
  server.requestTimeout = 30 * 60_000; // the runtime download may be slow on a congested link
  server.keepAliveTimeout = 5_000;
  server.on('tlsClientError', (err, socket) => {
    deps.log.debug({ err: err.message, remote: socket.remoteAddress }, 'TLS handshake failed');
    socket.destroy();
  });
  server.on('clientError', (err, socket) => {
    deps.log.debug({ err: err.message }, 'malformed HTTP request');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  function handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'only GET and HEAD\n', { Allow: 'GET, HEAD' });
    const url = new URL(req.url ?? '/', 'https://kk.invalid');
    switch (url.pathname) {
      case '/bootstrap.sh':
        return send(res, 200, deps.bootstrapScript, { 'Content-Type': 'text/x-shellscript' }, req.method === 'HEAD');
      case '/ca.crt':
        return send(res, 200, deps.caPem, { 'Content-Type': 'application/x-pem-file' }, req.method === 'HEAD');
      case '/v1/info':
        return send(res, 200, JSON.stringify(deps.info()) + '\n', { 'Content-Type': 'application/json' }, req.method === 'HEAD');
      case '/agent/SHA256SUMS':
        return send(res, 200, sums, { 'Content-Type': 'text/plain' }, req.method === 'HEAD');
      case '/healthz':
        return send(res, 200, 'ok\n');
    }
    const art = /^\/artifacts\/([0-9a-f]{64})$/.exec(url.pathname);
    if (art) {
      const f = deps.artifacts?.(art[1]!);
      return f ? serveFile(req, res, f) : send(res, 404, 'no such artifact\n');
    }
    const m = /^\/agent\/([A-Za-z0-9._-]+)$/.exec(url.pathname);
    const file = m?.[1] ? deps.agentFiles.get(m[1]) : undefined;
    if (!file) return send(res, 404, 'not found\n');
    serveFile(req, res, file);
  }

  return server;
}

function send(res: ServerResponse, code: number, body: string, headers: Record<string, string> = {}, headOnly = false): void {
  res.writeHead(code, { 'Content-Length': Buffer.byteLength(body), 'Content-Type': 'text/plain', ...headers });
  res.end(headOnly ? undefined : body);
}

/** Whole file or one byte range (resumable downloads), with its sha256 in a header. */
function serveFile(req: IncomingMessage, res: ServerResponse, f: ServedFile): void {
  const size = statSync(f.path).size;
  const headers: Record<string, string> = {
    'Content-Type': f.contentType,
    'Accept-Ranges': 'bytes',
    'X-Content-Sha256': f.sha256,
  };
  let start = 0;
  let end = size - 1;
  const range = req.headers.range;
  if (range) {
    const m = /^bytes=(\d*)-(\d*)$/.exec(range);
    if (!m || (m[1] === '' && m[2] === '')) {
      res.writeHead(416, { 'Content-Range': `bytes */${size}` });
      return void res.end();
    }
    if (m[1] === '') start = Math.max(0, size - Number(m[2]));
    else {
      start = Number(m[1]);
      if (m[2] !== '') end = Math.min(end, Number(m[2]));
    }
    if (start > end || start >= size) {
      res.writeHead(416, { 'Content-Range': `bytes */${size}` });
      return void res.end();
    }
    headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  }
  res.writeHead(range ? 206 : 200, { ...headers, 'Content-Length': String(end - start + 1) });
  if (req.method === 'HEAD') return void res.end();
  const stream = createReadStream(f.path, { start, end });
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
