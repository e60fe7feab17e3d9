// The mirror directory: every file kk's init phase downloads, at its upstream URL's path
// (`<host>/<path>`), with the same names, inner layout and checksum files the upstreams publish.
// Served by any static HTTP(S) server it is a `download.base_url` (docs/offline.md), so the tests
// run kk's real download code against it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFile, noV, withV, type Build } from './builds';

export interface MirrorVersions {
  kubernetes: string;
  etcd: string;
  containerd: string;
  runc: string;
  cniPlugins: string;
  crictl: string;
  helm: string;
  flannel: string;
  registry: string;
}

/** KubeKey's mirror host: the docker-registry image archive has no other upstream. */
export const KUBEKEY_MIRROR_HOST = 'kubekey.pek3b.qingstor.com';

/**
 * A `docker save` tarball (gzipped) of a one-layer image: what KubeKey's mirror publishes for the
 * registry image and what `docker load` reads (manifest.json, the config, <id>/layer.tar).
 */
export function dockerSaveTgz(
  out: string,
  repoTag: string,
  files: Record<string, { src?: string; text?: string; mode: number }>,
  config: Record<string, unknown>,
): void {
  const stage = mkdtempSync(path.join(os.tmpdir(), 'kk-save-'));
  try {
    const layerDir = path.join(stage, 'layer');
    for (const [name, f] of Object.entries(files)) {
      const dst = path.join(layerDir, name);
      mkdirSync(path.dirname(dst), { recursive: true });
      if (f.src) copyFileSync(f.src, dst);
      else writeFileSync(dst, f.text ?? '');
      chmodSync(dst, f.mode);
    }
    const layerTar = execFileSync(
      'tar',
      ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-C', layerDir, '-cf', '-', ...readdirSync(layerDir).sort()],
      { maxBuffer: 2 ** 31 },
    );
    const diffId = createHash('sha256').update(layerTar).digest('hex');
    const save = path.join(stage, 'save');
    mkdirSync(path.join(save, diffId), { recursive: true });
    writeFileSync(path.join(save, diffId, 'layer.tar'), layerTar);
    const cfg = Buffer.from(JSON.stringify({ ...config, rootfs: { type: 'layers', diff_ids: [`sha256:${diffId}`] } }));
    const cfgHex = createHash('sha256').update(cfg).digest('hex');
    writeFileSync(path.join(save, `${cfgHex}.json`), cfg);
    writeFileSync(path.join(save, 'manifest.json'), JSON.stringify([{ Config: `${cfgHex}.json`, RepoTags: [repoTag], Layers: [`${diffId}/layer.tar`] }]));
    const tar = execFileSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-C', save, '-cf', '-', '.'], {
      maxBuffer: 2 ** 31,
    });
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, execFileSync('gzip', ['-n', '-6'], { input: tar, maxBuffer: 2 ** 31 }));
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** distribution's default config, as the registry image ships it. */
const REGISTRY_CONFIG = `version: 0.1
log:
  fields:
    service: registry
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: /var/lib/registry
http:
  addr: :5000
  headers:
    X-Content-Type-Options: [nosniff]
health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
`;

export interface MirrorFile {
  upstream: string;
  path: string;
  sha256: string;
  size: number;
}

const sha256File = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A .tar.gz of `entries` (archive name → source file), reproducible: fixed owner, mtime and order. */
export function tarGz(out: string, entries: Record<string, string>, mode = 0o755): void {
  const stage = mkdtempSync(path.join(os.tmpdir(), 'kk-tar-'));
  try {
    for (const [name, src] of Object.entries(entries)) {
      const dst = path.join(stage, name);
      mkdirSync(path.dirname(dst), { recursive: true });
      copyFileSync(src, dst);
      chmodSync(dst, mode);
    }
    const tops = [...new Set(Object.keys(entries).map((n) => n.split('/')[0]!))].sort();
    const tar = execFileSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-C', stage, '-cf', '-', ...tops], {
      maxBuffer: 2 ** 31,
    });
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(`${out}.tmp`, execFileSync('gzip', ['-n', '-6'], { input: tar, maxBuffer: 2 ** 31 }));
    execFileSync('mv', ['-f', `${out}.tmp`, out]);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

