#!/usr/bin/env bash
# Packages the helm charts of the network plugins whose sources the Go module proxy serves
# (cilium, calico's tigera-operator) with the helm build.sh built (docs/components.md). Pins:
# versions.env (CILIUM_VERSION, CALICO_MODULE_VERSION, CALICO_CHART_VERSION, HELM_VERSION).
#
#   scripts/components/charts.sh
#
# Output under ${KK_COMPONENTS_DIR:-/var/cache/kk-components}:
#   charts/<chart>-<version>.tgz and charts/<chart>-<version>.json {"chart","version","module","seconds","recipe"}
#   mirror/<host>/<path>: each chart again at the path of the URL kk's init downloads it from
#     (helm.cilium.io/cilium-<v>.tgz, github.com/projectcalico/calico/releases/download/<v>/tigera-operator-<v>.tgz).
# A chart whose recipe (its pins, its package function, the helm binary) is unchanged is not packaged
# again ("cached"); the mirror copies are refreshed on every run, because layout.ts rewrites mirror/.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VERSIONS="$HERE/versions.env"
ROOT="${KK_COMPONENTS_DIR:-/var/cache/kk-components}"
OUT="$ROOT/charts"

# shellcheck source=versions.env
source "$VERSIONS"

export PATH="/usr/local/go/bin:$PATH"
export GOTOOLCHAIN=local
HELM="$ROOT/build/helm/$HELM_VERSION/helm"

log() { printf '[charts] %s\n' "$*" >&2; }
die() { printf '[charts] ERROR: %s\n' "$*" >&2; exit 1; }

command -v go >/dev/null || die "go not found (expected at /usr/local/go/bin)"
[[ -x $HELM && -f $ROOT/build/helm/$HELM_VERSION/build.json ]] || die "$HELM missing: run scripts/components/build.sh helm first"

mono_seconds() {
  local up
  if read -r up _ </proc/uptime 2>/dev/null; then printf '%s\n' "${up%%.*}"; else printf '%s\n' "$SECONDS"; fi
}

