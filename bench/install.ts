// `create cluster` end to end on the systemd test machines, offline from the components' bundle:
// wall time of the whole command, per phase and per install step (from the run record), the
// re-run that changes nothing, and kk's own share — the wall time minus the time the nodes spent
// inside commands on each step's slowest host (kubeadm, image pulls, etcd start …). On 3 and 5
// machines (the curve). Needs root, --kube test machines and `make components`.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { COORDINATOR_BIN } from '../test/e2e/lib/coordinator';
import { installDebs, kubeTestbedAvailable, testbedAvailable, testbedDown } from '../test/e2e/lib/testbed';
import { joinedCluster } from '../test/e2e/lib/cluster';
import { componentsManifest, machineConfig, OS_PACKAGES } from '../test/e2e/lib/components';
import { timedRun, type Figure } from './lib';

interface TaskRec {
  host: string;
  task: string;
  step?: string;
  durationMs?: number;
  startedAt?: string;
  finishedAt?: string;
}
interface PhaseRec {
  name: string;
  durationMs?: number;
  tasks: TaskRec[];
}

function inventory(names: { name: string; ip: string }[]): string {
  const [cp, ...workers] = names.map((n) => n.name);
  return `apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
metadata: {name: bench}
spec:
  hosts:
${names.map((n) => `    ${n.name}: {internal_ipv4: ${n.ip}}`).join('\n')}
  groups:
    kube_control_plane: {hosts: [${cp}]}
    kube_worker: {hosts: [${workers.join(', ')}]}
    k8s_cluster: {groups: [kube_control_plane, kube_worker]}
    etcd: {hosts: [${cp}]}
    image_registry: {hosts: [${workers.at(-1)}]}
`;
}

/** Per install step: wall time (first start to last finish) and the slowest host's time inside commands. */
function stepTimes(install: PhaseRec): { step: string; wallMs: number; nodeMs: number }[] {
  const steps = new Map<string, TaskRec[]>();
  for (const t of install.tasks) {
    const s = t.step ?? t.task.split(':')[0]!;
    steps.set(s, [...(steps.get(s) ?? []), t]);
  }
  return [...steps].map(([step, tasks]) => {
    const starts = tasks.map((t) => Date.parse(t.startedAt ?? '')).filter(Number.isFinite);
    const ends = tasks.map((t) => Date.parse(t.finishedAt ?? '')).filter(Number.isFinite);
    const perHost = new Map<string, number>();
    for (const t of tasks) if (t.host !== '@coordinator') perHost.set(t.host, (perHost.get(t.host) ?? 0) + (t.durationMs ?? 0));
    return { step, wallMs: starts.length && ends.length ? Math.max(...ends) - Math.min(...starts) : 0, nodeMs: Math.max(0, ...perHost.values()) };
  });
}

/** Install part 1 (docs/install.md): the node-level steps before Kubernetes. */
const PART1 = ['os', 'nfs', 'etcd', 'image-registry', 'image-push', 'cri'];

