// kubeadm: init on the first control plane, then the other control planes one at a time, then
// the workers in parallel (docs/install.md). The coordinator makes the bootstrap token and the
// certificate key itself and keeps them in the run, so --resume sends the same ones and nothing
// is ever read back from kubeadm's output; joins pin kk's Kubernetes CA by its hash instead of
// skipping CA verification. Every kubeadm command is skipped on a node that already did it.
import { randomBytes } from 'node:crypto';
import type { ClusterModel } from '../../../model/cluster';
import { getNumber, getString, getStringList } from '../../../inventory/vars';
import { KUBEADM_CONFIG_PATH, caCertHash, initConfig, joinConfig, nodeName } from '../kubeadm/config';
import type { StepInputs } from '../inputs';
import { UNCHANGED, script, type InstallStep, type StepTask } from '../step';
import { hostsIn, q } from './common';
import { ENDPOINT_BEGIN, ENDPOINT_END, endpointBlock } from './native-init';
import { haproxyHosts, haproxyReadyScript } from './haproxy';

export const ADMIN_CONF = '/etc/kubernetes/admin.conf';
/** How long a run's bootstrap token lives; it is deleted when the install ends. */
export const TOKEN_TTL = '2h0m0s';
const KUBECTL = `kubectl --kubeconfig ${ADMIN_CONF}`;
const TOKEN_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';

const controlPlanes = (m: ClusterModel): string[] => hostsIn(m, 'kube_control_plane');
const k8sHosts = (m: ClusterModel): string[] => hostsIn(m, 'k8s_cluster');

function randomToken(): string {
  const pick = (n: number): string => [...randomBytes(n)].map((b) => TOKEN_CHARS[b % TOKEN_CHARS.length]).join('');
  return `${pick(6)}.${pick(16)}`;
}

/** The run's bootstrap token and certificate key: made once by the coordinator, kept in the run. */
export function secrets(inputs: StepInputs): { token: string; certificateKey: string } {
  return {
    token: inputs.param('kubeadm.bootstrap_token', randomToken),
    certificateKey: inputs.param('kubeadm.certificate_key', () => randomBytes(32).toString('hex')),
  };
}

const joined = (inputs: StepInputs, host: string): boolean => inputs.unit(host, 'kubelet')?.activeState === 'active';

/** The control plane kubeadm init runs on: the first in the inventory (every later run uses the same). */
export function initHost(inputs: StepInputs): string {
  return controlPlanes(inputs.model)[0]!;
}

/** Hosts that still have to join (their kubelet is not known to run). */
export function pendingJoins(inputs: StepInputs): string[] {
  const first = initHost(inputs);
  return k8sHosts(inputs.model).filter((h) => h !== first && !joined(inputs, h));
}

function endpoint(m: ClusterModel): { host: string; port: number } {
  return {
    host: getString(m.vars, 'kubernetes.control_plane_endpoint.host') ?? 'lb.kubesphere.local',
    port: getNumber(m.vars, 'kubernetes.control_plane_endpoint.port') ?? getNumber(m.vars, 'kubernetes.apiserver.port') ?? 6443,
  };
}

const ignored = (m: ClusterModel): string[] => getStringList(m.vars, 'kubernetes.kubeadm.ignore_preflight_errors') ?? [];

/**
 * Replaces kk's control-plane endpoint block in /etc/hosts with `block` (the same block the os
 * step writes); unchanged when it already is.
 */
export function endpointScript(block: string): string {
  return `want=${q(block.replace(/\n$/, ''))}
have=$(sed -n ${q(`/^${ENDPOINT_BEGIN}$/,/^${ENDPOINT_END}$/p`)} /etc/hosts)
[ "$have" = "$want" ] && exit $UNCHANGED
tmp=$(mktemp /etc/.hosts.XXXXXX)
sed ${q(`/^${ENDPOINT_BEGIN}$/,/^${ENDPOINT_END}$/d`)} /etc/hosts > "$tmp"
printf '%s\\n' "$want" >> "$tmp"
chmod 644 "$tmp"; cat "$tmp" > /etc/hosts; rm -f "$tmp"
printf 'control-plane endpoint in /etc/hosts:\\n%s\\n' "$want"`;
}

