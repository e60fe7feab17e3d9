// A static HTTPS file server for the download benchmark, run as its own process so the server's
// work never shares a thread with the client being measured.
// Usage: node --import tsx bench/static-https.ts <root> <cert.pem> <key.pem>  (prints the port)
import https from 'node:https';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

const [root, cert, key] = process.argv.slice(2);
if (!root || !cert || !key) {
  process.stderr.write('usage: static-https.ts <root> <cert.pem> <key.pem>\n');
  process.exit(2);
}
const server = https.createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => {
  const p = path.join(root, path.normalize(decodeURIComponent(new URL(req.url ?? '/', 'https://x').pathname)));
  let size: number;
  try {
    const st = statSync(p);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    res.writeHead(404);
    res.end();
    return;
  }
  const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const start = m ? Number(m[1]) : 0;
  res.writeHead(m ? 206 : 200, { 'Content-Length': String(size - start), ...(m ? { 'Content-Range': `bytes ${start}-${size - 1}/${size}` } : {}) });
  createReadStream(p, { start, highWaterMark: 1 << 20 }).pipe(res);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
process.on('SIGTERM', () => process.exit(0));