async function createOnce(n: number): Promise<{ figures: Record<string, number>; note: string; part1Note: string } | null> {
  const m = componentsManifest();
  if (!m) return null;
  const c = await joinedCluster(n, '', { KK_LOG_LEVEL: 'info' }, { kube: true });
  try {
    // One machine at a time: they share the host's download cache.
    for (const x of c.machines) await installDebs(x.name, OS_PACKAGES);
    writeFileSync(c.inventory, inventory(c.machines));
    writeFileSync(c.config, machineConfig(m.config));
    const argv = [COORDINATOR_BIN, 'create', 'cluster', '-y', '--artifact', m.artifact, '-i', c.inventory, '-c', c.config, '--data-dir', c.coord.dataDir];
    // Run where an operator would: work_dir (pki, kubeconfig) defaults to the command's directory.
    const first = await timedRun(argv, { cwd: c.dir });
    const wall = first.ms;
    if (first.code !== 0) throw new Error(`create cluster on ${n} machines failed:\n${first.stdout.slice(-4000)}${first.stderr.slice(-2000)}`);
    const runId = /run (\d{8}-\d{6}-[0-9a-f]+)/.exec(first.stdout)?.[1] ?? '';
    const rec = JSON.parse((await c.coord.cli(['runs', 'show', runId, '-o', 'json'])).stdout) as { phaseRecords: PhaseRec[] };
    const again = await timedRun(argv, { cwd: c.dir });
    const rerun = again.ms;
    if (again.code !== 0) throw new Error(`re-run on ${n} machines failed:\n${again.stdout.slice(-3000)}`);
    // The install phase alone, again: what part 1's steps (OS, etcd, registry, runtime) cost when nothing changes.
    const installOnly = await timedRun([...argv, '--phases', 'install'], { cwd: c.dir });
    if (installOnly.code !== 0) throw new Error(`install re-run on ${n} machines failed:\n${installOnly.stdout.slice(-3000)}`);
    const installRunId = /run (\d{8}-\d{6}-[0-9a-f]+)/.exec(installOnly.stdout)?.[1] ?? '';
    const installRec = JSON.parse((await c.coord.cli(['runs', 'show', installRunId, '-o', 'json'])).stdout) as { phaseRecords: PhaseRec[] };
    const part1Again = stepTimes(installRec.phaseRecords.find((p) => p.name === 'install')!).filter((x) => PART1.includes(x.step));
    const install = rec.phaseRecords.find((p) => p.name === 'install')!;
    const steps = stepTimes(install);
    const part1 = steps.filter((x) => PART1.includes(x.step));
    const nodeWork = steps.reduce((s, x) => s + x.nodeMs, 0);
    const init = rec.phaseRecords.find((p) => p.name === 'init')?.durationMs ?? 0;
    const phases = rec.phaseRecords.map((p) => `${p.name} ${((p.durationMs ?? 0) / 1000).toFixed(1)} s`).join(', ');
    const perStep = steps.map((s) => `${s.step} ${(s.wallMs / 1000).toFixed(1)} s`).join(', ');
    const sum = (xs: { wallMs: number }[]): number => xs.reduce((a, x) => a + x.wallMs, 0) / 1000;
    const list = (xs: { step: string; wallMs: number }[]): string => xs.map((x) => `${x.step} ${(x.wallMs / 1000).toFixed(2)} s`).join(', ');
    return {
      figures: {
        wall: wall / 1000,
        rerun: rerun / 1000,
        overhead: Math.max(0, (wall - nodeWork - init) / wall) * 100,
        part1: sum(part1),
        part1Rerun: sum(part1Again),
        installRerun: installOnly.ms / 1000,
      },
      note: `${n} machines: phases ${phases}; install steps ${perStep}; nodes' time inside commands on each step's slowest host ${(nodeWork / 1000).toFixed(1)} s; re-run ${(rerun / 1000).toFixed(1)} s`,
      part1Note: `${n} machines, first run: ${list(part1)}; re-run of the install phase alone (${(installOnly.ms / 1000).toFixed(1)} s in all): ${list(part1Again)}`,
    };
  } finally {
    await c.coord.stop();
    c.coord.cleanup();
    await testbedDown();
  }
}

