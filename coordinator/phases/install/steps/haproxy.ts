// control_plane_endpoint.type: haproxy (KubeKey's high-availability/haproxy; docs/install.md):
// every worker that is not a control plane runs haproxy as a static pod on 127.0.0.1:<port>,
// balancing over all API servers, and resolves the endpoint name to 127.0.0.1 once it has joined.
// The files are placed before the join (kubeadm's join preflight does not mind a static pod); the
// pod starts with the kubelet, so the join itself goes to the first control plane and the switch
// to 127.0.0.1 waits until haproxy answers (see the join step).
import { createHash } from 'node:crypto';
import { getNonEmptyString, getNumber, getString } from '../../../inventory/vars';
import type { ClusterModel } from '../../../model/cluster';
import { UserError } from '../../../../shared/errors';
import { writeFile, type InstallStep, type StepTask } from '../step';
import type { StepInputs } from '../inputs';
import { hostsIn, imageFromVars, q } from './common';

export const HAPROXY_DIR = '/etc/kubekey/haproxy';
export const HAPROXY_CFG = `${HAPROXY_DIR}/haproxy.cfg`;
export const HAPROXY_MANIFEST = '/etc/kubernetes/manifests/haproxy.yaml';
/** Where the image reads its configuration (Docker Hub's haproxy images and kk's own). */
const CFG_IN_POD = '/usr/local/etc/haproxy';

export const endpointType = (m: ClusterModel): string => getString(m.vars, 'kubernetes.control_plane_endpoint.type') ?? 'local';

/** The hosts that run haproxy: workers without an API server of their own. */
export function haproxyHosts(m: ClusterModel): string[] {
  if (endpointType(m) !== 'haproxy') return [];
  const cps = new Set(hostsIn(m, 'kube_control_plane'));
  return hostsIn(m, 'k8s_cluster').filter((h) => !cps.has(h));
}

export function haproxySettings(m: ClusterModel): { address: string; listenPort: number; healthPort: number; apiserverPort: number; image: string } {
  const apiserverPort = getNumber(m.vars, 'kubernetes.apiserver.port') ?? 6443;
  const address = getNonEmptyString(m.vars, 'kubernetes.control_plane_endpoint.haproxy.address') ?? '127.0.0.1';
  if (address !== '127.0.0.1') {
    throw new UserError(
      `kubernetes.control_plane_endpoint.haproxy.address: ${address} — haproxy listens where the workers resolve the endpoint name, 127.0.0.1; leave it unset`,
    );
  }
  return {
    address,
    listenPort: getNumber(m.vars, 'kubernetes.control_plane_endpoint.port') ?? apiserverPort,
    healthPort: getNumber(m.vars, 'kubernetes.control_plane_endpoint.haproxy.health_port') ?? 8081,
    apiserverPort,
    image: imageFromVars(m, 'kubernetes.control_plane_endpoint.haproxy.image', 'library/haproxy'),
  };
}

/**
 * TCP to the API servers (least connections); a server counts only while its /healthz answers
 * 200 over TLS, so a control plane whose API server is down is skipped within two checks.
 */
export function haproxyConfig(inputs: StepInputs): string {
  const m = inputs.model;
  const s = haproxySettings(m);
  const servers = hostsIn(m, 'kube_control_plane').map((h) => `  server ${h} ${inputs.ipv4(h)}:${s.apiserverPort} check check-ssl verify none`);
  return `# Written by kk (docs/install.md): the local proxy to the API servers of this cluster.
global
  maxconn 4000
  log stdout format raw local0 info

defaults
  log global
  mode tcp
  option dontlognull
  option redispatch
  retries 5
  timeout connect 10s
  timeout client 15m
  timeout server 15m
  timeout check 10s

frontend healthz
  bind *:${s.healthPort}
  mode http
  monitor-uri /healthz

frontend kube_api_frontend
  bind ${s.address}:${s.listenPort}
  option tcplog
  default_backend kube_api_backend

backend kube_api_backend
  balance leastconn
  default-server inter 5s downinter 5s rise 2 fall 2 slowstart 60s maxconn 1000 maxqueue 256 weight 100
  option httpchk GET /healthz
  http-check expect status 200
${servers.join('\n')}
`;
}

