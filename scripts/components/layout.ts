// Lays the built components out the way kk's init phase expects them from upstream, and makes
// the offline bundle with kk's own `artifact export` (docs/components.md):
//
//   $KK_COMPONENTS_DIR/mirror/<host>/<path>   every download at its upstream path (+ checksum files)
//   $KK_COMPONENTS_DIR/images/                OCI image layout, images under their upstream names
//   $KK_COMPONENTS_DIR/kk-artifact-<v>.tgz    the offline bundle (`create cluster --artifact`)
//   $KK_COMPONENTS_DIR/bin/                   kubectl, etcdctl, crictl, helm … for tests and operators
//   $KK_COMPONENTS_DIR/manifest.json          what is where, versions, build_seconds
//
// Usage: node --import tsx scripts/components/layout.ts   (after build.sh; `make components` runs both)
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { componentsDir, findFile, readBuilds, withV, noV, type Build } from './lib/builds';
import { buildMirror, type MirrorVersions } from './lib/mirror';
import type { ComponentsManifest } from './lib/manifest';
import { debianLayer, layerFromFiles, staticBaseLayer, writeImage, type ImageSpec } from './lib/images';
import { serveDirectory, startRegistry } from './lib/serve';
import { IMAGE_CATALOGUE } from '../../coordinator/init/artifacts/image-catalogue';
import { planArtifacts } from '../../coordinator/init/artifacts/plan';
import { loadClusterFromText } from '../../coordinator/inventory';
import { pushImage } from '../../coordinator/init/images/copy';
import { parseReference } from '../../coordinator/init/images/reference';
import { ensureLayout, readIndex, REF_ANNOTATION } from '../../coordinator/init/images/oci-layout';

const REPO = path.resolve(import.meta.dirname, '../..');
const ARCH = os.arch() === 'arm64' ? 'arm64' : 'amd64';
const CLI = path.join(REPO, 'dist/kk-coordinator.cjs');
/** Kept in the manifest so tests and the demo know what to ask for. */
const MANIFEST_VERSION = 1;

const log = (m: string): void => void process.stderr.write(`components: ${m}\n`);