export async function benchInstall(withFive = true): Promise<Figure[]> {
  if (!testbedAvailable().ok || !kubeTestbedAvailable().ok || !componentsManifest()) return [];
  const three = await createOnce(3);
  const five = withFive ? await createOnce(5) : null;
  if (!three) return [];
  const one = (key: string, what: string, unit: string, v: number, goal: string | undefined, note: string): Figure => ({
    key,
    what,
    unit,
    median: v,
    min: v,
    max: v,
    runs: 1,
    ...(goal ? { goal } : {}),
    command: 'kk-coordinator create cluster -y --artifact <components bundle> -i inventory.yaml -c config.yaml (bench/install.ts)',
    note,
  });
  const notes = [three.note, five?.note].filter(Boolean).join(' | ');
  const out = [
    one(
      'create_cluster_3_s',
      'create cluster on 3 machines (1 control plane + etcd, 2 workers, registry, flannel), offline, command to Ready + CoreDNS',
      's',
      three.figures.wall!,
      '< 300',
      notes,
    ),
    one('create_cluster_rerun_3_s', 'the same create cluster again on the installed cluster (changes nothing)', 's', three.figures.rerun!, undefined, notes),
    one(
      'create_cluster_overhead_3_pct',
      "kk's own share of that wall time: minus init's bundle import and the nodes' time inside commands on each step's slowest host",
      '%',
      three.figures.overhead!,
      '< 10',
      notes,
    ),
  ];
  if (five)
    out.push(one('create_cluster_5_s', 'create cluster on 5 machines (1 control plane + etcd, 4 workers), offline', 's', five.figures.wall!, undefined, notes));
  const part1 = (key: string, what: string, v: number, goal?: string): Figure => ({
    ...one(key, what, 's', v, goal, three.part1Note),
    command: 'kk-coordinator create cluster --phases install on the cluster create cluster made (bench/install.ts); step times from runs show -o json',
  });
  out.push(
    part1(
      'install_part1_3_s',
      "install part 1 on 3 machines from the offline bundle: os, etcd, image-registry, image-push, cri (sum of the steps' wall times in the first run)",
      three.figures.part1!,
    ),
    part1(
      'install_part1_rerun_3_s',
      'the same steps when nothing changes (create cluster --phases install on the installed cluster)',
      three.figures.part1Rerun!,
      '< 3',
    ),
    part1('install_rerun_3_s', 'create cluster --phases install on the installed cluster, every step (command to exit)', three.figures.installRerun!),
  );
  return out;
}

/** `make components` as the builds and the layout measured themselves (build.json, manifest.json): the cold figures. */
export function benchComponents(): Figure[] {
  const m = componentsManifest();
  if (!m) return [];
  const root = path.dirname(m.artifact);
  const du = (p: string): number => Number(execFileSync('du', ['-sb', p], { encoding: 'utf8' }).split('\t')[0]) / 2 ** 30;
  const size = du(path.join(root, 'build')) + du(m.mirror) + du(m.image_layout) + du(m.artifact);
  const perComponent = Object.entries(m.versions)
    .map(([c, v]) => {
      const j = JSON.parse(readFileSync(path.join(root, 'build', c, v, 'build.json'), 'utf8')) as { seconds: number };
      return `${c} ${j.seconds} s`;
    })
    .join(', ');
  const note = `per component, as each build in this cache recorded itself (build.json; these builds ran while other work shared the 2 cores, some with Go's caches already warm; docs/components.md gives the time from empty caches): ${perComponent}; layout (mirror, images, bundle through kk's export) ${m.layout_seconds} s; bundle ${(du(m.artifact) * 1024).toFixed(0)} MiB. A warm run checks recipes and prints "cached": seconds.`;
  const cmd = 'make components (scripts/components/build.sh; layout.ts) — times from build.json and manifest.json';
  return [
    {
      key: 'components_cold_s',
      what: 'make components: every component built from its Go modules (build.json of the builds in the cache), then the mirror, images and offline bundle',
      unit: 's',
      median: m.build_seconds + m.layout_seconds,
      min: m.build_seconds + m.layout_seconds,
      max: m.build_seconds + m.layout_seconds,
      runs: 1,
      goal: '< 2400',
      command: cmd,
      note,
    },
    {
      key: 'components_size_gb',
      what: 'what make components leaves in KK_COMPONENTS_DIR (builds, mirror, images, bundle; not the Go caches)',
      unit: 'GiB',
      median: size,
      min: size,
      max: size,
      runs: 1,
      command: cmd,
      note,
    },
  ];
}
