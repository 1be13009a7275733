#!/usr/bin/env bash
# Validates the deployment files without a Docker engine or a Kubernetes cluster, and prints TAP:
#   docker-compose.yml          `docker-compose config -q` (unknown keys, wrong types, broken anchors)
#   both Dockerfiles            dockerfile-utils lint (unknown instructions, bad arguments)
#   helm/tessera                `helm lint --strict` and `helm template` with the default values and with
#                               helm/tessera/ci/*.yaml, each rendered manifest validated against the Kubernetes
#                               schemas of kubernetes-models (types, required fields), and checked to give the
#                               gateway one destination per data pod (a headless Service it resolves)
# Strict loading (unknown fields), probes, security context and schema rejection are tests/Tessera.Deploy.Tests.
# Installs its tools into .tools/ first (eng/deploy/install-tools.sh). Exits non-zero when any check failed.
set -uo pipefail
cd "$(dirname "$0")/.."
tools="$PWD/.tools"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

number=0; failed=0
check() { # check <description> <command>...
  local description="$1"; shift
  number=$((number + 1))
  if "$@" >"$out/log" 2>&1; then
    echo "ok $number - $description"
  else
    failed=$((failed + 1))
    echo "not ok $number - $description"
    sed 's/^/# /' "$out/log" | head -40
  fi
}

check "install validation tools into .tools/" eng/deploy/install-tools.sh

check "docker-compose.yml: docker-compose config -q" docker-compose -f docker-compose.yml config -q
for dockerfile in services/Tessera.Server/Dockerfile gateway/Tessera.Gateway/Dockerfile; do
  check "$dockerfile: dockerfile-utils lint" "$tools/npm/node_modules/.bin/dockerfile-utils" lint "$dockerfile"
done

chart=helm/tessera
render_and_validate() { # render_and_validate <name> [helm args]...
  local name="$1"; shift
  "$tools/bin/helm" template tessera "$chart" --namespace tessera "$@" >"$out/$name.yaml" \
    && node eng/deploy/validate-manifests.cjs "$tools/npm/node_modules" "$out/$name.yaml" \
    && node eng/deploy/check-pod-destinations.cjs "$tools/npm/node_modules" "$out/$name.yaml"
}
check "$chart: helm lint --strict (default values)" "$tools/bin/helm" lint --strict "$chart"
check "$chart: helm template (default values) validates against Kubernetes schemas" render_and_validate default
for values in "$chart"/ci/*.yaml; do
  check "$chart: helm lint --strict -f $values" "$tools/bin/helm" lint --strict "$chart" -f "$values"
  check "$chart: helm template -f $values validates against Kubernetes schemas" render_and_validate "$(basename "$values" .yaml)" -f "$values"
done

echo "1..$number"
echo "# tests $number"
echo "# pass $((number - failed))"
echo "# fail $failed"
[ "$failed" -eq 0 ]
