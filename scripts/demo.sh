#!/usr/bin/env bash
# make demo: a coordinator on this host, three systemd test machines, each joined with the real
# one-liner, then the node list and a live precheck report. `make demo-down` removes it all.
set -euo pipefail
cd "$(dirname "$0")/.."
DEMO=${KK_DEMO_DIR:-/tmp/kk-demo}
TESTBED=scripts/testbed/testbed.sh
HOST_IP=10.213.0.1
KK="$PWD/bin/kk-coordinator"

down() {
  if [[ -f $DEMO/coordinator.pid ]]; then
    kill "$(cat "$DEMO/coordinator.pid")" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$(cat "$DEMO/coordinator.pid")" 2>/dev/null || break; sleep 0.2; done
  fi
  bash "$TESTBED" down
  rm -rf "$DEMO"
  echo "demo removed"
}

if [[ ${1:-} == down ]]; then down; exit 0; fi
[[ $(id -u) -eq 0 ]] || { echo "make demo needs root (it boots systemd-nspawn machines)" >&2; exit 1; }
if [[ -f $DEMO/coordinator.pid ]] && kill -0 "$(cat "$DEMO/coordinator.pid")" 2>/dev/null; then
  echo "a demo is already running: make demo-down first" >&2; exit 1
fi

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

MANIFEST=${KK_COMPONENTS_DIR:-/var/cache/kk-components}/manifest.json
[[ -f $MANIFEST ]] || { echo "make demo installs a real cluster from the test components: run make components first (about 17 minutes once)" >&2; exit 1; }
T0=$(date +%s)
lap() { echo "   ($(( $(date +%s) - T0 ))s since the start)"; }

step "booting 3 test machines that can run a kubelet (systemd-nspawn, Debian; the first run builds the image)"
bash "$TESTBED" up 3 --kube
# KubeKey's os step installs these when missing; the machines are offline, so they come from the host's apt.
for n in node1 node2 node3; do bash "$TESTBED" install-debs "$n" socat conntrack ipset ebtables chrony ipvsadm >/dev/null; done
lap
mkdir -p "$DEMO"

step "starting the coordinator on $HOST_IP (log: $DEMO/coordinator.log)"
KK_LOG_FORMAT=json $KK serve --data-dir "$DEMO/data" --listen-address "$HOST_IP" --advertise-address "$HOST_IP" >"$DEMO/coordinator.log" 2>&1 &
echo $! > "$DEMO/coordinator.pid"
for _ in $(seq 1 100); do
  grep -q 'coordinator ready' "$DEMO/coordinator.log" 2>/dev/null && break
  kill -0 "$(cat "$DEMO/coordinator.pid")" 2>/dev/null || { cat "$DEMO/coordinator.log" >&2; exit 1; }
  sleep 0.2
done

step "kk-coordinator token create"
LINE=$($KK token create --data-dir "$DEMO/data" --ttl 1h)
echo "$LINE"

for n in node1 node2 node3; do
  step "on $n, as root: the one-liner above"
  bash "$TESTBED" exec "$n" sh -c "$LINE"
done

step "kk-coordinator nodes"
$KK nodes --data-dir "$DEMO/data"

cat > "$DEMO/inventory.yaml" <<YAML
apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
metadata:
  name: demo
spec:
  hosts:
    node1: { internal_ipv4: 10.213.0.11 }
    node2: { internal_ipv4: 10.213.0.12 }
    node3: { internal_ipv4: 10.213.0.13 }
  groups:
    kube_control_plane: { hosts: [node1] }
    kube_worker: { hosts: [node2, node3] }
    k8s_cluster: { groups: [kube_control_plane, kube_worker] }
    etcd: { hosts: [node1] }
    image_registry: { hosts: [node3] }
YAML
# The config: the component versions the bundle holds, plus what these machines need (README of
# scripts/testbed): no IPVS in this kernel, no conntrack sizing or clock setting from a container.
node -e '
const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const c = m.config;
c.kubernetes = { ...c.kubernetes, kube_proxy: { mode: "iptables", config: { conntrack: { maxPerCore: 0 } } } };
c.native = { ntp: { enabled: false, servers: [] }, timezone: "" };
c.cri = { ...c.cri, containerd: { config: { plugins: { "io.containerd.grpc.v1.cri": { restrict_oom_score_adj: true } } } } };
process.stdout.write("apiVersion: kubekey.kubesphere.io/v1\nkind: Config\nspec: " + JSON.stringify(c) + "\n");
' "$MANIFEST" > "$DEMO/config.yaml"
ARTIFACT=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).artifact)' "$MANIFEST")
lap

step "kk-coordinator precheck -i inventory.yaml -c config.yaml   (live, against the three agents)"
$KK precheck --data-dir "$DEMO/data" -i "$DEMO/inventory.yaml" -c "$DEMO/config.yaml" || true
lap

step "kk-coordinator create cluster -i inventory.yaml -c config.yaml --artifact $(basename "$ARTIFACT") -y   (offline)"
( cd "$DEMO" && $KK create cluster --data-dir "$DEMO/data" -i inventory.yaml -c config.yaml --artifact "$ARTIFACT" -y )
lap

step "kubectl --kubeconfig $DEMO/kubeconfig get nodes -o wide"
"$(dirname "$ARTIFACT")/bin/kubectl" --kubeconfig "$DEMO/kubeconfig" get nodes -o wide
"$(dirname "$ARTIFACT")/bin/kubectl" --kubeconfig "$DEMO/kubeconfig" get pods -A
lap

cat <<MSG

The demo keeps running: a Kubernetes cluster on three machines. Try:
  $(dirname "$ARTIFACT")/bin/kubectl --kubeconfig $DEMO/kubeconfig get pods -A -o wide
  $KK runs --data-dir $DEMO/data                       # the run, and how long each phase took
  (cd $DEMO && $KK create cluster --data-dir $DEMO/data -i inventory.yaml -c config.yaml --artifact $ARTIFACT -y)   # again: changes nothing
  (cd $DEMO && $KK delete cluster --data-dir $DEMO/data -i inventory.yaml -c config.yaml --all --with-data -y)     # back to bare machines
  $KK nodes --data-dir $DEMO/data -o wide
  $KK facts node2 --data-dir $DEMO/data
  $KK precheck --data-dir $DEMO/data -i $DEMO/inventory.yaml -c $DEMO/config.yaml --watch
  bash $TESTBED exec node1 bash          # a shell on a machine
Remove it with: make demo-down
MSG