export function haproxyManifest(m: ClusterModel, cfg: string): string {
  const s = haproxySettings(m);
  const probe = `{httpGet: {host: 127.0.0.1, path: /healthz, port: ${s.healthPort}}}`;
  return `# Written by kk (docs/install.md): the static pod of the local API server proxy.
apiVersion: v1
kind: Pod
metadata:
  name: haproxy
  namespace: kube-system
  labels:
    addonmanager.kubernetes.io/mode: Reconcile
    k8s-app: kube-haproxy
  annotations:
    # a changed configuration changes the pod, so the kubelet restarts it
    cfg-checksum: "${createHash('md5').update(cfg).digest('hex')}"
spec:
  hostNetwork: true
  dnsPolicy: ClusterFirstWithHostNet
  nodeSelector:
    kubernetes.io/os: linux
  priorityClassName: system-node-critical
  containers:
  - name: haproxy
    image: ${s.image}
    imagePullPolicy: IfNotPresent
    command: [haproxy, -W, -db, -f, ${CFG_IN_POD}/haproxy.cfg]
    resources:
      requests: {cpu: 25m, memory: 32M}
    livenessProbe: ${probe}
    readinessProbe: ${probe}
    volumeMounts:
    - {name: etc-haproxy, mountPath: ${CFG_IN_POD}, readOnly: true}
  volumes:
  - name: etc-haproxy
    hostPath: {path: ${HAPROXY_DIR}, type: Directory}
`;
}

/** After the join: waits until the local haproxy answers its health check (the kubelet starts the pod). */
export function haproxyReadyScript(m: ClusterModel): string {
  const s = haproxySettings(m);
  return `for i in $(seq 1 90); do
  if timeout 3 bash -c 'exec 3<>/dev/tcp/127.0.0.1/${s.healthPort} && printf "GET /healthz HTTP/1.0\\r\\n\\r\\n" >&3 && head -n1 <&3 | grep -q " 200 "' 2>/dev/null; then
    echo "haproxy answers on 127.0.0.1:${s.healthPort}"; exit $UNCHANGED
  fi
  sleep 2
done
echo "haproxy did not answer on 127.0.0.1:${s.healthPort}/healthz within 180 s; its container:" >&2
crictl ps -a --name haproxy >&2 || true
id=$(crictl ps -a -q --name haproxy 2>/dev/null | head -n1 || true)
if [ -n "$id" ]; then crictl logs --tail 20 "$id" >&2 || true; fi
echo "check that ${q(s.image)} is in the cluster registry and ${HAPROXY_CFG} is valid (haproxy -c -f ${HAPROXY_CFG})" >&2
exit 1`;
}

export const haproxyStep: InstallStep = {
  name: 'haproxy',
  title: 'the local API server proxy on workers (control_plane_endpoint.type: haproxy)',
  hosts: haproxyHosts,
  stage: () => ({ mode: 'parallel' }),
  plan(inputs): StepTask[] {
    const cfg = haproxyConfig(inputs);
    return [
      {
        task: 'write haproxy.cfg',
        spec: writeFile(HAPROXY_CFG, cfg),
        description: `${HAPROXY_CFG}: 127.0.0.1:${haproxySettings(inputs.model).listenPort} → ${hostsIn(inputs.model, 'kube_control_plane').join(', ')}`,
      },
      {
        task: 'write haproxy manifest',
        spec: writeFile(HAPROXY_MANIFEST, haproxyManifest(inputs.model, cfg), 0o600),
        description: `${HAPROXY_MANIFEST} (static pod, ${haproxySettings(inputs.model).image})`,
      },
    ];
  },
};