/**
 * Writes the kubeadm configuration (0600, from stdin: it holds the run's token and certificate
 * key) unless `done` exists: once a node is initialised or joined, the file records how, and a
 * later run's new token must not rewrite it.
 */
function configUntil(done: string, config: string) {
  return {
    exec: {
      script: `set -euo pipefail
[ -f ${q(done)} ] && { echo "${done} exists: ${KUBEADM_CONFIG_PATH} kept as it was used"; exit ${UNCHANGED}; }
install -d -m 0755 ${q(KUBEADM_CONFIG_PATH.replace(/\/[^/]*$/, ''))}
tmp=$(mktemp ${q(`${KUBEADM_CONFIG_PATH}.XXXXXX`)})
cat > "$tmp"; chmod 0600 "$tmp"; mv -f "$tmp" ${q(KUBEADM_CONFIG_PATH)}`,
      stdin: Buffer.from(config),
      unchangedExitCode: UNCHANGED,
    },
  };
}

/**
 * Right after `delete cluster` (kubeadm reset) the old control plane's containers can still be
 * shutting down and holding their ports; kubeadm's preflight would then fail the init. Waits up to
 * 60 s for the ports to close; kubeadm's own check names any port still held after that.
 */
const CONTROL_PLANE_PORTS_FREE = `for port in 6443 10250 10257 10259; do
  for i in $(seq 1 60); do
    timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null || break
    [ "$i" = 1 ] && echo "port $port is still in use (a previous control plane shutting down?): waiting up to 60 s"
    sleep 1
  done
done`;

const rootKubeconfig: StepTask = {
  task: 'root kubeconfig',
  description: `/root/.kube/config ← ${ADMIN_CONF} (0600, on this node)`,
  spec: script(`if cmp -s ${ADMIN_CONF} /root/.kube/config; then exit $UNCHANGED; fi
install -d -m 0700 /root/.kube && install -m 0600 ${ADMIN_CONF} /root/.kube/config`),
};