# module_dir MODULE@VERSION: downloads (checksum-verified against the Go checksum database) one
# module outside any Go module and prints its directory.
module_dir() {
  local dir
  dir=$(cd / && go mod download -json "$1" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [[ -n $dir && -d $dir ]] || die "could not download module $1 (the Go module proxy must serve it)"
  printf '%s\n' "$dir"
}

# helm_package SRC_DIR DEST_DIR [helm package flags...]: packages a read-only module directory.
helm_package() {
  local src=$1 dest=$2 work
  shift 2
  work=$(mktemp -d)
  cp -r "$src" "$work/chart"
  chmod -R u+w "$work"
  HELM_CACHE_HOME="$work/.cache" HELM_CONFIG_HOME="$work/.config" HELM_DATA_HOME="$work/.data" \
    "$HELM" package "$work/chart" --destination "$dest" "$@" >&2
  rm -rf "$work"
}

# yaml_scalar FILE KEY: the value of a top-level `KEY: value` line.
yaml_scalar() { sed -n "s/^$2:[[:space:]]*\"\{0,1\}\([^\"]*\)\"\{0,1\}[[:space:]]*$/\1/p" "$1" | head -n 1; }

# Package functions: package_<chart> TMPDIR, leaving <chart>-<version>.tgz there. Their bodies are part of the recipe.

package_cilium() {
  local tmp=$1 dir v
  dir=$(module_dir "github.com/cilium/cilium@v$CILIUM_VERSION")/install/kubernetes/cilium
  [[ -f $dir/Chart.yaml ]] || die "cilium: no install/kubernetes/cilium in the module"
  v=$(yaml_scalar "$dir/Chart.yaml" version)
  [[ $v == "$CILIUM_VERSION" ]] || die "cilium: Chart.yaml version $v, versions.env pins $CILIUM_VERSION"
  helm_package "$dir" "$tmp"
}

package_tigera_operator() {
  local tmp=$1 dir ctl
  dir=$(module_dir "github.com/projectcalico/calico@$CALICO_MODULE_VERSION")/charts/tigera-operator
  [[ -f $dir/Chart.yaml ]] || die "tigera-operator: no charts/tigera-operator in the calico module"
  # The chart's own version is a placeholder; its images say which calico release it is.
  ctl=$(sed -n '/^calicoctl:/,/^[^ ]/s/^  tag:[[:space:]]*//p' "$dir/values.yaml")
  [[ $ctl == "$CALICO_CHART_VERSION" ]] || die "tigera-operator: values.yaml pins calicoctl $ctl, versions.env says the chart is $CALICO_CHART_VERSION"
  helm_package "$dir" "$tmp" --version "$CALICO_CHART_VERSION" --app-version "$CALICO_CHART_VERSION"
}

fn_of() { printf 'package_%s' "${1//-/_}"; }

# recipe CHART KEYS...: sha256 of the pins, the package function and the helm binary.
recipe() {
  local chart=$1 k line
  shift
  {
    for k in "$@"; do
      line=$(grep -E "^${k}=" "$VERSIONS") || die "$chart: $k missing from $VERSIONS"
      printf '%s\n' "$line"
    done
    declare -f "$(fn_of "$chart")" helm_package module_dir
    sha256sum "$HELM" | cut -d' ' -f1
  } | sha256sum | cut -d' ' -f1
}

# package_one CHART VERSION MODULE MIRROR_PATH KEYS...
package_one() {
  local chart=$1 version=$2 module=$3 mirror=$4 r file json tmp start secs
  shift 4
  file="$OUT/$chart-$version.tgz"
  json="$OUT/$chart-$version.json"
  r=$(recipe "$chart" "$@")
  if [[ -s $file && -f $json ]] && grep -q "\"recipe\":\"$r\"" "$json"; then
    log "$chart $version: cached ($file)"
  else
    log "$chart $version: packaging from $module (recipe ${r:0:12}) ..."
    start=$(mono_seconds)
    tmp=$(mktemp -d "$OUT/.packaging-$chart.XXXXXX")
    "$(fn_of "$chart")" "$tmp"
    [[ -s $tmp/$chart-$version.tgz ]] || die "$chart: helm package made no $chart-$version.tgz"
    secs=$(($(mono_seconds) - start))
    mv "$tmp/$chart-$version.tgz" "$file"
    rm -rf "$tmp"
    printf '{"chart":"%s","version":"%s","module":"%s","seconds":%d,"recipe":"%s"}\n' "$chart" "$version" "$module" "$secs" "$r" >"$json"
    log "$chart $version: done in ${secs}s -> $file"
  fi
  # Where kk's init downloads it from (coordinator/init/artifacts/plan-binaries.ts), so the mirror is a download.base_url for it.
  if [[ -d $ROOT/mirror ]]; then
    mkdir -p "$(dirname "$ROOT/mirror/$mirror")"
    cp -f "$file" "$ROOT/mirror/$mirror"
  fi
}

main() {
  mkdir -p "$OUT"
  exec 9>"$OUT/.lock"
  if ! flock -n 9; then
    log "another charts.sh is packaging into $OUT; waiting for it"
    flock 9
  fi
  package_one cilium "$CILIUM_VERSION" "github.com/cilium/cilium@v$CILIUM_VERSION" \
    "helm.cilium.io/cilium-$CILIUM_VERSION.tgz" CILIUM_VERSION HELM_VERSION
  package_one tigera-operator "$CALICO_CHART_VERSION" "github.com/projectcalico/calico@$CALICO_MODULE_VERSION" \
    "github.com/projectcalico/calico/releases/download/$CALICO_CHART_VERSION/tigera-operator-$CALICO_CHART_VERSION.tgz" \
    CALICO_MODULE_VERSION CALICO_CHART_VERSION HELM_VERSION
  log "all done: $(cd "$OUT" && ls -- *.tgz | tr '\n' ' ')"
}

main "$@"
