// Artifact figures: download throughput from a local HTTPS mirror, kk (verify + cache + place)
// against curl of the same files; and the offline bundle's export and import time for a 1 GiB plan.
import { spawn, execFileSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { throwawayCa } from '../test/unit/init/artifact-mirror';
import { downloadPlan } from '../coordinator/init/artifacts/download';
import { ArtifactCache, type ResolvedArtifact } from '../coordinator/init/artifacts/cache';
import { exportBundle } from '../coordinator/init/artifacts/bundle-export';
import { importBundle } from '../coordinator/init/artifacts/bundle-import';
import type { ArtifactPlan, PlannedArtifact } from '../coordinator/init/artifacts/types';
import { round, stats, type Figure } from './lib';

const MiB = 1 << 20;

/** Writes `count` random files of `size` bytes; returns their paths relative to root and sums. */
function fakeFiles(root: string, names: string[], size: number): { rel: string; sha256: string }[] {
  return names.map((rel) => {
    const body = randomBytes(size);
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), body);
    const sha256 = createHash('sha256').update(body).digest('hex');
    writeFileSync(path.join(root, `${rel}.sha256`), `${sha256}\n`);
    return { rel, sha256 };
  });
}

export async function benchDownloadRatio(runs = 3): Promise<Figure> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kk-bench-dl-'));
  const tlsMaterial = throwawayCa();
  const certFile = path.join(dir, 'srv.crt');
  const keyFile = path.join(dir, 'srv.key');
  const caFile = path.join(dir, 'ca.crt');
  writeFileSync(certFile, tlsMaterial.certPem);
  writeFileSync(keyFile, tlsMaterial.keyPem);
  writeFileSync(caFile, tlsMaterial.caPem);
  const root = path.join(dir, 'www');
  const size = 128 * MiB;
  const names = ['kubeadm', 'kubelet', 'kubectl', 'kube-proxy'].map((b) => `dl.k8s.io/release/v1.33.1/bin/linux/amd64/${b}`);
  const files = fakeFiles(root, names, size);
  const total = size * files.length;
  const server = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'static-https.ts'), root, certFile, keyFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<string>((resolve) => createInterface({ input: server.stdout! }).once('line', resolve));
    const base = `https://127.0.0.1:${port}`;
    const kkRates: number[] = [];
    const curlRates: number[] = [];
    const bareRates: number[] = [];
    const ratios: number[] = [];
    for (let r = 0; r < runs; r++) {
      // kk: a fresh cache each run, so every body is fetched, hashed, committed and placed.
      const work = path.join(dir, `kk-${r}`);
      const plan: ArtifactPlan = {
        kubeVersion: 'v1.33.1',
        arches: ['amd64'],
        zone: '',
        preferMirror: false,
        baseUrl: null,
        workDir: work,
        binaryDir: path.join(work, 'kubekey'),
        artifactDir: path.join(work, 'artifact'),
        images: [],
        notes: [],
        artifacts: files.map((f): PlannedArtifact => ({
          id: path.basename(f.rel),
          name: path.basename(f.rel),
          kind: 'binary',
          arch: 'amd64',
          version: 'v1.33.1',
          url: `${base}/${f.rel}`,
          mirrorUrl: null,
          dest: f.rel,
          base: 'binary_dir',
          reason: 'bench',
          checksum: { algorithm: 'sha256', url: `${base}/${f.rel}.sha256`, format: 'digest' },
        })),
      };
      let t0 = process.hrtime.bigint();
      await downloadPlan(plan, { ca: [tlsMaterial.caPem], concurrency: 4 });
      const kk = total / MiB / (Number(process.hrtime.bigint() - t0) / 1e9);
      rmSync(work, { recursive: true, force: true });
      // curl: the same files, four at a time, no verification.
      const out = path.join(dir, `curl-${r}`);
      mkdirSync(out);
      t0 = process.hrtime.bigint();
      execFileSync(
        'curl',
        [
          '-sS',
          '--fail',
          '--parallel',
          '--parallel-max',
          '4',
          '--cacert',
          caFile,
          ...files.flatMap((f, i) => ['-o', path.join(out, `${i}`), `${base}/${f.rel}`]),
        ],
        { stdio: ['ignore', 'ignore', 'ignore'] },
      );
      const curl = total / MiB / (Number(process.hrtime.bigint() - t0) / 1e9);
      rmSync(out, { recursive: true, force: true });
      // Bare Node: https.get piped to files, nothing verified — the runtime's own ceiling.
      const bareDir = path.join(dir, `bare-${r}`);
      mkdirSync(bareDir);
      t0 = process.hrtime.bigint();
      await Promise.all(
        files.map(
          (f, i) =>
            new Promise<void>((resolve, reject) => {
              https
                .get(`${base}/${f.rel}`, { ca: tlsMaterial.caPem }, (res) => {
                  const out = createWriteStream(path.join(bareDir, `${i}`));
                  res.pipe(out);
                  out.on('close', () => resolve());
                  out.on('error', reject);
                })
                .on('error', reject);
            }),
        ),
      );
      bareRates.push(total / MiB / (Number(process.hrtime.bigint() - t0) / 1e9));
      rmSync(bareDir, { recursive: true, force: true });
      kkRates.push(kk);
      curlRates.push(curl);
      ratios.push(kk / curl);
    }
    const s = stats(ratios);
    return {
      key: 'download_vs_curl_ratio',
      what: 'artifact download throughput from a local HTTPS mirror: kk ÷ curl (same files, 4 at a time)',
      unit: '×',
      ...s,
      runs,
      command: `downloadPlan(4 × ${size / MiB} MiB, concurrency 4) vs curl --parallel --parallel-max 4; bench/downloads.ts`,
      note: `kk median ${round(stats(kkRates).median)} MiB/s (fetch + sha256 of every byte + checksum files + cache commit + hard-link placement), curl median ${round(stats(curlRates).median)} MiB/s (fetch and write only); bare Node https.get piped to files ${round(stats(bareRates).median)} MiB/s: Node's TLS client, not verification, sets the ceiling on loopback; over a real link (1 Gbit/s = 119 MiB/s) both fill it. The server is a separate Node process on loopback; 2 shared cores`,
    };
  } finally {
    server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

interface BundleFigures {
  export: Figure;
  import: Figure;
}
let bundleRun: Promise<BundleFigures> | null = null;

/**
 * Export and import of a 1 GiB plan shaped like a real one: 4 × 64 MiB raw binaries (random bytes,
 * the worst case for deflate, like kubelet/kubeadm/kubectl) and 12 × 64 MiB gzip tarballs (like
 * etcd, containerd, cni plugins, image layers: stored, not recompressed).
 */
export function benchBundle(runs = 2): Promise<BundleFigures> {
  bundleRun ??= (async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kk-bench-bundle-'));
    try {
      const artifactDir = path.join(dir, 'online', 'artifact');
      const cache = new ArtifactCache(artifactDir);
      const resolved: ResolvedArtifact[] = [];
      const size = 64 * MiB;
      for (let i = 0; i < 16; i++) {
        const body = i < 4 ? randomBytes(size) : gzipSync(randomBytes(size - 1024), { level: 0 }).subarray(0, size);
        const sha256 = createHash('sha256').update(body).digest('hex');
        const staged = path.join(dir, `staged-${i}`);
        writeFileSync(staged, body);
        cache.commit(staged, sha256);
        resolved.push({
          id: `fake-${i}/v1/amd64`,
          name: `fake-${i}`,
          kind: 'binary',
          arch: 'amd64',
          version: 'v1',
          base: 'binary_dir',
          dest: `fake/v1/amd64/fake-${i}`,
          sha256,
          size: body.length,
          url: `https://example.invalid/fake-${i}`,
          verified: `sha256:${sha256}`,
        });
      }
      const bundle = path.join(dir, 'kk-artifact.tgz');
      const exportTimes: number[] = [];
      const importTimes: number[] = [];
      for (let r = 0; r < runs; r++) {
        let t0 = process.hrtime.bigint();
        await exportBundle({ plan: { kubeVersion: 'v1.33.1', arches: ['amd64'] }, resolved, artifactDir, imageLayout: null }, bundle);
        exportTimes.push(Number(process.hrtime.bigint() - t0) / 1e9);
        const clean = path.join(dir, `offline-${r}`);
        t0 = process.hrtime.bigint();
        await importBundle(bundle, { binaryDir: path.join(clean, 'kubekey'), workDir: clean, artifactDir: path.join(clean, 'artifact') });
        importTimes.push(Number(process.hrtime.bigint() - t0) / 1e9);
        rmSync(clean, { recursive: true, force: true });
      }
      const common = { unit: 's', runs, goal: '' };
      return {
        export: {
          key: 'bundle_export_1gb_s',
          what: 'artifact export of a 1 GiB plan (4 raw binaries + 12 tarballs, 64 MiB each) into one .tgz, every entry re-hashed',
          ...common,
          ...stats(exportTimes),
          command: 'exportBundle(16 × 64 MiB from the cache); bench/downloads.ts',
          note: 'raw binaries are deflated at level 1 (random bytes: the slowest case, ~45 MB/s on this CPU, as `gzip -1`); already-compressed entries (gzip/zip/xz/zstd magic) are stored, each run of entries at one level being its own gzip member',
        },
        import: {
          key: 'bundle_import_1gb_s',
          what: 'artifact import of that bundle on a clean work dir: gunzip, sha256 of every entry, commit to the cache, place',
          ...common,
          ...stats(importTimes),
          command: 'importBundle(1 GiB bundle); bench/downloads.ts',
        },
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  return bundleRun;
}
