// `delete cluster` (KubeKey's delete_cluster playbook; docs/install.md): the install undone with
// the same step engine, so it is planned, printed with --dry-run, recorded and resumable.
// Always: `kubeadm reset`, the kubelet, Kubernetes' files, CNI leftovers. With --all also the
// container runtime, etcd, the image registry and kk's /etc/hosts blocks; data directories (etcd
// data, the registry's images) only with --with-data as well.
import { getString } from '../../inventory/vars';
import type { ClusterModel } from '../../model/cluster';
import type { Phase } from '../types';
import { makeStepsPhase } from './phase';
import { script, type InstallStep } from './step';
import { hostsIn, q } from './steps/common';

export interface DeleteOptions {
  all: boolean;
  withData: boolean;
  maxParallel?: number;
}

const anyHosts = (m: ClusterModel): string[] => hostsIn(m, 'k8s_cluster', 'etcd', 'image_registry', 'nfs');

/** Stops and removes a unit and the files it owns; unchanged when none of it is there. */
function removeUnit(unit: string, files: string[]): string {
  return `changed=0
if systemctl list-unit-files ${q(unit)} 2>/dev/null | grep -q ${q(unit)}; then
  systemctl disable --now ${q(unit)} 2>/dev/null || true; changed=1
fi
for f in ${files.map(q).join(' ')}; do [ -e "$f" ] && { rm -rf -- "$f"; changed=1; }; done
systemctl daemon-reload
[ $changed = 1 ] || exit $UNCHANGED
echo "${unit} removed"`;
}

const external = (m: ClusterModel): boolean => (getString(m.vars, 'etcd.deployment_type') ?? 'external') === 'external';

/**
 * With external etcd, kubeadm reset must not run its etcd phase: when it cannot read the cluster's
 * configuration (the API server is going down with the node) it falls back to stacked etcd's
 * defaults and empties /var/lib/etcd — the external cluster's data directory. Seen here.
 */
function kubernetesReset(): InstallStep {
  return {
    name: 'kubernetes-reset',
    title: "kubeadm reset, the kubelet and Kubernetes' files",
    hosts: (m) => hostsIn(m, 'k8s_cluster'),
    stage: () => ({ mode: 'parallel' }),
    plan: (inputs) => [
      {
        task: 'kubeadm reset',
        waitMs: 10 * 60_000,
        description: 'kubeadm reset -f (when the node has Kubernetes), kubelet stopped and removed',
        spec: script(
          `if [ ! -e /etc/kubernetes ] && [ ! -e /var/lib/kubelet ] && ! systemctl list-unit-files kubelet.service 2>/dev/null | grep -q kubelet; then exit $UNCHANGED; fi
if command -v kubeadm >/dev/null && [ -d /etc/kubernetes ]; then kubeadm reset -f --cleanup-tmp-dir${external(inputs.model) ? ' --skip-phases remove-etcd-member' : ''} 2>&1 | tail -n 5 || true; fi
systemctl disable --now kubelet 2>/dev/null || true
rm -rf /etc/systemd/system/kubelet.service /etc/systemd/system/kubelet.service.d
systemctl daemon-reload
# kubeadm reset leaves these by design (it says so): kk removes what kk installed.
# The CNI config directory is emptied, not removed: the container runtime watches it, and a
# directory made anew later is not seen until the runtime restarts (nodes never become Ready).
[ -d /etc/cni/net.d ] && find /etc/cni/net.d -mindepth 1 -maxdepth 1 -exec rm -rf -- {} +
for d in /etc/kubernetes /var/lib/kubelet /root/.kube /var/lib/cni /run/flannel; do
  [ -e "$d" ] || continue
  # Pod volumes kubeadm reset left mounted, deepest first; a directory that is itself a mount
  # point (its own disk) is emptied rather than removed.
  grep -o " $d/[^ ]*" /proc/self/mountinfo 2>/dev/null | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  if mountpoint -q "$d"; then find "$d" -mindepth 1 -maxdepth 1 -exec rm -rf -- {} +; else rm -rf -- "$d"; fi
done
for link in cni0 flannel.1 kube-ipvs0 nodelocaldns; do ip link delete "$link" 2>/dev/null || true; done
# kube-proxy's and the network plugin's rules: only their chains, the node's own rules stay.
for t in filter nat mangle; do
  iptables-save -t $t 2>/dev/null | grep -qE 'KUBE-|FLANNEL|CNI-' || continue
  iptables-save -t $t | grep -vE -- '-j (KUBE-|FLANNEL|CNI-)|^:(KUBE-|FLANNEL|CNI-)|-A (KUBE-|FLANNEL|CNI-)' | iptables-restore -T $t || true
done
echo "Kubernetes removed from this node"`,
          { timeoutMs: 9 * 60_000 },
        ),
      },
    ],
  };
}

