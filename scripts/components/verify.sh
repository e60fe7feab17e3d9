#!/usr/bin/env bash
# Checks the binaries scripts/components/build.sh produced: each one runs and reports the version
# pinned in versions.env, and none needs a shared library (they are copied onto bare nodes).
#
#   scripts/components/verify.sh [component ...]     (default: all)
#
# Exits non-zero, naming every mismatch, when any check fails.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$HERE/versions.env"
OUT="${KK_COMPONENTS_DIR:-/var/cache/kk-components}/build"
ALL=(kubernetes pause etcd containerd runc crictl helm cni-plugins coredns flannel flannel-cni-plugin flannel-chart registry)
CNI_PLUGINS="bridge dummy host-device ipvlan loopback macvlan ptp tap vlan dhcp host-local static bandwidth firewall portmap sbr tuning vrf"

FAILED=0
PASSED=0
ok() { PASSED=$((PASSED + 1)); printf 'ok    %s\n' "$*"; }
bad() { FAILED=$((FAILED + 1)); printf 'FAIL  %s\n' "$*" >&2; }

# run DIR BIN ARGS...: prints the combined output of DIR/BIN ARGS (exit status kept in RC).
RC=0
run() {
  local dir=$1 bin=$2 o
  shift 2
  RC=0
  o=$(timeout 60 "$dir/$bin" "$@" 2>&1) || RC=$?
  printf '%s' "$o"
}

