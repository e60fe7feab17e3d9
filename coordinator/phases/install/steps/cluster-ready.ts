// The end of an install (docs/install.md): every node Ready — each host asks the API server about
// itself with its kubelet's own credentials, so a node that does not become Ready is named with
// its kubelet's last errors — and CoreDNS answering a query for the API service's name.
import { getString } from '../../../inventory/vars';
import { nodeName } from '../kubeadm/config';
import { script, type InstallStep, type StepTask } from '../step';
import { hostsIn, q } from './common';

/** How long a node may take to become Ready (image pulls, CNI start). */
export const READY_TIMEOUT_S = 600;

/**
 * A DNS query over TCP written in bash (nodes need no dig or nslookup): A record of `name` from
 * `server`; prints the answer count and exits 0 when the server answered NOERROR with ≥ 1 answer.
 */
export function dnsQueryScript(server: string, port: number, name: string): string {
  return `dns_query() {
  local qname="" label
  for label in $(printf '%s' ${q(name)} | tr '.' ' '); do qname+=$(printf '\\\\x%02x' "\${#label}")"$label"; done
  local body="\\\\x4b\\\\x4b\\\\x01\\\\x00\\\\x00\\\\x01\\\\x00\\\\x00\\\\x00\\\\x00\\\\x00\\\\x00\${qname}\\\\x00\\\\x00\\\\x01\\\\x00\\\\x01"
  local len=$(( $(printf "$body" | wc -c) ))
  exec 3<>/dev/tcp/${server}/${port} || return 1
  printf "\\\\x$(printf '%02x' $((len / 256)))\\\\x$(printf '%02x' $((len % 256)))$body" >&3
  local reply
  reply=$(timeout 5 od -An -tx1 -N 14 <&3 | tr -s ' \\n' ' ')
  exec 3<&- 3>&-
  set -- $reply
  # reply: 2 length bytes, id, flags (rcode in the low nibble of the 2nd flag byte), qd, an
  [ "$#" -ge 10 ] || return 1
  [ "$3$4" = 4b4b ] || return 1
  [ $(( 0x$6 & 0x0f )) -eq 0 ] || return 1
  local answers=$(( 0x$9 * 256 + 0x\${10} ))
  echo "$answers answer(s) for ${name} from ${server}"
  [ "$answers" -gt 0 ]
}`;
}

export const clusterReadyStep: InstallStep = {
  name: 'cluster-ready',
  title: 'every node Ready, CoreDNS answering',
  hosts: (m) => hostsIn(m, 'k8s_cluster'),
  stage: () => ({ mode: 'parallel' }),
  plan(inputs, host): StepTask[] {
    const node = nodeName(inputs.model, host);
    const get = `kubectl --kubeconfig /etc/kubernetes/kubelet.conf get node ${q(node)}`;
    return [
      {
        task: 'node Ready',
        always: true,
        waitMs: (READY_TIMEOUT_S + 60) * 1000,
        description: `${node} reports Ready (up to ${READY_TIMEOUT_S / 60} minutes)`,
        spec: script(
          `for i in $(seq 1 ${READY_TIMEOUT_S / 5}); do
  ready=$(${get} -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null || true)
  [ "$ready" = True ] && { echo "${node} is Ready"; exit $UNCHANGED; }
  sleep 5
done
echo "${node} did not become Ready in ${READY_TIMEOUT_S}s" >&2
${get} -o jsonpath='{range .status.conditions[*]}{.type}={.status} {.reason}: {.message}{"\\n"}{end}' >&2 2>/dev/null || echo "the API server does not know node ${node}" >&2
echo "kubelet's last errors:" >&2
journalctl -u kubelet --no-pager -n 400 2>/dev/null | grep -E ' E[0-9]{4} |error|failed' | tail -n 8 >&2 || true
exit 1`,
          { timeoutMs: (READY_TIMEOUT_S + 30) * 1000 },
        ),
      },
    ];
  },
  gate(inputs) {
    const m = inputs.model;
    const first = hostsIn(m, 'kube_control_plane')[0]!;
    const ip = getString(m.vars, 'dns.coredns.ip') ?? '10.233.0.3';
    const domain = getString(m.vars, 'dns.domain') ?? 'cluster.local';
    const name = `kubernetes.default.svc.${domain}`;
    return {
      host: first,
      task: {
        task: 'coredns answers',
        description: `CoreDNS at ${ip} resolves ${name} (from ${first})`,
        spec: script(
          `${dnsQueryScript(ip, 53, name)}
for i in $(seq 1 60); do dns_query && exit $UNCHANGED; sleep 5; done
echo "CoreDNS at ${ip} did not answer for ${name} in 300s" >&2
kubectl --kubeconfig /etc/kubernetes/admin.conf -n kube-system get pods -l k8s-app=kube-dns -o wide >&2 || true
exit 1`,
          { timeoutMs: 330_000 },
        ),
        waitMs: 360_000,
      },
    };
  },
};
