// Reads the digest out of an upstream's published checksum file: a bare digest (`<hex>` or
// `<hex>  <name>`, Kubernetes `.sha256`, helm/containerd `.sha256sum`) or a list with one line per
// file (etcd `SHA256SUMS`, oras `checksums.txt`), GNU (`<hex>  name`, `<hex> *name`) or BSD
// (`SHA256 (name) = <hex>`) style.
import type { ChecksumAlgorithm, ChecksumSource } from './types';

export const DIGEST_LENGTH: Record<ChecksumAlgorithm, number> = { sha256: 64, sha512: 128 };

export function isDigest(algorithm: ChecksumAlgorithm, hex: string): boolean {
  return hex.length === DIGEST_LENGTH[algorithm] && /^[0-9a-f]+$/.test(hex);
}

const baseName = (name: string) => name.replace(/^\*/, '').replace(/^\.\//, '').split('/').pop() ?? name;

/** The lower-case digest for `source`, or an Error whose message names the checksum file. */
export function parseChecksumFile(text: string, source: ChecksumSource, fromUrl: string): string {
  const { algorithm } = source;
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (source.format === 'list') {
    const want = source.entry ? baseName(source.entry) : undefined;
    if (!want) throw new Error(`checksum source ${fromUrl} is a list but names no entry to look up`);
    for (const line of lines) {
      const bsd = /^[A-Z0-9-]+ \((.+)\) = ([0-9a-fA-F]+)$/.exec(line);
      const gnu = /^([0-9a-fA-F]+)\s+\*?(.+)$/.exec(line);
      const [name, hex] = bsd ? [bsd[1], bsd[2]] : gnu ? [gnu[2], gnu[1]] : [undefined, undefined];
      if (name === undefined || hex === undefined || baseName(name.trim()) !== want) continue;
      const digest = hex.toLowerCase();
      if (!isDigest(algorithm, digest)) throw new Error(`${fromUrl}: the ${algorithm} for ${want} is malformed (${JSON.stringify(hex)})`);
      return digest;
    }
    throw new Error(`${fromUrl} has no ${algorithm} line for ${want}`);
  }
  const first = lines[0]?.split(/\s+/)[0]?.toLowerCase() ?? '';
  if (!isDigest(algorithm, first)) {
    throw new Error(`${fromUrl} does not start with a ${algorithm} digest (got ${JSON.stringify((lines[0] ?? '').slice(0, 80))})`);
  }
  return first;
}