# expect COMPONENT DIR BIN WANT ARGS...: the output of DIR/BIN ARGS must contain WANT and the command must succeed.
expect() {
  local comp=$1 dir=$2 bin=$3 want=$4 o
  shift 4
  if [[ ! -x $dir/$bin ]]; then bad "$comp: $dir/$bin missing"; return; fi
  o=$(run "$dir" "$bin" "$@"; echo "#rc=$RC")
  local rc=${o##*#rc=}
  o=${o%#rc=*}
  if [[ $rc != 0 ]]; then
    bad "$comp: '$bin $*' exited $rc: $(printf '%s' "$o" | head -n 3 | tr '\n' ' ')"
  elif [[ $o != *"$want"* ]]; then
    bad "$comp: '$bin $*' printed '$(printf '%s' "$o" | head -n 3 | tr '\n' ' ')', expected it to contain '$want'"
  else
    ok "$comp: $bin $* -> $(printf '%s' "$o" | grep -F -m1 -- "$want")"
  fi
}

# exact COMPONENT DIR BIN WANT ARGS...: the (trimmed) output must equal WANT.
exact() {
  local comp=$1 dir=$2 bin=$3 want=$4 o
  shift 4
  if [[ ! -x $dir/$bin ]]; then bad "$comp: $dir/$bin missing"; return; fi
  o=$(run "$dir" "$bin" "$@"; echo "#rc=$RC")
  local rc=${o##*#rc=}
  o=${o%#rc=*}
  o=$(printf '%s' "$o" | sed -e 's/[[:space:]]*$//')
  if [[ $rc != 0 ]]; then
    bad "$comp: '$bin $*' exited $rc: $(printf '%s' "$o" | head -n 3 | tr '\n' ' ')"
  elif [[ $o != "$want" ]]; then
    bad "$comp: '$bin $*' printed '$o', expected '$want'"
  else
    ok "$comp: $bin $* -> $o"
  fi
}

# static COMPONENT DIR BIN...: no shared-library dependencies.
static() {
  local comp=$1 dir=$2 b
  shift 2
  command -v readelf >/dev/null || { bad "$comp: readelf not found (apt-get install binutils)"; return; }
  for b; do
    [[ -f $dir/$b ]] || continue
    if readelf -d "$dir/$b" 2>/dev/null | grep -q '(NEEDED)'; then
      bad "$comp: $b is dynamically linked ($(readelf -d "$dir/$b" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | tr '\n' ' '))"
    elif readelf -l "$dir/$b" 2>/dev/null | grep -q 'INTERP'; then
      bad "$comp: $b has a program interpreter (not static)"
    fi
  done
}

built() { # built COMPONENT VERSION: prints the build directory, or fails the check
  local d="$OUT/$1/$2"
  if [[ ! -f $d/build.json ]]; then
    bad "$1: no finished build at $d (run scripts/components/build.sh $1)"
    return 1
  fi
  printf '%s\n' "$d"
}

verify_kubernetes() {
  local d b
  d=$(built kubernetes "$KUBERNETES_VERSION") || return 0
  exact kubernetes "$d" kubeadm "$KUBERNETES_VERSION" version -o short
  exact kubernetes "$d" kubelet "Kubernetes $KUBERNETES_VERSION" --version
  expect kubernetes "$d" kubectl "Client Version: $KUBERNETES_VERSION" version --client
  for b in kube-apiserver kube-controller-manager kube-scheduler kube-proxy; do
    exact kubernetes "$d" "$b" "Kubernetes $KUBERNETES_VERSION" --version
  done
  expect kubernetes "$d" kubeadm "GitCommit:\"$KUBERNETES_GIT_COMMIT\", GitTreeState:\"clean\"" version
  expect kubernetes "$d" agnhost "netexec" --help
  exact kubernetes "$d" agnhost "app version $AGNHOST_VERSION" --version
  static kubernetes "$d" kubeadm kubelet kubectl kube-apiserver kube-controller-manager kube-scheduler kube-proxy agnhost
}

verify_pause() {
  local d
  d=$(built pause "$PAUSE_VERSION") || return 0
  expect pause "$d" pause "pause.c v$PAUSE_VERSION" -v
  static pause "$d" pause
}

verify_etcd() {
  local d
  d=$(built etcd "$ETCD_VERSION") || return 0
  expect etcd "$d" etcd "etcd Version: ${ETCD_VERSION#v}" --version
  expect etcd "$d" etcd "Git SHA: $ETCD_GIT_SHA" --version
  expect etcd "$d" etcdctl "etcdctl version: ${ETCD_VERSION#v}" version
  expect etcd "$d" etcdutl "etcdutl version: ${ETCD_VERSION#v}" version
  static etcd "$d" etcd etcdctl etcdutl
}

verify_containerd() {
  local d
  d=$(built containerd "$CONTAINERD_VERSION") || return 0
  exact containerd "$d" containerd "containerd github.com/containerd/containerd $CONTAINERD_VERSION $CONTAINERD_REVISION" --version
  expect containerd "$d" ctr "ctr github.com/containerd/containerd $CONTAINERD_VERSION" --version
  expect containerd "$d" containerd-shim-runc-v2 "Version:  $CONTAINERD_VERSION" -v
  static containerd "$d" containerd containerd-shim-runc-v2 ctr
}

verify_runc() {
  local d
  d=$(built runc "$RUNC_VERSION") || return 0
  expect runc "$d" runc "runc version ${RUNC_VERSION#v}" --version
  expect runc "$d" runc "commit: $RUNC_GIT_COMMIT" --version
  expect runc "$d" runc "libseccomp: " --version
  static runc "$d" runc
}

verify_crictl() {
  local d
  d=$(built crictl "$CRICTL_VERSION") || return 0
  exact crictl "$d" crictl "crictl version $CRICTL_VERSION" --version
  static crictl "$d" crictl
}

verify_helm() {
  local d
  d=$(built helm "$HELM_VERSION") || return 0
  exact helm "$d" helm "$HELM_VERSION" version --template '{{.Version}}'
  expect helm "$d" helm "Version:\"$HELM_VERSION\", GitCommit:\"$HELM_GIT_COMMIT\", GitTreeState:\"clean\"" version
  static helm "$d" helm
}

verify_cni_plugins() {
  local d p o rc
  d=$(built cni-plugins "$CNI_PLUGINS_VERSION") || return 0
  for p in $CNI_PLUGINS; do
    if [[ ! -x $d/$p ]]; then bad "cni-plugins: $d/$p missing"; continue; fi
    rc=0
    o=$(CNI_COMMAND=VERSION timeout 20 "$d/$p" </dev/null 2>&1) || rc=$?
    if [[ $rc != 0 || $o != *'"supportedVersions"'* ]]; then
      bad "cni-plugins: CNI_COMMAND=VERSION $p exited $rc and printed '$o'"
      continue
    fi
    # Without CNI_COMMAND a plugin prints its "about" line carrying the stamped BuildVersion.
    o=$(env -u CNI_COMMAND timeout 20 "$d/$p" </dev/null 2>&1 || true)
    if [[ $o != *"$CNI_PLUGINS_VERSION"* ]]; then
      bad "cni-plugins: $p does not report $CNI_PLUGINS_VERSION (printed '$o')"
      continue
    fi
    ok "cni-plugins: $p VERSION -> $(printf '%s' "$o" | head -n 1)"
  done
  local plist=()
  read -ra plist <<<"$CNI_PLUGINS"
  static cni-plugins "$d" "${plist[@]}"
}

verify_coredns() {
  local d
  d=$(built coredns "$COREDNS_VERSION") || return 0
  expect coredns "$d" coredns "CoreDNS-${COREDNS_VERSION#v}" -version
  static coredns "$d" coredns
}

verify_registry() {
  local d
  d=$(built registry "$DISTRIBUTION_VERSION") || return 0
  expect registry "$d" registry "github.com/distribution/distribution/v3 $DISTRIBUTION_VERSION" --version
  static registry "$d" registry
}

verify_flannel() {
  local d
  d=$(built flannel "$FLANNEL_VERSION") || return 0
  exact flannel "$d" flanneld "$FLANNEL_VERSION" --version
  static flannel "$d" flanneld
}

verify_flannel_cni_plugin() {
  local d o rc=0
  d=$(built flannel-cni-plugin "$FLANNEL_CNI_PLUGIN_VERSION") || return 0
  if [[ ! -x $d/flannel ]]; then bad "flannel-cni-plugin: $d/flannel missing"; return 0; fi
  o=$(CNI_COMMAND=VERSION timeout 20 "$d/flannel" </dev/null 2>&1) || rc=$?
  if [[ $rc != 0 || $o != *'"supportedVersions"'* || $o != *'"0.3.1"'* ]]; then
    bad "flannel-cni-plugin: CNI_COMMAND=VERSION flannel exited $rc and printed '$o'"
  else
    ok "flannel-cni-plugin: flannel VERSION -> $o"
  fi
  expect flannel-cni-plugin "$d" flannel "CNI flannel plugin $FLANNEL_CNI_PLUGIN_VERSION"
  static flannel-cni-plugin "$d" flannel
}

verify_flannel_chart() {
  local d h o
  d=$(built flannel-chart "$FLANNEL_VERSION") || return 0
  if [[ ! -s $d/flannel.tgz ]]; then bad "flannel-chart: $d/flannel.tgz missing"; return 0; fi
  h="$OUT/helm/$HELM_VERSION/helm"
  if [[ -x $h ]]; then
    o=$(HELM_CACHE_HOME=$(mktemp -d) HELM_CONFIG_HOME=$(mktemp -d) "$h" show chart "$d/flannel.tgz" 2>&1 || true)
  else
    o=$(tar -xzOf "$d/flannel.tgz" flannel/Chart.yaml 2>&1 || true)
  fi
  if [[ $o == *"name: flannel"* && $o == *"version: $FLANNEL_VERSION"* ]]; then
    ok "flannel-chart: flannel.tgz is chart flannel $FLANNEL_VERSION"
  else
    bad "flannel-chart: flannel.tgz is not chart flannel $FLANNEL_VERSION: $(printf '%s' "$o" | tr '\n' ' ')"
  fi
}

comps=("$@")
if ((${#comps[@]} == 0)); then comps=("${ALL[@]}"); fi
for c in "${comps[@]}"; do
  fn="verify_${c//-/_}"
  declare -F "$fn" >/dev/null || { bad "unknown component '$c' (known: ${ALL[*]})"; continue; }
  "$fn"
done

echo "$PASSED passed, $FAILED failed"
if ((FAILED > 0)); then
  echo "verify: $FAILED check(s) failed (see FAIL lines above)" >&2
  exit 1
fi
