// NodeLocal DNSCache (KubeKey's deploy_cluster_dns, when dns.nodelocaldns.enabled; docs/install.md):
// a node-cache DaemonSet on every node answering on dns.nodelocaldns.ip (169.254.25.10, the
// address the kubelets hand to pods), forwarding the cluster's zones to the coredns Service over
// TCP and everything else to the node's resolv.conf. Applied from the first control plane; a
// re-run that would change nothing sends nothing but the comparison.
import { createHash } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import { getBool, getNonEmptyString, getString } from '../../../inventory/vars';
import type { ClusterModel } from '../../../model/cluster';
import { UserError } from '../../../../shared/errors';
import { script, type InstallStep, type StepTask } from '../step';
import { hostsIn, imageFromVars } from './common';
import { ADMIN_CONF } from './kubeadm';

const KUBECTL = `kubectl --kubeconfig ${ADMIN_CONF}`;
/** The annotation that records which manifest was applied, so a re-run compares instead of applying. */
const APPLIED = 'kubekey.kubesphere.io/manifest-sha256';

export const nodelocaldnsEnabled = (m: ClusterModel): boolean => getBool(m.vars, 'dns.nodelocaldns.enabled') !== false;

export function nodelocaldnsSettings(m: ClusterModel): { localIp: string; corednsIp: string; domain: string; image: string } {
  const localIp = getNonEmptyString(m.vars, 'dns.nodelocaldns.ip') ?? '169.254.25.10';
  if (!ipaddr.isValid(localIp)) throw new UserError(`dns.nodelocaldns.ip: ${localIp} is not an IP address`);
  const corednsIp = getString(m.vars, 'dns.coredns.ip') ?? '10.233.0.3';
  return {
    localIp,
    corednsIp,
    domain: getNonEmptyString(m.vars, 'dns.domain') ?? 'cluster.local',
    image: imageFromVars(m, 'dns.nodelocaldns.image', 'dns/k8s-dns-node-cache'),
  };
}

export function corefile(s: { localIp: string; corednsIp: string; domain: string }): string {
  const zone = (name: string, forward: string, extra: string[] = []): string => `${name}:53 {
    errors
    cache 30
    reload
    loop
    bind ${s.localIp}
    forward . ${forward}
    prometheus :9253
${extra.map((l) => `    ${l}\n`).join('')}}`;
  const cluster = `${s.corednsIp} {\n        force_tcp\n    }`;
  return [zone(s.domain, cluster, [`health ${s.localIp}:9254`]), zone('in-addr.arpa', cluster), zone('ip6.arpa', cluster), zone('.', '/etc/resolv.conf')].join(
    '\n',
  );
}

const indent = (text: string, n: number): string =>
  text
    .split('\n')
    .map((l) => (l ? ' '.repeat(n) + l : l))
    .join('\n');