function fileHash(files: string[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(f).update(readFileSync(f));
  return h.digest('hex');
}

/** Everything the layout depends on: the builds' recipes and this script's own sources. */
function recipeOf(builds: Build[]): string {
  const own = [
    path.join(REPO, 'scripts/components/layout.ts'),
    path.join(REPO, 'scripts/components/versions.env'),
    ...readdirSync(path.join(REPO, 'scripts/components/lib')).map((f) => path.join(REPO, 'scripts/components/lib', f)),
  ].sort();
  return createHash('sha256')
    .update(
      builds
        .map((b) => `${b.component}/${b.version}:${b.recipe}`)
        .sort()
        .join('\n'),
    )
    .update(fileHash(own))
    .digest('hex');
}

/** A pin from versions.env (KEY=value lines). */
function pin(key: string): string {
  const m = new RegExp(`^${key}=(\\S+)`, 'm').exec(readFileSync(path.join(REPO, 'scripts/components/versions.env'), 'utf8'));
  if (!m) throw new Error(`scripts/components/versions.env has no ${key}`);
  return m[1]!;
}

/** The upstream part of the version Debian would install (2.6.12-1+deb12u4 → 2.6.12). */
function debianVersion(pkg: string): string {
  const out = execFileSync('apt-cache', ['policy', pkg], { encoding: 'utf8' });
  const m = /Candidate: (?:\d+:)?([0-9][0-9.]*)/.exec(out);
  if (!m) throw new Error(`apt-cache policy ${pkg}: no candidate version (run apt-get update)`);
  return m[1]!;
}

function versionsOf(builds: Build[]): MirrorVersions & { pause: string; coredns: string; agnhost: string; flannelCni: string; haproxy: string } {
  const v = (file: string): string => findFile(builds, file).build.version;
  return {
    kubernetes: withV(v('kubeadm')),
    etcd: withV(v('etcd')),
    containerd: withV(v('containerd')),
    runc: withV(v('runc')),
    cniPlugins: withV(v('bridge')),
    crictl: withV(v('crictl')),
    helm: withV(v('helm')),
    flannel: withV(v('flanneld')),
    registry: withV(v('registry')),
    pause: noV(v('pause')),
    coredns: withV(v('coredns')),
    // agnhost ships inside the Kubernetes module; its image tag is its own VERSION (versions.env).
    agnhost: pin('AGNHOST_VERSION'),
    flannelCni: withV(v('flannel')),
    haproxy: debianVersion('haproxy'),
  };
}

/**
 * The flannel CNI plugin image's tag: the catalogue's (v1.8.0-flannel1) when that release was
 * built, else the version that was built — then the bundle's config lists it in
 * download.images["flannel/flannel"], which kk's image plan and flannel values both read.
 */
function flannelCniTag(flannel: string, built: string): string {
  const listed = (IMAGE_CATALOGUE['flannel/flannel']?.[flannel] ?? []).find((r) => r.includes('/flannel-cni-plugin:'));
  const tag = listed?.split(':').pop();
  return tag && tag.startsWith(built) ? tag : built;
}

function buildImages(layout: string, builds: Build[], v: ReturnType<typeof versionsOf>, debCache: string): string[] {
  const bin = (name: string): string => findFile(builds, name).file;
  ensureLayout(layout);
  log('images: Debian userland layer (iptables, nftables, conntrack, coreutils)');
  const debian = debianLayer(layout, debCache, ['coreutils', 'iptables', 'nftables', 'conntrack']);
  const base = staticBaseLayer(layout);
  const specs: ImageSpec[] = [];
  for (const c of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
    specs.push({
      ref: `registry.k8s.io/${c}:${v.kubernetes}`,
      layers: [base, layerFromFiles(layout, { [`usr/local/bin/${c}`]: bin(c) })],
      entrypoint: [`/usr/local/bin/${c}`],
    });
  }
  specs.push({
    ref: `registry.k8s.io/kube-proxy:${v.kubernetes}`,
    layers: [debian, layerFromFiles(layout, { 'usr/local/bin/kube-proxy': bin('kube-proxy') })],
    entrypoint: ['/usr/local/bin/kube-proxy'],
  });
  specs.push({
    ref: `registry.k8s.io/pause:${v.pause}`,
    layers: [layerFromFiles(layout, { pause: bin('pause') })],
    entrypoint: ['/pause'],
    user: '65535:65535',
  });
  specs.push({
    ref: `registry.k8s.io/coredns/coredns:${v.coredns}`,
    layers: [base, layerFromFiles(layout, { coredns: bin('coredns') })],
    entrypoint: ['/coredns'],
  });
  specs.push({
    ref: `registry.k8s.io/etcd:${noV(v.etcd)}-0`,
    layers: [
      base,
      layerFromFiles(layout, { 'usr/local/bin/etcd': bin('etcd'), 'usr/local/bin/etcdctl': bin('etcdctl'), 'usr/local/bin/etcdutl': bin('etcdutl') }),
    ],
  });
  specs.push({
    ref: `ghcr.io/flannel-io/flannel:${v.flannel}`,
    layers: [debian, layerFromFiles(layout, { 'opt/bin/flanneld': bin('flanneld') })],
    entrypoint: ['/opt/bin/flanneld'],
  });
  specs.push({
    ref: `ghcr.io/flannel-io/flannel-cni-plugin:${flannelCniTag(v.flannel, v.flannelCni)}`,
    layers: [debian, layerFromFiles(layout, { flannel: bin('flannel') })],
    cmd: ['/bin/sh'],
  });
  // The API server proxy of control_plane_endpoint.type: haproxy. Docker Hub's haproxy:<x.y.z>
  // images are Debian-based too; this one carries Debian's haproxy build under its version.
  log(`images: haproxy ${v.haproxy} from Debian`);
  const haproxy = debianLayer(layout, debCache, ['haproxy']);
  specs.push({ ref: `docker.io/library/haproxy:${v.haproxy}`, layers: [haproxy], cmd: ['haproxy', '-W', '-db', '-f', '/usr/local/etc/haproxy/haproxy.cfg'] });
  specs.push({
    ref: `registry.k8s.io/e2e-test-images/agnhost:${v.agnhost}`,
    layers: [debian, layerFromFiles(layout, { agnhost: bin('agnhost') })],
    entrypoint: ['/agnhost'],
  });
  for (const s of specs) {
    writeImage(layout, s, ARCH);
    log(`image ${s.ref}`);
  }
  return specs.map((s) => s.ref);
}

/** The config the bundle is exported for: every version pinned to what was built. */
function bundleConfig(v: ReturnType<typeof versionsOf>, images: string[]): Record<string, unknown> {
  // Images no step of this config would plan (test workloads, stacked etcd, the haproxy endpoint).
  const extraImages = images.filter((r) => r.includes('/agnhost:') || r.startsWith('registry.k8s.io/etcd:') || r.startsWith('docker.io/library/haproxy:'));
  return {
    kubernetes: {
      kube_version: v.kubernetes,
      helm_version: v.helm,
      sandbox_image: { tag: v.pause },
      control_plane_endpoint: { haproxy: { image: { tag: v.haproxy } } },
    },
    etcd: { deployment_type: 'external', etcd_version: v.etcd },
    cri: { container_manager: 'containerd', containerd_version: v.containerd, runc_version: v.runc, crictl_version: v.crictl },
    cni: { type: 'flannel', flannel_version: v.flannel, cni_plugins_version: v.cniPlugins },
    dns: { coredns: { image: { tag: v.coredns } }, nodelocaldns: { enabled: false } },
    storage_class: { local: { enabled: false } },
    image_registry: { type: 'docker-registry', docker_registry_version: noV(v.registry) },
    image_manifests: extraImages,
    download: {
      arch: [ARCH],
      images: { 'flannel/flannel': { [v.flannel]: images.filter((r) => r.startsWith('ghcr.io/flannel-io/')) } },
    },
  };
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    c.on('error', reject);
    c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(args[0] ?? cmd)} ${args.slice(1, 3).join(' ')} exited ${code}`))));
  });
}

async function exportBundle(root: string, config: Record<string, unknown>, layout: string, out: string): Promise<void> {
  const tmp = path.join(root, 'export.tmp');
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const mirror = await serveDirectory(path.join(root, 'mirror'));
  const registry = await startRegistry(path.join(tmp, 'registry'));
  try {
    const dl = config.download as Record<string, unknown>;
    const full = {
      ...config,
      download: { ...dl, base_url: mirror.url, images: { ...(dl.images as object), registry: registry.host } },
      cri: { ...(config.cri as object), registry: { auths: [{ registry: registry.host, plain_http: true }] } },
    };
    const text = `apiVersion: kubekey.kubesphere.io/v1\nkind: Config\nmetadata: {name: components}\nspec: ${JSON.stringify(full)}\n`;
    const cfg = path.join(tmp, 'config.yaml');
    writeFileSync(cfg, text);
    // The registry holds each image where kk's plan looks for it on this mirror, so the export
    // below runs kk's own mirror path end to end.
    const model = loadClusterFromText(
      { name: '(none)', text: 'apiVersion: kubekey.kubesphere.io/v1\nkind: Inventory\nmetadata: {name: c}\nspec: {hosts: {}}\n' },
      { name: cfg, text },
    );
    const plan = planArtifacts(model, { cwd: tmp, workDir: path.join(tmp, 'work') });
    const inLayout = new Set(readIndex(layout).manifests.map((m) => m.annotations?.[REF_ANNOTATION]));
    for (const img of plan.images) {
      if (!inLayout.has(img.name)) throw new Error(`the plan needs ${img.name}, which no build produced`);
      await pushImage(layout, img.name, parseReference(img.ref), { host: registry.host, plainHttp: true });
    }
    await run(process.execPath, [CLI, 'artifact', 'export', '-c', cfg, '--work-dir', path.join(tmp, 'work'), '-o', out, '--stall-timeout', '120s']);
  } finally {
    await registry.stop();
    await mirror.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const root = componentsDir();
  const builds = readBuilds(root);
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run make build first`);
  const recipe = recipeOf(builds);
  const manifestFile = path.join(root, 'manifest.json');
  if (existsSync(manifestFile)) {
    const m = JSON.parse(readFileSync(manifestFile, 'utf8')) as ComponentsManifest;
    if (m.recipe === recipe && existsSync(m.artifact)) {
      log(`up to date (${m.kubernetes_version}, ${m.artifact})`);
      return;
    }
  }
  rmSync(manifestFile, { force: true });
  const v = versionsOf(builds);
  log(`laying out Kubernetes ${v.kubernetes} components for ${ARCH} in ${root}`);

  const mirrorTmp = path.join(root, 'mirror.tmp');
  rmSync(mirrorTmp, { recursive: true, force: true });
  const files = buildMirror(mirrorTmp, builds, v, ARCH);
  rmSync(path.join(root, 'mirror'), { recursive: true, force: true });
  renameSync(mirrorTmp, path.join(root, 'mirror'));
  log(`mirror: ${files.length} files`);

  const layoutTmp = path.join(root, 'images.tmp');
  rmSync(layoutTmp, { recursive: true, force: true });
  const images = buildImages(layoutTmp, builds, v, path.join(root, 'debs'));
  rmSync(path.join(root, 'images'), { recursive: true, force: true });
  renameSync(layoutTmp, path.join(root, 'images'));

  const config = bundleConfig(v, images);
  const artifact = path.join(root, `kk-artifact-${v.kubernetes}-${ARCH}.tgz`);
  await exportBundle(root, config, path.join(root, 'images'), artifact);
  const sha = createHash('sha256').update(readFileSync(artifact)).digest('hex');

  const binDir = path.join(root, 'bin');
  rmSync(binDir, { recursive: true, force: true });
  mkdirSync(binDir);
  for (const b of ['kubectl', 'kubeadm', 'etcdctl', 'etcdutl', 'crictl', 'ctr', 'helm']) symlinkSync(findFile(builds, b).file, path.join(binDir, b));

  const manifest: ComponentsManifest = {
    manifest_version: MANIFEST_VERSION,
    recipe,
    kubernetes_version: v.kubernetes,
    arch: ARCH,
    artifact,
    artifact_sha256: sha,
    mirror: path.join(root, 'mirror'),
    image_layout: path.join(root, 'images'),
    bin: binDir,
    images,
    versions: Object.fromEntries(builds.map((b) => [b.component, b.version]).sort()),
    config,
    build_seconds: builds.reduce((s, b) => s + b.seconds, 0),
    layout_seconds: Math.round((Date.now() - started) / 1000),
  };
  writeFileSync(`${manifestFile}.tmp`, JSON.stringify(manifest, null, 2) + '\n');
  renameSync(`${manifestFile}.tmp`, manifestFile);
  log(`done in ${manifest.layout_seconds}s: ${artifact}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`components: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
