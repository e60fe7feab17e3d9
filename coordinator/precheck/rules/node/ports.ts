import type { ListeningPort } from '../../../../shared/facts/types';
import type { InventoryHost } from '../../../model/cluster';
import { PORTS } from '../../defaults';
import { fact } from '../../facts-access';
import { CP, ETCD, K8S, inGroup } from '../../hosts';
import { fail, hostRule, pass } from '../../rule';
import { num } from '../../vars';

interface Wanted {
  port: number;
  /** The component that will listen here; its process name (comm, ≤ 15 chars) starts with `process`. */
  component: string;
  process: string;
  setting?: string;
}

function wantedPorts(host: InventoryHost): Wanted[] {
  const out: Wanted[] = [];
  if (inGroup(host, CP)) {
    out.push(
      { port: num(host.vars, 'kubernetes.apiserver.port'), component: 'kube-apiserver', process: 'kube-apiserver', setting: 'kubernetes.apiserver.port' },
      { port: PORTS.controllerManager, component: 'kube-controller-manager', process: 'kube-controller' },
      { port: PORTS.scheduler, component: 'kube-scheduler', process: 'kube-scheduler' },
    );
  }
  if (inGroup(host, K8S)) out.push({ port: PORTS.kubelet, component: 'kubelet', process: 'kubelet' });
  if (inGroup(host, ETCD)) {
    out.push(
      { port: num(host.vars, 'etcd.port'), component: 'etcd', process: 'etcd', setting: 'etcd.port' },
      { port: num(host.vars, 'etcd.peer_port'), component: 'etcd', process: 'etcd', setting: 'etcd.peer_port' },
    );
  }
  return out;
}

export const nodePorts = hostRule({
  id: 'node.ports',
  severity: 'error',
  description: "the ports the host's components need (6443, 10257, 10259, 10250, 2379, 2380) are free or held by that component",
  appliesTo: (host) => (wantedPorts(host).length > 0 ? true : 'not in kube_control_plane, k8s_cluster or etcd'),
  check: (host, ctx) => {
    const listening = fact(ctx, host.name, 'listeningPorts');
    const byPort = new Map<number, ListeningPort[]>();
    for (const l of listening) {
      if (l.protocol !== 'tcp') continue;
      const list = byPort.get(l.port);
      if (list) list.push(l);
      else byPort.set(l.port, [l]);
    }
    const wanted = wantedPorts(host);
    const problems: string[] = [];
    const reused: string[] = [];
    for (const w of wanted) {
      const holders = byPort.get(w.port) ?? [];
      if (holders.length === 0) continue;
      const strangers = holders.filter((l) => !(l.process ?? '').startsWith(w.process));
      if (strangers.length === 0) {
        reused.push(`${w.port} (${w.component} already running)`);
        continue;
      }
      const who = strangers.map((l) => `${l.process ?? 'an unknown process'} on ${l.address}`).join(', ');
      const fix = w.setting ? `stop it or change ${w.setting}` : 'stop it';
      problems.push(`port ${w.port} (${w.component}) is in use by ${who}: ${fix}`);
    }
    if (problems.length > 0) return fail(problems.join('; '));
    const ports = `port${wanted.length === 1 ? '' : 's'} ${wanted.map((w) => w.port).join(', ')}`;
    if (reused.length > 0) return pass(`${ports} free or held by their component: ${reused.join(', ')}`);
    return pass(`${ports} ${wanted.length === 1 ? 'is' : 'are'} free`);
  },
});
