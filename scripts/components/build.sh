#!/usr/bin/env bash
# Builds the upstream Kubernetes components kk installs from their published Go modules
# (the Go module proxy; no prebuilt binaries). Pins: versions.env. Wrapper modules: go/<component>/.
#
#   scripts/components/build.sh [component ...]     (default: all, in dependency order)
#
# Output: ${KK_COMPONENTS_DIR:-/var/cache/kk-components}/build/<component>/<version>/ holding the
# binaries and build.json {"component","version","seconds","recipe"}. The recipe is the sha256 of the
# component's versions.env lines, its wrapper go.mod/go.sum, its build function (all flags) and the
# toolchain versions (go, gcc); a finished build with the same recipe is skipped ("cached"). Each build runs in
# a temporary directory that is renamed into place only when it is complete.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VERSIONS="$HERE/versions.env"
OUT="${KK_COMPONENTS_DIR:-/var/cache/kk-components}/build"

# shellcheck source=versions.env
source "$VERSIONS"

export PATH="/usr/local/go/bin:$PATH"
export GOTOOLCHAIN=local
case " ${GOFLAGS:-} " in
  *" -buildvcs=false "*) ;;
  *) export GOFLAGS="${GOFLAGS:+$GOFLAGS }-buildvcs=false" ;;
esac

# Dependency order: flannel-chart is packaged with the helm built here.
ALL=(kubernetes pause etcd containerd runc crictl helm cni-plugins coredns flannel flannel-cni-plugin flannel-chart registry)

log() { printf '[components] %s\n' "$*" >&2; }
die() { printf '[components] ERROR: %s\n' "$*" >&2; exit 1; }

CURRENT=""
TMP=""
on_exit() {
  local rc=$?
  if [[ -n $TMP ]]; then rm -rf "$TMP"; fi
  if ((rc != 0)) && [[ -n $CURRENT ]]; then
    printf '[components] ERROR: building %s failed (exit %d); nothing was installed for it\n' "$CURRENT" "$rc" >&2
  fi
}
trap on_exit EXIT

command -v go >/dev/null || die "go not found (expected at /usr/local/go/bin)"

# meta COMPONENT: sets C_VERSION, C_KEYS (versions.env keys in its recipe), C_MOD (wrapper module dir or
# empty) and C_BINS (files the finished build must contain).
meta() {
  C_MOD=""
  case $1 in
    kubernetes)
      C_VERSION=$KUBERNETES_VERSION
      C_KEYS="KUBERNETES_VERSION KUBERNETES_STAGING_VERSION KUBERNETES_GIT_COMMIT AGNHOST_VERSION"
      C_MOD=kubernetes
      C_BINS="kubeadm kubelet kubectl kube-apiserver kube-controller-manager kube-scheduler kube-proxy agnhost" ;;
    pause)
      C_VERSION=$PAUSE_VERSION
      C_KEYS="PAUSE_VERSION KUBERNETES_VERSION"
      C_BINS="pause" ;;
    etcd)
      C_VERSION=$ETCD_VERSION
      C_KEYS="ETCD_VERSION ETCD_GIT_SHA"
      C_MOD=etcd
      C_BINS="etcd etcdctl etcdutl" ;;
    containerd)
      C_VERSION=$CONTAINERD_VERSION
      C_KEYS="CONTAINERD_VERSION CONTAINERD_REVISION"
      C_MOD=containerd
      C_BINS="containerd containerd-shim-runc-v2 ctr" ;;
    runc)
      C_VERSION=$RUNC_VERSION
      C_KEYS="RUNC_VERSION RUNC_GIT_COMMIT"
      C_MOD=runc
      C_BINS="runc" ;;
    crictl)
      C_VERSION=$CRICTL_VERSION
      C_KEYS="CRICTL_VERSION"
      C_MOD=crictl
      C_BINS="crictl" ;;
    helm)
      C_VERSION=$HELM_VERSION
      C_KEYS="HELM_VERSION HELM_GIT_COMMIT"
      C_MOD=helm
      C_BINS="helm" ;;
    cni-plugins)
      C_VERSION=$CNI_PLUGINS_VERSION
      C_KEYS="CNI_PLUGINS_VERSION"
      C_MOD=cni-plugins
      C_BINS="$CNI_PLUGINS" ;;
    coredns)
      C_VERSION=$COREDNS_VERSION
      C_KEYS="COREDNS_VERSION COREDNS_GIT_COMMIT"
      C_MOD=coredns
      C_BINS="coredns" ;;
    flannel)
      C_VERSION=$FLANNEL_VERSION
      C_KEYS="FLANNEL_VERSION"
      C_MOD=flannel
      C_BINS="flanneld" ;;
    flannel-cni-plugin)
      C_VERSION=$FLANNEL_CNI_PLUGIN_VERSION
      C_KEYS="FLANNEL_CNI_PLUGIN_MODULE FLANNEL_CNI_PLUGIN_VERSION"
      C_MOD=flannel-cni-plugin
      C_BINS="flannel" ;;
    flannel-chart)
      C_VERSION=$FLANNEL_VERSION
      C_KEYS="FLANNEL_VERSION HELM_VERSION"
      C_MOD=flannel
      C_BINS="flannel.tgz" ;;
    registry)
      C_VERSION=$DISTRIBUTION_VERSION
      C_KEYS="DISTRIBUTION_VERSION"
      C_MOD=registry
      C_BINS="registry" ;;
    *) die "unknown component '$1' (known: ${ALL[*]})" ;;
  esac
}