export function buildMirror(root: string, builds: Build[], v: MirrorVersions, arch: string): MirrorFile[] {
  const files: MirrorFile[] = [];
  const place = (upstream: string, write: (dest: string) => void): string => {
    const u = new URL(upstream);
    const dest = path.join(root, u.host, u.pathname);
    mkdirSync(path.dirname(dest), { recursive: true });
    write(dest);
    const sha256 = sha256File(dest);
    files.push({ upstream, path: dest, sha256, size: readFileSync(dest).length });
    return sha256;
  };
  const copy = (src: string) => (dest: string) => {
    copyFileSync(src, dest);
    chmodSync(dest, 0o755);
  };
  const text = (body: string) => (dest: string) => writeFileSync(dest, body);
  const bin = (name: string) => findFile(builds, name).file;

  const kv = withV(v.kubernetes);
  for (const b of ['kubeadm', 'kubelet', 'kubectl']) {
    const url = `https://dl.k8s.io/release/${kv}/bin/linux/${arch}/${b}`;
    const sum = place(url, copy(bin(b)));
    // dl.k8s.io's .sha256 files hold the bare digest.
    place(`${url}.sha256`, text(sum));
  }

  const ev = withV(v.etcd);
  const etcdName = `etcd-${ev}-linux-${arch}`;
  const etcdBase = `https://github.com/etcd-io/etcd/releases/download/${ev}`;
  const etcdSum = place(`${etcdBase}/${etcdName}.tar.gz`, (d) =>
    tarGz(d, Object.fromEntries(['etcd', 'etcdctl', 'etcdutl'].map((b) => [`${etcdName}/${b}`, bin(b)]))),
  );
  place(`${etcdBase}/SHA256SUMS`, text(`${etcdSum}  ${etcdName}.tar.gz\n`));

  const cv = withV(v.cniPlugins);
  const cniFile = `cni-plugins-linux-${arch}-${cv}.tgz`;
  const cniBuild = findFile(builds, 'bridge').build;
  const plugins = execFileSync('find', [cniBuild.dir, '-maxdepth', '1', '-type', 'f', '-perm', '-u+x'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const cniSum = place(`https://github.com/containernetworking/plugins/releases/download/${cv}/${cniFile}`, (d) =>
    tarGz(d, Object.fromEntries(plugins.map((p) => [path.basename(p), p]))),
  );
  place(`https://github.com/containernetworking/plugins/releases/download/${cv}/${cniFile}.sha256`, text(`${cniSum}  ${cniFile}\n`));

  const hv = withV(v.helm);
  const helmFile = `helm-${hv}-linux-${arch}.tar.gz`;
  const helmSum = place(`https://get.helm.sh/${helmFile}`, (d) => tarGz(d, { [`linux-${arch}/helm`]: bin('helm') }));
  place(`https://get.helm.sh/${helmFile}.sha256sum`, text(`${helmSum}  ${helmFile}\n`));

  const crv = withV(v.crictl);
  const crictlUrl = `https://github.com/kubernetes-sigs/cri-tools/releases/download/${crv}/crictl-${crv}-linux-${arch}.tar.gz`;
  const crictlSum = place(crictlUrl, (d) => tarGz(d, { crictl: bin('crictl') }));
  place(`${crictlUrl}.sha256`, text(crictlSum));

  const ctv = withV(v.containerd);
  const ctdUrl = `https://github.com/containerd/containerd/releases/download/${ctv}/containerd-${noV(ctv)}-linux-${arch}.tar.gz`;
  const ctdSum = place(ctdUrl, (d) => tarGz(d, Object.fromEntries(['containerd', 'containerd-shim-runc-v2', 'ctr'].map((b) => [`bin/${b}`, bin(b)]))));
  place(`${ctdUrl}.sha256sum`, text(`${ctdSum}  ${path.basename(ctdUrl)}\n`));

  const rv = withV(v.runc);
  const runcBase = `https://github.com/opencontainers/runc/releases/download/${rv}`;
  const runcSum = place(`${runcBase}/runc.${arch}`, copy(bin('runc')));
  place(`${runcBase}/runc.sha256sum`, text(`${runcSum}  runc.${arch}\n`));

  place(`https://github.com/flannel-io/flannel/releases/download/${withV(v.flannel)}/flannel.tgz`, (d) =>
    copyFileSync(findFile(builds, 'flannel.tgz').file, d),
  );

  // The registry image archive (KubeKey publishes it only on its own mirror, as a docker-save tgz).
  const regV = noV(v.registry);
  const regFile = `docker-registry-${regV}-linux-${arch}.tgz`;
  place(`https://${KUBEKEY_MIRROR_HOST}/docker.io/registry/${regV}/${regFile}`, (d) =>
    dockerSaveTgz(
      d,
      `registry:${regV}`,
      {
        'bin/registry': { src: bin('registry'), mode: 0o755 },
        'etc/distribution/config.yml': { text: REGISTRY_CONFIG, mode: 0o644 },
      },
      {
        architecture: arch,
        os: 'linux',
        created: '1970-01-01T00:00:00Z',
        config: {
          Entrypoint: ['registry'],
          Cmd: ['serve', '/etc/distribution/config.yml'],
          Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
          ExposedPorts: { '5000/tcp': {} },
        },
      },
    ),
  );

  return files;
}
