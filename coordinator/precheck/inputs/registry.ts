// image_registry.reachable's input: can the coordinator reach the registry's /v2/ endpoint, and if
// not, at which step (DNS, TCP, TLS, HTTP) did it stop — so the message says what to fix.
import dns from 'node:dns/promises';
import net from 'node:net';
import tls from 'node:tls';
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import type { RegistryProbe } from '../rule';

export interface RegistryTarget {
  registry: string;
  plainHttp: boolean;
  caFile?: string;
  timeoutMs?: number;
}

export async function probeRegistry(t: RegistryTarget): Promise<RegistryProbe> {
  const timeout = t.timeoutMs ?? 5000;
  const withScheme = /^[a-z]+:\/\//.test(t.registry) ? t.registry : `${t.plainHttp ? 'http' : 'https'}://${t.registry}`;
  let url: URL;
  try {
    url = new URL('/v2/', withScheme);
  } catch {
    return { ok: false, step: 'DNS', error: `"${t.registry}" is not a host[:port]` };
  }
  const secure = url.protocol === 'https:';
  const port = Number(url.port || (secure ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const probed = url.toString();
  let address = host;
  if (!net.isIP(host)) {
    try {
      address = (await dns.lookup(host)).address;
    } catch (err) {
      return { ok: false, url: probed, step: 'DNS', error: (err as Error).message };
    }
  }
  const tcp = await new Promise<string | null>((resolve) => {
    const s = net.connect({ host: address, port, timeout }, () => {
      s.destroy();
      resolve(null);
    });
    s.on('timeout', () => {
      s.destroy();
      resolve(`no answer within ${timeout} ms`);
    });
    s.on('error', (err) => resolve(err.message));
  });
  if (tcp) return { ok: false, url: probed, step: 'TCP', error: tcp };
  let ca: string | undefined;
  if (t.caFile) {
    try {
      ca = readFileSync(t.caFile, 'utf8');
    } catch (err) {
      return { ok: false, url: probed, step: 'TLS', error: `cannot read the CA file ${t.caFile}: ${(err as Error).message}` };
    }
  }
  if (secure) {
    const handshake = await new Promise<string | null>((resolve) => {
      const s = tls.connect({ host: address, port, servername: net.isIP(host) ? undefined : host, ca, timeout }, () => {
        s.destroy();
        resolve(null);
      });
      s.on('timeout', () => {
        s.destroy();
        resolve(`TLS handshake did not finish within ${timeout} ms`);
      });
      s.on('error', (err) => resolve(err.message));
    });
    if (handshake) return { ok: false, url: probed, step: 'TLS', error: handshake };
  }
  const status = await new Promise<number | string>((resolve) => {
    const req = (secure ? https : http).get(probed, { ca, timeout }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => {
      req.destroy();
      resolve(`no HTTP answer within ${timeout} ms`);
    });
    req.on('error', (err) => resolve(err.message));
  });
  // 401 is a healthy registry asking for credentials; /v2/ answering at all is what counts.
  if (status === 200 || status === 401) return { ok: true, url: probed };
  return { ok: false, url: probed, step: 'HTTP', error: typeof status === 'number' ? `GET /v2/ answered ${status}` : status };
}
