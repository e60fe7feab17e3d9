// Where a file is fetched from. Every upstream URL maps to one path layout, `<host>/<path>`,
// which is how KubeKey's China mirror stores files (`https://<cn_host>/<host>/<path>`) and how
// an operator's mirror set with `download.base_url` must store them.
import type { ChecksumSource } from './types';

export interface SourceSettings {
  /** `download.base_url` without trailing slash, or null. */
  baseUrl: string | null;
  zone: string;
  cnHost: string;
}

export interface Sources {
  url: string;
  mirrorUrl: string | null;
}

/** `https://dl.k8s.io/release/x` → `dl.k8s.io/release/x`. */
export function layoutPath(upstream: string): string {
  const u = new URL(upstream);
  return `${u.host}${u.pathname}`;
}

/**
 * The URLs for an upstream file. `cnMirror` replaces the default China mirror for files KubeKey
 * fetches from elsewhere in that zone (docker's static binaries from Aliyun).
 */
export function sourcesFor(s: SourceSettings, upstream: string, cnMirror?: string): Sources {
  if (s.baseUrl) return { url: `${s.baseUrl}/${layoutPath(upstream)}`, mirrorUrl: null };
  if (s.zone === 'cn') return { url: upstream, mirrorUrl: cnMirror ?? `https://${s.cnHost}/${layoutPath(upstream)}` };
  return { url: upstream, mirrorUrl: null };
}

/** A published checksum file next to (or near) the artifact, fetched the same way as the artifact. */
export function checksumFile(
  s: SourceSettings,
  upstream: string,
  format: 'digest' | 'list',
  entry?: string,
  algorithm: 'sha256' | 'sha512' = 'sha256',
): ChecksumSource {
  const src = sourcesFor(s, upstream);
  return { algorithm, url: src.url, mirrorUrl: src.mirrorUrl, format, ...(entry ? { entry } : {}) };
}

/** Normalises `download.base_url`: http(s) only, no trailing slash; null for unset/empty. */
export function normaliseBaseUrl(value: string | undefined): string | null {
  if (!value) return null;
  return value.replace(/\/+$/, '');
}