export const kubeadmInitStep: InstallStep = {
  name: 'kubeadm-init',
  title: 'kubeadm init on the first control plane',
  hosts: (m) => controlPlanes(m).slice(0, 1),
  stage: () => ({ mode: 'serial' }),
  plan(inputs): StepTask[] {
    const m = inputs.model;
    const host = initHost(inputs);
    const { token, certificateKey } = secrets(inputs);
    const ep = endpoint(m);
    const config = initConfig(m, {
      initHost: host,
      bootstrapToken: token,
      bootstrapTokenTTL: TOKEN_TTL,
      certificateKey,
      endpoint: ep,
      ...(ignored(m).length ? { ignorePreflightErrors: ignored(m) } : {}),
    });
    const pending = pendingJoins(inputs);
    const tasks: StepTask[] = [
      {
        task: 'write kubeadm config',
        spec: configUntil(ADMIN_CONF, config),
        description: `${KUBEADM_CONFIG_PATH} (0600: it holds the bootstrap token and certificate key), until the node is initialised`,
      },
      {
        task: 'kubeadm init',
        waitMs: 20 * 60_000,
        spec: script(
          `if [ -f ${ADMIN_CONF} ] && ${KUBECTL} get --raw /readyz >/dev/null 2>&1; then echo "already initialised"; exit $UNCHANGED; fi
${CONTROL_PLANE_PORTS_FREE}
kubeadm init --config ${KUBEADM_CONFIG_PATH} --upload-certs`,
          { timeoutMs: 15 * 60_000 },
        ),
        description: `kubeadm init --config ${KUBEADM_CONFIG_PATH} --upload-certs (skipped when the API server already answers)`,
      },
      rootKubeconfig,
    ];
    if (pending.length > 0) {
      // The token made at init lives 2 h and the uploaded certificates as long: a resumed or
      // later run that still has nodes to join makes sure both exist (same token, same key).
      tasks.push({
        task: 'bootstrap token',
        spec: script(`if kubeadm token list --kubeconfig ${ADMIN_CONF} -o jsonpath='{.token}{"\\n"}' 2>/dev/null | grep -qx ${q(token)}; then exit $UNCHANGED; fi
# Right after kubeadm init the list can come back empty while the token exists (seen once in a
# benchmark): "already exists" for this id means it is there.
if out=$(kubeadm token create ${q(token)} --ttl ${TOKEN_TTL} --kubeconfig ${ADMIN_CONF} --description 'kk: joins the cluster nodes' 2>&1); then
  echo "bootstrap token ${token.split('.')[0]} created"; exit 0
fi
if printf '%s' "$out" | grep -q 'already exists'; then echo "bootstrap token ${token.split('.')[0]} exists"; exit $UNCHANGED; fi
printf '%s\n' "$out" >&2
exit 1`),
        description: `bootstrap token ${token.split('.')[0]}.… exists (${pending.length} node(s) to join)`,
      });
      if (pending.some((h) => controlPlanes(m).includes(h))) {
        tasks.push({
          task: 'upload certificates',
          spec: script(
            `kubeadm init phase upload-certs --upload-certs --config ${KUBEADM_CONFIG_PATH} >/dev/null && echo "control-plane certificates uploaded"`,
          ),
          description: 'kubeadm init phase upload-certs (for the control planes still to join)',
        });
      }
    }
    return tasks;
  },
};