function criRemove(withData: boolean): InstallStep {
  return {
    name: 'cri-remove',
    title: 'the container runtime',
    hosts: (m) => hostsIn(m, 'k8s_cluster'),
    stage: () => ({ mode: 'parallel' }),
    plan: (inputs) => {
      const docker = (getString(inputs.model.vars, 'cri.container_manager') ?? 'containerd') === 'docker';
      const units = docker ? ['cri-dockerd.service', 'docker.service', 'containerd.service'] : ['containerd.service'];
      return units.map((u) => ({
        task: `remove ${u}`,
        description: `${u} stopped and removed${withData && u === 'containerd.service' ? ", with /var/lib/containerd's contents" : ''}`,
        spec: script(
          `${u === 'containerd.service' ? 'ctr -n k8s.io tasks ls -q 2>/dev/null | xargs -r -n1 ctr -n k8s.io tasks kill -s KILL 2>/dev/null || true\n' : ''}${removeUnit(u, [`/etc/systemd/system/${u}`, ...(u === 'containerd.service' ? ['/etc/containerd', '/etc/crictl.yaml'] : []), ...(u === 'docker.service' ? ['/etc/docker'] : [])])}${withData && u === 'containerd.service' ? '\nfind /var/lib/containerd -mindepth 1 -maxdepth 1 -exec rm -rf {} + 2>/dev/null || true' : ''}`,
        ),
      }));
    },
  };
}

function etcdRemove(withData: boolean): InstallStep {
  return {
    name: 'etcd-remove',
    title: 'etcd',
    hosts: (m) => ((getString(m.vars, 'etcd.deployment_type') ?? 'external') === 'external' ? hostsIn(m, 'etcd') : []),
    stage: () => ({ mode: 'together' }),
    plan: (inputs) => {
      const dataDir = getString(inputs.model.vars, 'etcd.env.data_dir') ?? '/var/lib/etcd';
      return [
        {
          task: 'remove backup timer',
          description: 'backup-etcd timer and service',
          spec: script(
            removeUnit('backup-etcd.timer', [
              '/etc/systemd/system/backup-etcd.timer',
              '/etc/systemd/system/backup-etcd.service',
              '/usr/local/bin/kube-scripts/backup_etcd.sh',
            ]),
          ),
        },
        {
          task: 'remove etcd',
          description: `etcd stopped; unit, env and certificates removed${withData ? `; ${dataDir} removed` : ` (data in ${dataDir} kept: --with-data removes it)`}`,
          spec: script(removeUnit('etcd.service', ['/etc/systemd/system/etcd.service', '/etc/etcd.env', '/etc/ssl/etcd', ...(withData ? [dataDir] : [])])),
        },
      ];
    },
  };
}

function registryRemove(withData: boolean): InstallStep {
  return {
    name: 'image-registry-remove',
    title: 'the image registry',
    hosts: (m) => ((getString(m.vars, 'image_registry.type') ?? '') !== '' ? hostsIn(m, 'image_registry') : []),
    stage: () => ({ mode: 'parallel' }),
    plan: (inputs) => {
      const rootdir = getString(inputs.model.vars, 'image_registry.docker_registry.storage.filesystem.rootdir') ?? '/var/lib/docker-registry/data';
      return [
        {
          task: 'remove docker-registry',
          description: `docker-registry stopped and removed${withData ? `, with ${rootdir}` : ''}`,
          spec: script(
            removeUnit('docker-registry.service', ['/etc/systemd/system/docker-registry.service', '/etc/docker-registry', ...(withData ? [rootdir] : [])]),
          ),
        },
      ];
    },
  };
}

function hostsBlocks(): InstallStep {
  return {
    name: 'hosts-cleanup',
    title: "kk's /etc/hosts blocks",
    hosts: anyHosts,
    stage: () => ({ mode: 'parallel' }),
    plan: () => [
      {
        task: 'remove hosts blocks',
        description: "kk's marked blocks in /etc/hosts removed",
        spec: script(`grep -q '^# kubekey ' /etc/hosts || exit $UNCHANGED
tmp=$(mktemp /etc/.hosts.XXXXXX)
sed -e '/^# kubekey hosts BEGIN$/,/^# kubekey hosts END$/d' -e '/^# kubekey kubernetes control_plane_endpoint BEGIN$/,/^# kubekey kubernetes control_plane_endpoint END$/d' /etc/hosts > "$tmp"
chmod 644 "$tmp"; cat "$tmp" > /etc/hosts; rm -f "$tmp"`),
      },
    ],
  };
}

export function uninstallSteps(o: DeleteOptions): InstallStep[] {
  return [kubernetesReset(), ...(o.all ? [criRemove(o.withData), etcdRemove(o.withData), registryRemove(o.withData), hostsBlocks()] : [])];
}

export function makeDeletePhase(o: DeleteOptions): Phase {
  return makeStepsPhase('delete', o.all ? 'Kubernetes, container runtime, etcd, image registry' : 'Kubernetes (kubeadm reset)', {
    steps: uninstallSteps(o),
    ...(o.maxParallel ? { maxParallel: o.maxParallel } : {}),
  });
}
