// kk's own component builds on a real test machine (`testbed.sh up 1 --kube`): the pinned containerd,
// runc, crictl, kubeadm and kubelet run there; containerd pulls images from a TLS registry on the host's
// bridge address (pushed there with kk's own image code) and runs them with runc; a kubelet started by
// hand in standalone mode (no API server) answers /healthz and runs a static pod that crictl shows
// running and that answers over HTTP.
//
// Skipped, with the reason, when the host cannot make --kube machines or the component builds are not
// there (`make components`); the registry half is skipped until the OCI image layout exists.
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  copyIn,
  execIn,
  hostBridgeIp,
  kubeTestbedAvailable,
  runTestbed,
  testbedDataDir,
  testbedDown,
  testbedMode,
  testbedStatus,
  testbedUp,
  type ExecResult,
} from '../lib/testbed';
import { imageLayout, nodeComponents } from './components';
import { startBridgeRegistry, type BridgeRegistry } from './bridge-registry';
import { registryInstalled, REGISTRY_BIN } from '../init/registry';
import { pushImage } from '../../../coordinator/init/images/copy';
import { parseReference } from '../../../coordinator/init/images/reference';

const machinesOk = kubeTestbedAvailable();
const found = nodeComponents();
const skip = !machinesOk.ok ? machinesOk.reason : !found.ok ? found.reason : undefined;
const comps = found.ok ? found.value : undefined;

const PAUSE = comps ? `registry.k8s.io/pause:${comps.versions.pause}` : '';
const AGNHOST = comps ? `registry.k8s.io/e2e-test-images/agnhost:${comps.versions.agnhost}` : '';
const layout = comps ? imageLayout([PAUSE, AGNHOST]) : undefined;
const imagesSkip = skip ?? (!registryInstalled() ? `${REGISTRY_BIN} is not installed (make setup)` : layout && !layout.ok ? layout.reason : undefined);

const NODE = 'node1';
const SOCK = 'unix:///run/containerd/containerd.sock';
const NETEXEC_PORT = 18080;
const STATIC_POD = 'kk-agnhost';
let broughtUp = false;
let nodeIp = '';

/**
 * CAP_SYS_RESOURCE in this host's bounding set. Without it no process in a machine may lower an
 * oom_score_adj, and runc's init dies setting the -998 the kubelet asks for pod sandboxes ("can't get
 * final child's PID from pipe: EOF"); containerd's restrict_oom_score_adj then clamps the value instead.
 */
function hostHasSysResource(): boolean {
  const bnd = /^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  return bnd !== undefined && (BigInt(`0x${bnd}`) & (1n << 24n)) !== 0n;
}

function containerdConfig(): string {
  return `version = 2
root = "/var/lib/containerd"
state = "/run/containerd"

[grpc]
  address = "/run/containerd/containerd.sock"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${PAUSE}"
  restrict_oom_score_adj = ${!hostHasSysResource()}
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "/usr/local/sbin/runc"
        SystemdCgroup = true
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "/etc/containerd/certs.d"
`;
}

// Standalone: no kubeconfig, so no API server; static pods only. The systemd cgroup driver is what kk
// configures (cri.cgroup_driver defaults to systemd); cgroupfs works the same way on these machines.
const KUBELET_CONFIG = `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
staticPodPath: /etc/kubernetes/manifests
cgroupDriver: systemd
failSwapOn: false
containerRuntimeEndpoint: ${SOCK}
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: { enabled: true }
  webhook: { enabled: false }
authorization: { mode: AlwaysAllow }
`;

/** hostNetwork: there is no CNI network here, and the kubelet runs host-network pods without one. */
function staticPod(): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${STATIC_POD}
  namespace: default
spec:
  hostNetwork: true
  containers:
    - name: netexec
      image: ${AGNHOST}
      args: ["netexec", "--http-port=${NETEXEC_PORT}", "--udp-port=-1"]
