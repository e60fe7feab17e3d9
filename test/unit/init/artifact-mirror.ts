// A local HTTPS mirror for the download tests: a throwaway CA (openssl), files and checksum files
// at the upstream paths, a log of every request, and switchable misbehaviour (404, stall mid-body).
import https from 'node:https';
import type { ServerResponse } from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { ArtifactPlan, PlannedArtifact } from '../../../coordinator/init/artifacts/types';

export interface Throwaway {
  caPem: string;
  certPem: string;
  keyPem: string;
}

export function throwawayCa(): Throwaway {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kk-mirror-ca-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  try {
    run(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-subj',
      '/CN=kk test mirror CA',
    );
    run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1');
    const ext = path.join(dir, 'ext.cnf');
    execFileSync('sh', ['-c', `printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > ${ext}`]);
    run('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.crt', '-days', '2', '-extfile', ext);
    return {
      caPem: readFileSync(path.join(dir, 'ca.crt'), 'utf8'),
      certPem: readFileSync(path.join(dir, 'srv.crt'), 'utf8'),
      keyPem: readFileSync(path.join(dir, 'srv.key'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface LoggedRequest {
  path: string;
  range: string | undefined;
}

export class TestMirror {
  readonly files = new Map<string, Buffer>();
  readonly requests: LoggedRequest[] = [];
  /** Paths answered 404 (as if missing on this server). */
  readonly missing = new Set<string>();
  /** Path → bytes after which the first full-body response stops sending (connection left open). */
  readonly stallAfter = new Map<string, number>();
  private server: https.Server | null = null;
  private readonly stalled = new Set<ServerResponse>();
  port = 0;

  constructor(private readonly tlsMaterial: Throwaway) {}

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<void> {
    this.server = https.createServer({ cert: this.tlsMaterial.certPem, key: this.tlsMaterial.keyPem }, (req, res) => {
      const p = decodeURIComponent(new URL(req.url ?? '/', 'https://x').pathname);
      this.requests.push({ path: p, range: req.headers.range });
      const body = this.files.get(p);
      if (!body || this.missing.has(p)) {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('not found\n');
        return;
      }
      let start = 0;
      const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      if (m) {
        start = Number(m[1]);
        if (start >= body.length) {
          res.writeHead(416, { 'Content-Range': `bytes */${body.length}` });
          res.end();
          return;
        }
        res.writeHead(206, {
          'Content-Length': String(body.length - start),
          'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}`,
          'Accept-Ranges': 'bytes',
        });
      } else res.writeHead(200, { 'Content-Length': String(body.length), 'Accept-Ranges': 'bytes' });
      const stall = this.stallAfter.get(p);
      if (stall !== undefined && !m) {
        this.stallAfter.delete(p);
        // Send a prefix, then nothing: the client must notice the stall itself.
        res.write(body.subarray(0, stall));
        this.stalled.add(res);
        return;
      }
      res.end(body.subarray(start));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const r of this.stalled) r.destroy();
    this.stalled.clear();
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Requests for a path that asked for the body (not checksum files). */
  hits(p: string): LoggedRequest[] {
    return this.requests.filter((r) => r.path === p);
  }
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
export const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('hex');

export interface FakeUpstream {
  plan: ArtifactPlan;
  /** artifact id → its body */
  bodies: Map<string, Buffer>;
  /** artifact id → URL path of the body on the mirror */
  paths: Map<string, string>;
}

/**
 * A small plan at the real upstream paths (Kubernetes, etcd, helm, containerd, runc, a chart, one
 * file with no published checksum), served by `mirror` with checksum files in each upstream's format.
 */
export function fakeUpstream(mirror: TestMirror, dirs: { workDir: string }, opts: { size?: number; mirrorBase?: string } = {}): FakeUpstream {
  const size = opts.size ?? 64 * 1024;
  const bodies = new Map<string, Buffer>();
  const paths = new Map<string, string>();
  const artifacts: PlannedArtifact[] = [];
  const base = mirror.url;
  const add = (a: Omit<PlannedArtifact, 'url' | 'mirrorUrl' | 'base' | 'reason'>, urlPath: string, body: Buffer) => {
    mirror.files.set(urlPath, body);
    bodies.set(a.id, body);
    paths.set(a.id, urlPath);
    const mirrored = (u: string) => (opts.mirrorBase ? `${opts.mirrorBase}${u.slice(base.length)}` : null);
    const checksum = a.checksum?.url ? { ...a.checksum, mirrorUrl: mirrored(a.checksum.url) } : a.checksum;
    artifacts.push({ ...a, checksum, url: `${base}${urlPath}`, mirrorUrl: mirrored(`${base}${urlPath}`), base: 'binary_dir', reason: 'test' });
  };
  const fake = (n = size) => randomBytes(n);
  const k8s = 'v1.33.1';
  for (const bin of ['kubeadm', 'kubelet', 'kubectl']) {
    const p = `/dl.k8s.io/release/${k8s}/bin/linux/amd64/${bin}`;
    const body = fake();
    mirror.files.set(`${p}.sha256`, Buffer.from(sha256(body)));
    add(
      {
        id: `${bin}/${k8s}/amd64`,
        name: bin,
        kind: 'binary',
        arch: 'amd64',
        version: k8s,
        dest: `kube/${k8s}/amd64/${bin}`,
        checksum: { algorithm: 'sha256', url: `${base}${p}.sha256`, format: 'digest' },
      },
      p,
      body,
    );
  }
  const etcdV = 'v3.5.21';
  const etcdDir = `/github.com/etcd-io/etcd/releases/download/${etcdV}`;
  const etcdName = `etcd-${etcdV}-linux-amd64.tar.gz`;
  const etcdBody = fake();
  mirror.files.set(
    `${etcdDir}/SHA256SUMS`,
    Buffer.from(
      `${sha256(fake(16))}  etcd-${etcdV}-linux-arm64.tar.gz\n${sha256(etcdBody)}  ${etcdName}\n${sha256(fake(16))}  etcd-${etcdV}-darwin-amd64.zip\n`,
    ),
  );
  add(
    {
      id: `etcd/${etcdV}/amd64`,
      name: 'etcd',
      kind: 'binary',
      arch: 'amd64',
      version: etcdV,
      dest: `etcd/${etcdV}/amd64/${etcdName}`,
      checksum: { algorithm: 'sha256', url: `${base}${etcdDir}/SHA256SUMS`, format: 'list', entry: etcdName },
    },
    `${etcdDir}/${etcdName}`,
    etcdBody,
  );
  const helmName = 'helm-v3.17.3-linux-amd64.tar.gz';
  const helmBody = fake();
  mirror.files.set(`/get.helm.sh/${helmName}.sha256sum`, Buffer.from(`${sha256(helmBody)}  ${helmName}\n`));
  add(
    {
      id: 'helm/v3.17.3/amd64',
      name: 'helm',
      kind: 'binary',
      arch: 'amd64',
      version: 'v3.17.3',
      dest: `helm/v3.17.3/amd64/${helmName}`,
      checksum: { algorithm: 'sha256', url: `${base}/get.helm.sh/${helmName}.sha256sum`, format: 'digest' },
    },
    `/get.helm.sh/${helmName}`,
    helmBody,
  );
  const ctrName = 'containerd-1.7.27-linux-amd64.tar.gz';
  const ctrDir = '/github.com/containerd/containerd/releases/download/v1.7.27';
  const ctrBody = fake();
  mirror.files.set(`${ctrDir}/${ctrName}.sha256sum`, Buffer.from(`${sha256(ctrBody)}  ${ctrName}\n`));
  add(
    {
      id: 'containerd/v1.7.27/amd64',
      name: 'containerd',
      kind: 'binary',
      arch: 'amd64',
      version: 'v1.7.27',
      dest: `containerd/v1.7.27/amd64/${ctrName}`,
      checksum: { algorithm: 'sha256', url: `${base}${ctrDir}/${ctrName}.sha256sum`, format: 'digest' },
    },
    `${ctrDir}/${ctrName}`,
    ctrBody,
  );
  const runcDir = '/github.com/opencontainers/runc/releases/download/v1.2.6';
  const runcBody = fake();
  mirror.files.set(`${runcDir}/runc.sha256sum`, Buffer.from(`${sha256(fake(8))} *runc.arm64\n${sha256(runcBody)} *runc.amd64\n`));
  add(
    {
      id: 'runc/v1.2.6/amd64',
      name: 'runc',
      kind: 'binary',
      arch: 'amd64',
      version: 'v1.2.6',
      dest: 'runc/v1.2.6/amd64/runc.amd64',
      checksum: { algorithm: 'sha256', url: `${base}${runcDir}/runc.sha256sum`, format: 'list', entry: 'runc.amd64' },
    },
    `${runcDir}/runc.amd64`,
    runcBody,
  );
  const cniName = 'cni-plugins-linux-amd64-v1.6.2.tgz';
  const cniDir = '/github.com/containernetworking/plugins/releases/download/v1.6.2';
  const cniBody = fake();
  mirror.files.set(`${cniDir}/${cniName}.sha512`, Buffer.from(`${sha512(cniBody)}  ${cniName}\n`));
  add(
    {
      id: 'cni-plugins/v1.6.2/amd64',
      name: 'cni-plugins',
      kind: 'binary',
      arch: 'amd64',
      version: 'v1.6.2',
      dest: `cni/plugins/v1.6.2/amd64/${cniName}`,
      checksum: { algorithm: 'sha512', url: `${base}${cniDir}/${cniName}.sha512`, format: 'digest' },
    },
    `${cniDir}/${cniName}`,
    cniBody,
  );
  const chartBody = fake(8 * 1024);
  add(
    {
      id: 'calico-chart/v3.29.3',
      name: 'calico-chart',
      kind: 'chart',
      arch: null,
      version: 'v3.29.3',
      dest: 'cni/calico/tigera-operator-v3.29.3.tgz',
      checksum: null,
    },
    '/github.com/projectcalico/calico/releases/download/v3.29.3/tigera-operator-v3.29.3.tgz',
    chartBody,
  );
  const workDir = dirs.workDir;
  return {
    bodies,
    paths,
    plan: {
      kubeVersion: k8s,
      arches: ['amd64'],
      zone: '',
      preferMirror: false,
      baseUrl: null,
      workDir,
      binaryDir: path.join(workDir, 'kubekey'),
      artifactDir: path.join(workDir, 'artifact'),
      artifacts,
      images: [],
      notes: [],
    },
  };
}
