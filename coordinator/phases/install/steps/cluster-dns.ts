// Cluster DNS (KubeKey's deploy_cluster_dns; docs/install.md): kubeadm deploys CoreDNS behind a
// `kube-dns` Service at the service range's 10th address, but KubeKey's kubelets are pointed at
// `dns.coredns.ip` (the 3rd). This step puts the `coredns` Service at that address in front of
// kubeadm's CoreDNS pods and removes `kube-dns`, on the first control plane.
import { getString } from '../../../inventory/vars';
import type { ClusterModel } from '../../../model/cluster';
import { script, type InstallStep, type StepTask } from '../step';
import { hostsIn, q } from './common';
import { ADMIN_CONF } from './kubeadm';

const KUBECTL = `kubectl --kubeconfig ${ADMIN_CONF}`;

export function corednsService(ip: string): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: coredns
  namespace: kube-system
  labels:
    k8s-app: kube-dns
    kubernetes.io/name: CoreDNS
    addonmanager.kubernetes.io/mode: Reconcile
  annotations:
    prometheus.io/port: "9153"
    prometheus.io/scrape: "true"
spec:
  selector:
    k8s-app: kube-dns
  clusterIP: ${ip}
  ports:
  - {name: dns, port: 53, protocol: UDP}
  - {name: dns-tcp, port: 53, protocol: TCP}
  - {name: metrics, port: 9153, protocol: TCP}
`;
}

const corednsIp = (m: ClusterModel): string => getString(m.vars, 'dns.coredns.ip') ?? '10.233.0.3';

export const clusterDnsStep: InstallStep = {
  name: 'cluster-dns',
  title: 'the coredns Service at dns.coredns.ip',
  hosts: (m) => hostsIn(m, 'kube_control_plane').slice(0, 1),
  stage: () => ({ mode: 'serial' }),
  plan(inputs): StepTask[] {
    const ip = corednsIp(inputs.model);
    return [
      {
        task: 'coredns service',
        description: `Service kube-system/coredns at ${ip}; kubeadm's kube-dns Service removed`,
        spec: script(`have=$(${KUBECTL} -n kube-system get svc coredns -o jsonpath='{.spec.clusterIP}' 2>/dev/null || true)
if [ "$have" = ${q(ip)} ] && ! ${KUBECTL} -n kube-system get svc kube-dns >/dev/null 2>&1; then exit $UNCHANGED; fi
${KUBECTL} -n kube-system delete svc kube-dns --ignore-not-found
# a Service's clusterIP cannot change in place
if [ -n "$have" ] && [ "$have" != ${q(ip)} ]; then ${KUBECTL} -n kube-system delete svc coredns; fi
${KUBECTL} apply -f - <<'EOF'
${corednsService(ip)}EOF`),
      },
    ];
  },
};
