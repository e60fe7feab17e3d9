// OCI images built from the component binaries without a container engine: each image is a few
// gzip layers (a shared Debian layer where the upstream image has userland — iptables for
// kube-proxy and flannel, coreutils for flannel's `cp` init containers — then the binary), an
// image config and a one-platform OCI index, written into an OCI image layout with kk's own
// layout code and named by the upstream reference (registry.k8s.io/kube-apiserver:v1.34.3 …).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureLayout, tagImage, writeBlob } from '../../../coordinator/init/images/oci-layout';
import { MEDIA } from '../../../coordinator/init/images/registry-client';
import { parseReference } from '../../../coordinator/init/images/reference';

export interface Layer {
  digest: string;
  diffId: string;
  size: number;
}

export interface ImageSpec {
  ref: string;
  layers: Layer[];
  entrypoint?: string[];
  cmd?: string[];
  user?: string;
  env?: string[];
  workingDir?: string;
}

const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** A layer from a directory tree: reproducible tar (root-owned, mtime 0, sorted), gzipped, stored as a blob. */
export function layerFromDir(layout: string, dir: string): Layer {
  const tops = readdirSync(dir).sort();
  const tar = execFileSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-C', dir, '-cf', '-', ...tops], {
    maxBuffer: 2 ** 31,
  });
  const gz = gzipSync(tar, { level: 6 });
  const digest = writeBlob(layout, gz);
  return { digest, diffId: `sha256:${createHash('sha256').update(tar).digest('hex')}`, size: gz.length };
}

/** A layer holding `files` (path in the image → source file), each executable. */
export function layerFromFiles(layout: string, files: Record<string, string>): Layer {
  const stage = mkdtempSync(path.join(os.tmpdir(), 'kk-layer-'));
  try {
    for (const [dst, src] of Object.entries(files)) {
      const p = path.join(stage, dst);
      mkdirSync(path.dirname(p), { recursive: true });
      copyFileSync(src, p);
      chmodSync(p, 0o755);
    }
    return layerFromDir(layout, stage);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function writeEtc(root: string): void {
  mkdirSync(path.join(root, 'etc'), { recursive: true });
  mkdirSync(path.join(root, 'tmp'), { recursive: true });
  chmodSync(path.join(root, 'tmp'), 0o1777);
  writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n');
  writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  writeFileSync(path.join(root, 'etc/nsswitch.conf'), 'hosts: files dns\n');
}

/** The static images' base: /etc/passwd, group, nsswitch.conf and /tmp (what distroless/static gives). */
export function staticBaseLayer(layout: string): Layer {
  const stage = mkdtempSync(path.join(os.tmpdir(), 'kk-base-'));
  try {
    writeEtc(stage);
    return layerFromDir(layout, stage);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/**
 * The userland layer: Debian packages (and their dependencies) unpacked with dpkg-deb, with the
 * alternatives Debian's maintainer scripts would set (iptables → the nft backend, as on the
 * nodes, so rules written from a pod and from the node share one backend).
 */
export function debianLayer(layout: string, debCache: string, packages: string[]): Layer {
  mkdirSync(debCache, { recursive: true });
  const closure = execFileSync(
    'apt-cache',
    ['depends', '--recurse', '--no-recommends', '--no-suggests', '--no-conflicts', '--no-breaks', '--no-replaces', '--no-enhances', ...packages],
    { encoding: 'utf8' },
  )
    .split('\n')
    .filter((l) => /^[a-z0-9]/.test(l))
    .map((l) => l.trim());
  const names = [...new Set(closure)].sort();
  execFileSync('apt-get', ['download', '-q', '-o', 'APT::Sandbox::User=root', ...names], { cwd: debCache, stdio: ['ignore', 'ignore', 'inherit'] });
  const stage = mkdtempSync(path.join(os.tmpdir(), 'kk-deb-'));
  try {
    for (const deb of readdirSync(debCache)
      .filter((f) => f.endsWith('.deb') && names.includes(f.split('_')[0]!))
      .sort()) {
      execFileSync('dpkg-deb', ['-x', path.join(debCache, deb), stage]);
    }
    writeEtc(stage);
    for (const t of ['iptables', 'iptables-save', 'iptables-restore', 'ip6tables', 'ip6tables-save', 'ip6tables-restore']) {
      const link = path.join(stage, 'usr/sbin', t);
      if (!existsSync(link)) symlinkSync('xtables-nft-multi', link);
    }
    // Documentation is dead weight in an image.
    rmSync(path.join(stage, 'usr/share/doc'), { recursive: true, force: true });
    rmSync(path.join(stage, 'usr/share/man'), { recursive: true, force: true });
    return layerFromDir(layout, stage);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** Writes config, manifest and a one-platform index for `spec`, and names it in the layout. */
export function writeImage(layout: string, spec: ImageSpec, arch: string): string {
  ensureLayout(layout);
  const config = {
    architecture: arch,
    os: 'linux',
    config: {
      Env: [PATH_ENV, ...(spec.env ?? [])],
      ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
      ...(spec.cmd ? { Cmd: spec.cmd } : {}),
      ...(spec.user ? { User: spec.user } : {}),
      WorkingDir: spec.workingDir ?? '/',
    },
    rootfs: { type: 'layers', diff_ids: spec.layers.map((l) => l.diffId) },
    history: spec.layers.map(() => ({ created: '1970-01-01T00:00:00Z', created_by: 'kk components (scripts/components)' })),
    created: '1970-01-01T00:00:00Z',
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDigest = writeBlob(layout, configBytes);
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA.ociManifest,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: configBytes.length },
    layers: spec.layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: l.digest, size: l.size })),
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const manifestDigest = writeBlob(layout, manifestBytes);
  const index = {
    schemaVersion: 2,
    mediaType: MEDIA.ociIndex,
    manifests: [{ mediaType: MEDIA.ociManifest, digest: manifestDigest, size: manifestBytes.length, platform: { os: 'linux', architecture: arch } }],
  };
  const indexBytes = Buffer.from(JSON.stringify(index));
  const indexDigest = writeBlob(layout, indexBytes);
  const r = parseReference(spec.ref);
  tagImage(layout, { mediaType: MEDIA.ociIndex, digest: indexDigest, size: indexBytes.length }, `${r.registry}/${r.repository}:${r.tag}`, r.tag);
  return indexDigest;
}