# The CNI plugin mains (plugins/{main,ipam,meta}/*, Linux ones) of github.com/containernetworking/plugins.
CNI_PLUGINS="bridge dummy host-device ipvlan loopback macvlan ptp tap vlan dhcp host-local static bandwidth firewall portmap sbr tuning vrf"

# mono_seconds: seconds on a monotonic clock (/proc/uptime; this machine's wall clock can step by hours
# during a build, which made bash's $SECONDS report negative durations).
mono_seconds() {
  local up
  if read -r up _ </proc/uptime 2>/dev/null; then printf '%s\n' "${up%%.*}"; else printf '%s\n' "$SECONDS"; fi
}

fn_of() { printf 'build_%s' "${1//-/_}"; }

recipe() {
  local comp=$1 k line
  {
    for k in $C_KEYS; do
      line=$(grep -E "^${k}=" "$VERSIONS") || die "$comp: $k missing from $VERSIONS"
      printf '%s\n' "$line"
    done
    if [[ -n $C_MOD ]]; then cat "$HERE/go/$C_MOD/go.mod" "$HERE/go/$C_MOD/go.sum"; fi
    declare -f "$(fn_of "$comp")"
    go version
    gcc --version 2>/dev/null | head -n 1 # cgo parts (runc, flannel) and pause
  } | sha256sum | cut -d' ' -f1
}

# mod_dir MODULE: downloads (checksum-verified) the version of MODULE the wrapper module (working
# directory) selects, and prints its directory (go list -m alone does not download the zip).
mod_dir() {
  local dir
  go mod download "$1" || die "could not download module $1 (wrapper $PWD)"
  dir=$(go list -m -f '{{.Dir}}' "$1")
  [[ -n $dir && -d $dir ]] || die "module $1 has no directory in the module cache (wrapper $PWD)"
  printf '%s\n' "$dir"
}