`;
}

/** What the assertions read from `crictl info` (containerd 1.7's CRI status and config). */
interface CriInfo {
  status: { conditions: { type: string; status: boolean }[] };
  config: {
    sandboxImage: string;
    containerd: { snapshotter: string; runtimes: Record<string, { options?: { SystemdCgroup?: boolean } }> };
  };
}

async function sh(cmd: string, opts: { input?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
  const r = await execIn(NODE, cmd, { timeoutMs: 10 * 60_000, ...opts });
  assert.equal(r.code, 0, `${NODE}: ${cmd}\nexit ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** Writes a file in the machine atomically (a dot-name first: the kubelet ignores those in staticPodPath). */
async function writeIn(file: string, body: string): Promise<void> {
  const tmp = path.posix.join(path.posix.dirname(file), `.${path.posix.basename(file)}.kk-tmp`);
  await sh(`mkdir -p "$(dirname '${file}')" && cat > '${tmp}' && mv -f '${tmp}' '${file}'`, { input: body });
}

/**
 * Polls `probe` until it returns a value. The wait ends early, with the diagnostics, only when `dead`
 * reports that what we wait for cannot happen any more (its unit failed); the cap is only a guard
 * against a hang, far above what a working machine needs even on a loaded host.
 */
async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  dead: () => Promise<string | undefined>,
  diagnose: () => Promise<string>,
): Promise<T> {
  const guard = Date.now() + 8 * 60_000;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    const why = await dead();
    if (why !== undefined || Date.now() > guard) {
      throw new Error(`${what}: ${why ?? 'still not there after 8 minutes'}\n${await diagnose()}`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function unitDead(unit: string): Promise<string | undefined> {
  const r = await execIn(NODE, ['systemctl', 'is-failed', unit]);
  return r.stdout.trim() === 'failed' ? `${unit} failed` : undefined;
}

const journal = (unit: string) => async () => (await execIn(NODE, `journalctl -u ${unit} --no-pager -n 60`)).stdout;

/**
 * The machine's memory as its memory cgroup counts it (`testbed.sh status`), split into anonymous memory
 * and page cache (the copied-in binaries are most of the cache), plus the biggest processes' RSS.
 */
async function memoryOfMachine(): Promise<string> {
  const status = (await runTestbed(['status'])).stdout.trim();
  const stat = (await execIn(NODE, ['cat', '/sys/fs/cgroup/memory/memory.stat'])).stdout;
  const mib = (key: string) => Math.round(Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(stat)?.[1] ?? 0) / 1048576);
  const ps = (await execIn(NODE, ['ps', '-eo', 'rss=,comm=', '--sort=-rss'])).stdout
    .trim()
    .split('\n')
    .slice(0, 5)
    .map((l) => l.trim().split(/\s+/))
    .map(([rss, comm]) => `${comm} ${Math.round(Number(rss) / 1024)}MiB`);
  return `${status}; rss=${mib('total_rss')}MiB page-cache=${mib('total_cache')}MiB; largest: ${ps.join(', ')}`;
}

before(async () => {
  if (skip || !comps) return;
  // Suites run one at a time: a testbed another suite left up is reused if it is made of --kube
  // machines, and replaced otherwise (plain machines cannot become --kube ones).
  const up = await testbedStatus().catch(() => []);
  if (up.length === 0 || testbedMode() !== 'kube') {
    if (up.length > 0) await testbedDown();
    await testbedUp(1, { kube: true, timeoutMs: 10 * 60_000 });
    broughtUp = true;
  }
  nodeIp = (await testbedStatus()).find((m) => m.name === NODE)?.ip ?? '';
  // What a previous run on a reused machine may have left.
  await execIn(
    NODE,
    'systemctl stop kk-test-kubelet kk-test-containerd; systemctl reset-failed kk-test-kubelet kk-test-containerd; rm -rf /etc/kubernetes/manifests',
  );
  const b = comps.bins;
  for (const [bin, dst] of [
    [b.containerd, '/usr/local/bin/containerd'],
    [b['containerd-shim-runc-v2'], '/usr/local/bin/containerd-shim-runc-v2'],
    [b.ctr, '/usr/local/bin/ctr'],
    [b.runc, '/usr/local/sbin/runc'],
    [b.crictl, '/usr/local/bin/crictl'],
    [b.kubelet, '/usr/local/bin/kubelet'],
    [b.kubeadm, '/usr/local/bin/kubeadm'],
  ] as const) {
    await copyIn(NODE, bin, dst);
  }
  await writeIn('/etc/containerd/config.toml', containerdConfig());
  await writeIn('/etc/crictl.yaml', `runtime-endpoint: ${SOCK}\nimage-endpoint: ${SOCK}\n`);
  await writeIn('/etc/kubernetes/kubelet.yaml', KUBELET_CONFIG);
  await sh('mkdir -p /etc/kubernetes/manifests');
  // containerd as its upstream unit runs it: notify, delegated cgroup, only the main process killed on stop.
  await sh(
    'systemd-run --unit=kk-test-containerd -p Type=notify -p Delegate=yes -p KillMode=process /usr/local/bin/containerd --config /etc/containerd/config.toml',
  );
});

after(async () => {
  if (skip) return;
  if (broughtUp) await testbedDown();
  else await execIn(NODE, 'systemctl stop kk-test-kubelet kk-test-containerd; rm -rf /etc/kubernetes/manifests').catch(() => undefined);
});

describe('kk component builds on a --kube test machine', () => {
  test('the pinned upstream binaries run in the machine and print their versions', { skip }, async () => {
    const v = comps!.versions;
    assert.equal((await sh('kubeadm version -o short')).stdout.trim(), v.kubernetes);
    assert.equal((await sh('kubelet --version')).stdout.trim(), `Kubernetes ${v.kubernetes}`);
    assert.match(
      (await sh('containerd --version')).stdout,
      new RegExp(`^containerd github\\.com/containerd/containerd ${v.containerd.replace(/\./g, '\\.')} [0-9a-f]{40}\\n`),
    );
    assert.match((await sh('runc --version')).stdout, new RegExp(`^runc version ${v.runc.replace(/^v/, '').replace(/\./g, '\\.')}\\n`, 'm'));
    assert.equal((await sh('crictl --version')).stdout.trim(), `crictl version ${v.crictl}`);
    // kubectl runs on the operator's side: here, on the host.
    const kubectl = spawnSync(comps!.bins.kubectl, ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
    assert.equal(kubectl.status, 0, kubectl.stderr);
    assert.equal((JSON.parse(kubectl.stdout) as { clientVersion: { gitVersion: string } }).clientVersion.gitVersion, v.kubernetes);
  });

  test("containerd serves the CRI with runc, overlayfs snapshots on the machine's own disk directory", { skip }, async () => {
    const info = await waitFor(
      'containerd CRI',
      async () => {
        const r = await execIn(NODE, ['crictl', 'info']);
        return r.code === 0 ? (JSON.parse(r.stdout) as CriInfo) : undefined;
      },
      () => unitDead('kk-test-containerd'),
      journal('kk-test-containerd'),
    );
    const runtimeReady = info.status.conditions.find((c) => c.type === 'RuntimeReady');
    assert.equal(runtimeReady?.status, true, JSON.stringify(info.status));
    assert.equal(info.config.containerd.snapshotter, 'overlayfs');
    assert.equal(info.config.containerd.runtimes.runc?.options?.SystemdCgroup, true);
    assert.equal(info.config.sandboxImage, PAUSE);
    assert.match((await sh('ctr version')).stdout, new RegExp(`Server:\\n\\s+Version:\\s+${comps!.versions.containerd.replace(/\./g, '\\.')}\\n`));
    const plugins = (await sh('ctr plugins ls')).stdout;
    assert.match(plugins, /io\.containerd\.snapshotter\.v1\s+overlayfs\s+\S+\s+ok/);
    // /var/lib/containerd in the machine is the host's directory on the host's disk filesystem, not the
    // machine's overlay root (overlay snapshots cannot stack on overlayfs).
    const dataDir = path.join(testbedDataDir(), NODE, 'var/lib/containerd');
    const hostFs = spawnSync('findmnt', ['-n', '-o', 'FSTYPE', '--target', dataDir], { encoding: 'utf8' }).stdout.trim();
    assert.notEqual(hostFs, 'overlay');
    assert.equal((await sh('findmnt -n -o FSTYPE /var/lib/containerd')).stdout.trim(), hostFs);
    assert.ok(existsSync(path.join(dataDir, 'io.containerd.snapshotter.v1.overlayfs')));
  });

  test("the kubelet, started by hand in standalone mode, answers /healthz with ok inside the machine's own cgroup tree", { skip }, async (t: TestContext) => {
    await sh('systemd-run --unit=kk-test-kubelet /usr/local/bin/kubelet --config=/etc/kubernetes/kubelet.yaml --v=2');
    const body = await waitFor(
      'kubelet /healthz',
      async () => {
        const r = await execIn(NODE, ['curl', '-sS', '--max-time', '5', 'http://127.0.0.1:10248/healthz']);
        return r.code === 0 && r.stdout === 'ok' ? r.stdout : undefined;
      },
      () => unitDead('kk-test-kubelet'),
      journal('kk-test-kubelet'),
    );
    assert.equal(body, 'ok');
    // The kubelet's pod cgroups are in the machine's cgroup namespace: on the host they sit under the
    // machine's own kk-testbed/node1 cgroup in every controller, never next to another machine's.
    await sh('test -d /sys/fs/cgroup/memory/kubepods.slice && test -d /sys/fs/cgroup/cpu/kubepods.slice && test -d /sys/fs/cgroup/pids/kubepods.slice');
    const hostSide = spawnSync('find', ['/sys/fs/cgroup/cpu', '-maxdepth', '4', '-type', 'd', '-name', 'kubepods.slice'], { encoding: 'utf8' })
      .stdout.trim()
      .split('\n');
    assert.deepEqual(hostSide, [`/sys/fs/cgroup/cpu/kk-testbed/${NODE}/kubepods.slice`]);
    t.diagnostic(`memory with containerd and kubelet running: ${await memoryOfMachine()}`);
  });

  // Skipped test by test (not the whole block), so the runner's summary counts them as skipped.
  describe("images from a TLS registry on the host's bridge address", () => {
    let registry: BridgeRegistry | undefined;
    let direct = '';

    before(async () => {
      if (imagesSkip || !layout?.ok) return;
      registry = await startBridgeRegistry(hostBridgeIp);
      const endpoint = { host: registry.host, ca: [registry.caPem] };
      // Pushed with kk's own image code, under their upstream repository paths.
      for (const ref of [PAUSE, AGNHOST]) {
        const target = `${registry.host}/${ref.slice('registry.k8s.io/'.length)}`;
        await pushImage(layout.value, ref, parseReference(target), endpoint);
      }
      direct = `${registry.host}/${AGNHOST.slice('registry.k8s.io/'.length)}`;
      // The machine trusts the registry's CA for its own name, and uses it as the mirror of
      // registry.k8s.io (the machine has no route to the internet, and no DNS).
      const ca = registry.caPem;
      await writeIn(`/etc/containerd/certs.d/${registry.host}/ca.crt`, ca);
      await writeIn(
        `/etc/containerd/certs.d/${registry.host}/hosts.toml`,
        `server = "https://${registry.host}"\n\n[host."https://${registry.host}"]\n  capabilities = ["pull", "resolve"]\n  ca = "/etc/containerd/certs.d/${registry.host}/ca.crt"\n`,
      );
      await writeIn('/etc/containerd/certs.d/registry.k8s.io/ca.crt', ca);
      await writeIn(
        '/etc/containerd/certs.d/registry.k8s.io/hosts.toml',
        `server = "https://registry.k8s.io"\n\n[host."https://${registry.host}"]\n  capabilities = ["pull", "resolve"]\n  ca = "/etc/containerd/certs.d/registry.k8s.io/ca.crt"\n`,
      );
    });

    after(async () => {
      await registry?.stop();
    });

    /** The registry's access-log lines for requests from `ip` (combined log format: the client address first). */
    const requestsFrom = (ip: string): string =>
      registry!
        .log()
        .split('\n')
        .filter((l) => l.startsWith(`${ip} `))
        .join('\n');

    test('containerd pulls over the bridge (TLS, CA from certs.d) and runc runs the image', { skip: imagesSkip }, async () => {
      await sh(`ctr -n k8s.io images pull --hosts-dir /etc/containerd/certs.d '${direct}'`);
      assert.match(requestsFrom(nodeIp), /"(?:HEAD|GET) \/v2\/e2e-test-images\/agnhost\/manifests\//, 'the registry saw the machine fetch the manifest');
      const token = `kk-runc-${process.pid}`;
      const run = await sh(`ctr -n k8s.io run --rm '${direct}' kk-test-run /bin/echo ${token}`);
      assert.equal(run.stdout.trim(), token);
      // runc gave the container a cgroup of its own in the machine's (namespaced) memory hierarchy.
      const cg = await sh(`ctr -n k8s.io run --rm '${direct}' kk-test-cg /bin/cat /proc/self/cgroup`);
      assert.match(cg.stdout, /^\d+:memory:\/k8s\.io\/kk-test-cg$/m);
    });

    test(
      'the kubelet pulls through the registry.k8s.io mirror and runs a static pod that crictl shows running',
      { skip: imagesSkip },
      async (t: TestContext) => {
        await writeIn(`/etc/kubernetes/manifests/${STATIC_POD}.yaml`, staticPod());
        const podName = `${STATIC_POD}-${NODE}`;
        type Ps = { containers: { id: string; podSandboxId: string; state: string; metadata: { name: string }; image: { image: string } }[] };
        const container = await waitFor(
          'static pod container running',
          async () => {
            const r = await execIn(NODE, ['crictl', 'ps', '--name', 'netexec', '-o', 'json']);
            if (r.code !== 0) return undefined;
            return (JSON.parse(r.stdout) as Ps).containers.find((c) => c.state === 'CONTAINER_RUNNING');
          },
          () => unitDead('kk-test-kubelet'),
          async () => `${(await execIn(NODE, 'crictl pods; crictl ps -a')).stdout}\n${await journal('kk-test-kubelet')()}`,
        );
        const pods = JSON.parse((await sh(`crictl pods --name ${podName} -o json`)).stdout) as {
          items: { id: string; state: string; metadata: { name: string; namespace: string } }[];
        };
        const pod = pods.items.find((p) => p.id === container.podSandboxId);
        assert.equal(pod?.metadata.name, podName);
        assert.equal(pod?.state, 'SANDBOX_READY');
        // The container answers: netexec reports the pod's hostname, which for a host-network pod is the machine's.
        const hostname = await waitFor(
          'netexec answering',
          async () => {
            const r = await execIn(NODE, ['curl', '-sS', '--max-time', '5', `http://127.0.0.1:${NETEXEC_PORT}/hostname`]);
            return r.code === 0 ? r.stdout : undefined;
          },
          () => unitDead('kk-test-kubelet'),
          journal('kk-test-kubelet'),
        );
        assert.equal(hostname, NODE);
        // Both images came over the bridge: the machine has no other way to registry.k8s.io.
        const images = (await sh('crictl images -o json')).stdout;
        assert.ok(images.includes(`"${PAUSE}"`), images);
        assert.ok(images.includes(`"${AGNHOST}"`), images);
        assert.match(
          requestsFrom(nodeIp),
          new RegExp(`"(?:HEAD|GET) /v2/pause/manifests/${comps!.versions.pause.replace(/\./g, '\\.')}\\?ns=registry\\.k8s\\.io `),
          'the sandbox image came through the mirror',
        );
        assert.match(
          requestsFrom(nodeIp),
          /"(?:HEAD|GET) \/v2\/e2e-test-images\/agnhost\/manifests\/[^ ]*\?ns=registry\.k8s\.io /,
          'the pod image came through the mirror',
        );
        t.diagnostic(`memory with containerd, kubelet and the static pod running: ${await memoryOfMachine()}`);
      },
    );
  });
});