export function nodelocaldnsManifest(m: ClusterModel): string {
  const s = nodelocaldnsSettings(m);
  const probe = `{httpGet: {host: ${s.localIp}, path: /health, port: 9254}, timeoutSeconds: 5, failureThreshold: 10}`;
  return `apiVersion: v1
kind: ServiceAccount
metadata:
  name: nodelocaldns
  namespace: kube-system
  labels: {addonmanager.kubernetes.io/mode: Reconcile}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: nodelocaldns
  namespace: kube-system
  labels: {addonmanager.kubernetes.io/mode: EnsureExists}
data:
  Corefile: |
${indent(corefile(s), 4)}
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: nodelocaldns
  namespace: kube-system
  labels: {k8s-app: nodelocaldns, addonmanager.kubernetes.io/mode: Reconcile}
spec:
  selector:
    matchLabels: {k8s-app: nodelocaldns}
  updateStrategy:
    type: RollingUpdate
    rollingUpdate: {maxUnavailable: 20%}
  template:
    metadata:
      labels: {k8s-app: nodelocaldns}
      annotations: {prometheus.io/scrape: "true", prometheus.io/port: "9253"}
    spec:
      nodeSelector: {kubernetes.io/os: linux}
      priorityClassName: system-cluster-critical
      serviceAccountName: nodelocaldns
      hostNetwork: true
      dnsPolicy: Default
      tolerations:
      - {effect: NoSchedule, operator: Exists}
      - {effect: NoExecute, operator: Exists}
      terminationGracePeriodSeconds: 0
      containers:
      - name: node-cache
        image: ${s.image}
        imagePullPolicy: IfNotPresent
        args: [-localip, "${s.localIp}", -conf, /etc/coredns/Corefile, -upstreamsvc, coredns, -metrics-listen-address, "127.0.0.1:9353"]
        resources:
          limits: {memory: 200Mi}
          requests: {cpu: 100m, memory: 70Mi}
        securityContext: {privileged: true}
        ports:
        - {containerPort: 53, name: dns, protocol: UDP}
        - {containerPort: 53, name: dns-tcp, protocol: TCP}
        - {containerPort: 9253, name: metrics, protocol: TCP}
        livenessProbe: ${probe}
        readinessProbe: ${probe}
        volumeMounts:
        - {name: config-volume, mountPath: /etc/coredns}
        - {name: xtables-lock, mountPath: /run/xtables.lock}
      volumes:
      - name: config-volume
        configMap:
          name: nodelocaldns
          items: [{key: Corefile, path: Corefile}]
      - name: xtables-lock
        hostPath: {path: /run/xtables.lock, type: FileOrCreate}
`;
}

/** Applies the manifest unless the DaemonSet already records this manifest's digest. */
export function applyScript(manifest: string): string {
  const digest = createHash('sha256').update(manifest).digest('hex');
  return `have=$(${KUBECTL} -n kube-system get daemonset nodelocaldns -o jsonpath='{.metadata.annotations.${APPLIED.replace(/\./g, '\\.')}}' 2>/dev/null || true)
if [ "$have" = ${digest} ]; then exit $UNCHANGED; fi
${KUBECTL} apply -f - <<'EOF'
${manifest}EOF
${KUBECTL} -n kube-system annotate daemonset nodelocaldns ${APPLIED}=${digest} --overwrite >/dev/null
echo "nodelocaldns applied"`;
}

export const nodelocaldnsStep: InstallStep = {
  name: 'nodelocaldns',
  title: 'NodeLocal DNSCache on every node (dns.nodelocaldns.enabled)',
  hosts: (m) => (nodelocaldnsEnabled(m) ? hostsIn(m, 'kube_control_plane').slice(0, 1) : []),
  stage: () => ({ mode: 'serial' }),
  plan(inputs): StepTask[] {
    const s = nodelocaldnsSettings(inputs.model);
    return [
      {
        task: 'apply nodelocaldns',
        spec: script(applyScript(nodelocaldnsManifest(inputs.model))),
        description: `DaemonSet kube-system/nodelocaldns (${s.image}) on ${s.localIp}, the cluster's zones to ${s.corednsIp}`,
      },
      {
        // Pods are handed this address for DNS: the run is not done while a node has no cache.
        task: 'nodelocaldns ready',
        always: true,
        waitMs: 660_000,
        spec: script(
          `if ${KUBECTL} -n kube-system rollout status daemonset nodelocaldns --timeout=600s; then exit $UNCHANGED; fi
echo "nodelocaldns is not running on every node; its pods:" >&2
${KUBECTL} -n kube-system get pods -l k8s-app=nodelocaldns -o wide >&2 || true
${KUBECTL} -n kube-system get events --field-selector involvedObject.kind=Pod -o custom-columns=OBJECT:.involvedObject.name,REASON:.reason,MESSAGE:.message 2>/dev/null | grep nodelocaldns | tail -n 10 >&2 || true
echo "check that ${s.image} is in the cluster registry, or set dns.nodelocaldns.enabled: false" >&2
exit 1`,
          { timeoutMs: 640_000 },
        ),
        description: 'every node runs its DNS cache (kubectl rollout status)',
      },
    ];
  },
};