function joinTasks(inputs: StepInputs, host: string, controlPlane: boolean): StepTask[] {
  const m = inputs.model;
  const { token, certificateKey } = secrets(inputs);
  const ep = endpoint(m);
  const first = initHost(inputs);
  const config = joinConfig(m, host, {
    bootstrapToken: token,
    caCertHashes: [caCertHash(inputs.pki('kubernetes.crt'))],
    endpoint: ep,
    ...(controlPlane ? { certificateKey } : {}),
    ...(ignored(m).length ? { ignorePreflightErrors: ignored(m) } : {}),
  });
  const tasks: StepTask[] = [];
  const viaHaproxy = !controlPlane && haproxyHosts(m).includes(host);
  if (controlPlane || viaHaproxy) {
    // Until it has its own API server (a control plane) or its haproxy runs (started by the
    // kubelet the join starts), the node reaches the first control plane.
    tasks.push({
      task: 'endpoint for joining',
      spec: script(
        `[ -f /etc/kubernetes/kubelet.conf ] && exit $UNCHANGED\n${endpointScript(`${ENDPOINT_BEGIN}\n${inputs.ipv4(first)} ${ep.host}\n${ENDPOINT_END}\n`)}`,
      ),
      description: `${ep.host} → ${inputs.ipv4(first)} (${first}) until joined`,
    });
  }
  tasks.push(
    {
      // kubeadm would retry discovery for minutes before saying why; this names the endpoint at once.
      task: 'reach the API server',
      description: `${ep.host}:${ep.port} answers from this node (skipped when already joined)`,
      spec: script(`[ -f /etc/kubernetes/kubelet.conf ] && exit $UNCHANGED
addr=$(getent hosts ${q(ep.host)} | awk '{print $1; exit}')
[ -n "$addr" ] || { echo "cannot resolve ${ep.host} (the os step writes it into /etc/hosts)" >&2; exit 1; }
for i in 1 2 3; do
  timeout 10 bash -c "exec 3<>/dev/tcp/$addr/${ep.port}" 2>/dev/null && { echo "${ep.host}:${ep.port} ($addr) reachable"; exit $UNCHANGED; }
  sleep 2
done
echo "this node cannot reach the API server at ${ep.host}:${ep.port} ($addr): check routes and firewalls between it and the control plane" >&2
exit 1`),
    },
    {
      task: 'write kubeadm config',
      spec: configUntil('/etc/kubernetes/kubelet.conf', config),
      description: `${KUBEADM_CONFIG_PATH} (JoinConfiguration, 0600), until the node has joined`,
    },
    {
      task: 'kubeadm join',
      waitMs: 20 * 60_000,
      spec: script(
        `if [ -f /etc/kubernetes/kubelet.conf ]; then echo "already joined"; exit $UNCHANGED; fi
kubeadm join --config ${KUBEADM_CONFIG_PATH}`,
        { timeoutMs: 15 * 60_000 },
      ),
      description: `kubeadm join --config ${KUBEADM_CONFIG_PATH} (skipped when already joined)`,
    },
  );
  if (controlPlane) {
    tasks.push(
      { task: 'endpoint in /etc/hosts', spec: script(endpointScript(endpointBlock(m, host))), description: `${ep.host} → its own API server` },
      rootKubeconfig,
    );
  } else {
    if (viaHaproxy) {
      tasks.push(
        { task: 'local haproxy', spec: script(haproxyReadyScript(m)), waitMs: 240_000, description: 'the haproxy static pod answers its health check' },
        { task: 'endpoint in /etc/hosts', spec: script(endpointScript(endpointBlock(m, host))), description: `${ep.host} → 127.0.0.1 (the local haproxy)` },
      );
    }
    const node = nodeName(m, host);
    tasks.push({
      task: 'worker label',
      delegateTo: first,
      spec: script(`# a freshly joined kubelet registers its Node a moment after kubeadm join returns
for i in $(seq 1 60); do ${KUBECTL} get node ${q(node)} >/dev/null 2>&1 && break; sleep 2; done
if ${KUBECTL} get node ${q(node)} -o jsonpath='{.metadata.labels}' | grep -q '"node-role.kubernetes.io/worker"'; then exit $UNCHANGED; fi
${KUBECTL} label node ${q(node)} node-role.kubernetes.io/worker= --overwrite`),
      description: `on ${first}: label ${node} node-role.kubernetes.io/worker=`,
    });
  }
  return tasks;
}

export const kubeadmJoinControlPlaneStep: InstallStep = {
  name: 'kubeadm-join-control-plane',
  title: 'join the other control planes, one at a time',
  hosts: (m) => controlPlanes(m).slice(1),
  stage: () => ({ mode: 'serial' }),
  plan: (inputs, host) => joinTasks(inputs, host, true),
};

export const kubeadmJoinWorkerStep: InstallStep = {
  name: 'kubeadm-join-worker',
  title: 'join the workers',
  hosts: (m) => k8sHosts(m).filter((h) => !controlPlanes(m).includes(h)),
  stage: () => ({ mode: 'parallel' }),
  plan: (inputs, host) => joinTasks(inputs, host, false),
};

/** After the run: the run's bootstrap token is deleted, so no join credential outlives the install. */
export const kubeadmTokenCleanupStep: InstallStep = {
  name: 'kubeadm-token-cleanup',
  title: "delete the run's bootstrap token",
  hosts: (m) => controlPlanes(m).slice(0, 1),
  stage: () => ({ mode: 'serial' }),
  plan(inputs): StepTask[] {
    const id = secrets(inputs).token.split('.')[0]!;
    return [
      {
        task: 'delete bootstrap token',
        always: true,
        spec: script(`if ! kubeadm token list --kubeconfig ${ADMIN_CONF} -o jsonpath='{.token}{"\\n"}' 2>/dev/null | grep -q ${q(`^${id}\\.`)}; then exit $UNCHANGED; fi
kubeadm token delete ${q(id)} --kubeconfig ${ADMIN_CONF}`),
        description: `kubeadm token delete ${id}`,
      },
    ];
  },
};