# modcache_dir MODULE@VERSION: downloads (checksum-verified) one module and prints its directory.
modcache_dir() {
  local dir
  dir=$(go mod download -json "$1" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [[ -n $dir && -d $dir ]] || die "could not download module $1"
  printf '%s\n' "$dir"
}

# ---------------------------------------------------------------------------------------------------
# Build functions: build_<component> OUTDIR, run with the wrapper module (if any) as working directory.
# Everything that shapes the binaries is spelled out in these bodies (they are part of the recipe).

build_kubernetes() {
  local out=$1 dir date major minor ld k v
  dir=$(mod_dir k8s.io/kubernetes)
  [[ "$(go list -m -f '{{.Version}}' k8s.io/kubernetes)" == "$KUBERNETES_VERSION" ]] ||
    die "kubernetes: wrapper go.mod does not require k8s.io/kubernetes $KUBERNETES_VERSION"
  v=$(tr -d '[:space:]' <"$dir/test/images/agnhost/VERSION")
  [[ $v == "$AGNHOST_VERSION" ]] || die "kubernetes: agnhost VERSION file says $v, versions.env pins $AGNHOST_VERSION"
  # Reproducible buildDate: the module's publication time.
  date=$(go list -m -f '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' k8s.io/kubernetes)
  major=${KUBERNETES_VERSION#v}; major=${major%%.*}
  minor=${KUBERNETES_VERSION#v*.}; minor=${minor%%.*}
  ld="-s -w"
  for k in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $k.gitVersion=$KUBERNETES_VERSION -X $k.gitMajor=$major -X $k.gitMinor=$minor"
    ld+=" -X $k.gitCommit=$KUBERNETES_GIT_COMMIT -X $k.gitTreeState=clean -X $k.buildDate=$date"
  done
  # agnhost's own version (test/images/agnhost/Makefile: -X 'main.Version=$(VERSION)'); no other
  # of these mains has a main.Version.
  ld+=" -X main.Version=$AGNHOST_VERSION"
  # Tags as upstream hack/lib/golang.sh uses for non-debug builds; all static (CGO off).
  CGO_ENABLED=0 go build -trimpath -tags selinux,notest,grpcnotrace -ldflags "$ld" -o "$out/" \
    k8s.io/kubernetes/cmd/kubeadm \
    k8s.io/kubernetes/cmd/kubelet \
    k8s.io/kubernetes/cmd/kubectl \
    k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler \
    k8s.io/kubernetes/cmd/kube-proxy \
    k8s.io/kubernetes/test/images/agnhost
}

build_pause() {
  local out=$1 dir
  command -v gcc >/dev/null || die "pause: gcc not found (apt-get install gcc libc6-dev)"
  dir=$(modcache_dir "k8s.io/kubernetes@$KUBERNETES_VERSION")
  # Upstream build/pause/Makefile: CFLAGS = -Os -Wall -Werror -static -DVERSION=v$(TAG)-$(REV),
  # REV being `git describe` of the checkout; here the Kubernetes tag the source came from.
  gcc -Os -Wall -Werror -static -DVERSION="v${PAUSE_VERSION}-${KUBERNETES_VERSION}" \
    -o "$out/pause" "$dir/build/pause/linux/pause.c"
  strip "$out/pause"
}

# require_mod MODULE VERSION: the wrapper module (working directory) must select exactly that version.
require_mod() {
  local got
  got=$(go list -m -f '{{.Version}}' "$1") || die "cannot resolve module $1 in the wrapper $PWD (not in its go.mod, or not downloadable: see go's message above)"
  [[ $got == "$2" ]] || die "wrapper $PWD selects $1 $got, versions.env pins $2"
}

build_etcd() {
  local out=$1 v
  require_mod go.etcd.io/etcd/server/v3 "$ETCD_VERSION"
  require_mod go.etcd.io/etcd/etcdctl/v3 "$ETCD_VERSION"
  require_mod go.etcd.io/etcd/etcdutl/v3 "$ETCD_VERSION"
  require_mod go.etcd.io/etcd/api/v3 "$ETCD_VERSION"
  v=$(sed -n 's/^[[:space:]]*Version[[:space:]]*= "\(.*\)"$/\1/p' "$(mod_dir go.etcd.io/etcd/api/v3)/version/version.go")
  [[ "v$v" == "$ETCD_VERSION" ]] || die "etcd: source says version $v, versions.env pins $ETCD_VERSION"
  # As etcd's scripts/build_lib.sh: static, GitSHA stamped into api/v3/version.
  CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$ETCD_GIT_SHA" -o "$out/" \
    go.etcd.io/etcd/server/v3 go.etcd.io/etcd/etcdctl/v3 go.etcd.io/etcd/etcdutl/v3
  # go names the server/v3 main "server".
  mv "$out/server" "$out/etcd"
}

build_containerd() {
  local out=$1 p=github.com/containerd/containerd
  require_mod "$p" "$CONTAINERD_VERSION"
  # Upstream Makefile tags (urfave_cli_no_docs; static release adds osusergo netgo static_build)
  # plus no_btrfs (btrfs needs cgo and libbtrfs headers); CGO off, so fully static like the shim.
  CGO_ENABLED=0 go build -trimpath -tags "urfave_cli_no_docs no_btrfs osusergo netgo static_build" \
    -ldflags "-s -w -X $p/version.Version=$CONTAINERD_VERSION -X $p/version.Revision=$CONTAINERD_REVISION -X $p/version.Package=$p" \
    -o "$out/" "$p/cmd/containerd" "$p/cmd/containerd-shim-runc-v2" "$p/cmd/ctr"
}

build_runc() {
  local out=$1
  require_mod github.com/opencontainers/runc "$RUNC_VERSION"
  [[ -f /usr/lib/x86_64-linux-gnu/libseccomp.a || -n $(find /usr/lib /usr/lib64 -name libseccomp.a 2>/dev/null | head -n 1) ]] ||
    die "runc: static libseccomp.a not found (apt-get install libseccomp-dev)"
  # Upstream Makefile "static" target: cgo (nsenter), seccomp, static PIE.
  CGO_ENABLED=1 go build -trimpath -buildmode=pie -tags "seccomp netgo osusergo" \
    -ldflags "-s -w -X main.version=${RUNC_VERSION#v} -X main.gitCommit=$RUNC_GIT_COMMIT -linkmode external -extldflags --static-pie" \
    -o "$out/runc" github.com/opencontainers/runc
}

build_crictl() {
  local out=$1
  require_mod sigs.k8s.io/cri-tools "$CRICTL_VERSION"
  CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=$CRICTL_VERSION" \
    -o "$out/" sigs.k8s.io/cri-tools/cmd/crictl
}

build_helm() {
  local out=$1 p=helm.sh/helm/v3 kv kmaj kmin
  require_mod "$p" "$HELM_VERSION"
  # As helm's Makefile: lint/chartutil know the Kubernetes version of the client-go they build with.
  kv=$(go list -m -f '{{.Version}}' k8s.io/client-go); kv=${kv#v}
  kmaj=$((${kv%%.*} + 1)); kmin=${kv#*.}; kmin=${kmin%%.*}
  CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X $p/internal/version.version=$HELM_VERSION -X $p/internal/version.metadata= -X $p/internal/version.gitCommit=$HELM_GIT_COMMIT -X $p/internal/version.gitTreeState=clean -X $p/pkg/lint/rules.k8sVersionMajor=$kmaj -X $p/pkg/lint/rules.k8sVersionMinor=$kmin -X $p/pkg/chartutil.k8sVersionMajor=$kmaj -X $p/pkg/chartutil.k8sVersionMinor=$kmin" \
    -o "$out/" "$p/cmd/helm"
}

build_cni_plugins() {
  local out=$1 p=github.com/containernetworking/plugins dir d names=() pkgs=() want=()
  require_mod "$p" "$CNI_PLUGINS_VERSION"
  dir=$(mod_dir "$p")
  for d in "$dir"/plugins/{main,ipam,meta}/*/; do
    d=${d%/}
    d=${d#"$dir/plugins/"}
    [[ $d == main/windows ]] && continue
    names+=("${d##*/}")
    pkgs+=("$p/plugins/$d")
  done
  read -ra want <<<"$CNI_PLUGINS"
  [[ "$(printf '%s\n' "${names[@]}" | sort)" == "$(printf '%s\n' "${want[@]}" | sort)" ]] ||
    die "cni-plugins: module has plugins [${names[*]}], build.sh lists [$CNI_PLUGINS]"
  # As upstream build_linux.sh: CGO off, static, BuildVersion stamped.
  CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -extldflags -static -X $p/pkg/utils/buildversion.BuildVersion=$CNI_PLUGINS_VERSION" \
    -o "$out/" "${pkgs[@]}"
}

build_coredns() {
  local out=$1 v
  require_mod github.com/coredns/coredns "$COREDNS_VERSION"
  v=$(sed -n 's/^[[:space:]]*CoreVersion[[:space:]]*= "\(.*\)"$/\1/p' "$(mod_dir github.com/coredns/coredns)/coremain/version.go")
  [[ "v$v" == "$COREDNS_VERSION" ]] || die "coredns: source says CoreVersion $v, versions.env pins $COREDNS_VERSION"
  # As upstream Makefile: CGO off, GitCommit stamped; the committed zplugin.go selects the default plugins.
  CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X github.com/coredns/coredns/coremain.GitCommit=$COREDNS_GIT_COMMIT" \
    -o "$out/coredns" github.com/coredns/coredns
}

build_flannel() {
  local out=$1
  require_mod github.com/flannel-io/flannel "$FLANNEL_VERSION"
  # As upstream Makefile on amd64: cgo on (UDP backend), static. Plus netgo/osusergo (as runc's static
  # build uses): a static glibc binary must not use glibc's NSS for DNS and user look-ups at run time.
  CGO_ENABLED=1 go build -trimpath -tags "netgo osusergo" \
    -ldflags "-s -w -X github.com/flannel-io/flannel/pkg/version.Version=$FLANNEL_VERSION -extldflags -static" \
    -o "$out/flanneld" github.com/flannel-io/flannel
}

build_flannel_cni_plugin() {
  local out=$1 p=$FLANNEL_CNI_PLUGIN_MODULE
  require_mod "$p" "$FLANNEL_CNI_PLUGIN_VERSION"
  # See versions.env: github.com/flannel-io/cni-plugin is not served by the module proxy; this is
  # the same plugin from its former home, plugins/meta/flannel, built like the other CNI plugins.
  CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -extldflags -static -X $p/pkg/utils/buildversion.BuildVersion=$FLANNEL_CNI_PLUGIN_VERSION" \
    -o "$out/flannel" "$p/plugins/meta/flannel"
}

build_flannel_chart() {
  local out=$1 helm dir work v
  require_mod github.com/flannel-io/flannel "$FLANNEL_VERSION"
  helm="$OUT/helm/$HELM_VERSION/helm"
  [[ -x $helm ]] || die "flannel-chart: $helm missing (build helm first)"
  dir=$(mod_dir github.com/flannel-io/flannel)
  [[ -f $dir/chart/kube-flannel/Chart.yaml ]] || die "flannel-chart: no chart/kube-flannel in the flannel module"
  v=$(sed -n 's/^version:[[:space:]]*//p' "$dir/chart/kube-flannel/Chart.yaml")
  [[ $v == "$FLANNEL_VERSION" ]] || die "flannel-chart: Chart.yaml version $v, versions.env pins $FLANNEL_VERSION"
  work=$(mktemp -d)
  cp -r "$dir/chart/kube-flannel" "$work/kube-flannel"
  chmod -R u+w "$work"
  HELM_CACHE_HOME="$work/.cache" HELM_CONFIG_HOME="$work/.config" HELM_DATA_HOME="$work/.data" \
    "$helm" package "$work/kube-flannel" --destination "$work/pkg" >&2
  mv "$work/pkg/flannel-$FLANNEL_VERSION.tgz" "$out/flannel.tgz"
  rm -rf "$work"
}

build_registry() {
  local out=$1 p=github.com/distribution/distribution/v3
  require_mod "$p" "$DISTRIBUTION_VERSION"
  CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X $p/version.version=$DISTRIBUTION_VERSION" \
    -o "$out/registry" "$p/cmd/registry"
}

# ---------------------------------------------------------------------------------------------------

build_one() {
  local comp=$1 dest r start secs b fn
  meta "$comp"
  fn=$(fn_of "$comp")
  dest="$OUT/$comp/$C_VERSION"
  if [[ -n $C_MOD ]]; then
    [[ -f $HERE/go/$C_MOD/go.mod && -f $HERE/go/$C_MOD/go.sum ]] || die "$comp: wrapper module $HERE/go/$C_MOD incomplete"
  fi
  r=$(recipe "$comp")
  if [[ -f $dest/build.json ]] && grep -q "\"recipe\":\"$r\"" "$dest/build.json"; then
    log "$comp $C_VERSION: cached ($dest)"
    return 0
  fi
  CURRENT="$comp $C_VERSION"
  log "$comp $C_VERSION: building (recipe ${r:0:12}) ..."
  mkdir -p "$OUT/$comp"
  TMP=$(mktemp -d "$OUT/$comp/.building-$C_VERSION.XXXXXX")
  start=$(mono_seconds)
  (
    if [[ -n $C_MOD ]]; then cd "$HERE/go/$C_MOD"; fi
    "$fn" "$TMP"
  )
  for b in $C_BINS; do
    [[ -s $TMP/$b ]] || die "$comp $C_VERSION: expected output $b was not produced"
  done
  secs=$(($(mono_seconds) - start))
  printf '{"component":"%s","version":"%s","seconds":%d,"recipe":"%s"}\n' "$comp" "$C_VERSION" "$secs" "$r" >"$TMP/build.json"
  chmod 0755 "$TMP"
  rm -rf "$dest"
  mv "$TMP" "$dest"
  TMP=""
  CURRENT=""
  log "$comp $C_VERSION: done in ${secs}s -> $dest"
}

main() {
  local requested=" $* " comps=() c
  for c in "$@"; do meta "$c"; done # reject unknown names before building anything
  # flannel-chart is packaged with the helm built here: helm comes along (and is only "cached" if built).
  if [[ $requested == *" flannel-chart "* ]]; then requested+="helm "; fi
  # Build in dependency order (ALL), whatever the order on the command line.
  for c in "${ALL[@]}"; do
    if (($# == 0)) || [[ $requested == *" $c "* ]]; then comps+=("$c"); fi
  done
  mkdir -p "$OUT"
  # One build.sh at a time per output tree (they share the Go build cache and the output dirs).
  exec 9>"$OUT/.lock"
  if ! flock -n 9; then
    log "another build.sh is building into $OUT; waiting for it"
    flock 9
  fi
  for c in "${comps[@]}"; do build_one "$c"; done
  log "all done: ${comps[*]}"
}

main "$@"
