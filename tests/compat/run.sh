#!/usr/bin/env bash
# Runs the PouchDB compatibility suite against a freshly started Tessera.Server.
#
#   tests/compat/run.sh [--build] [extra args for `node --test`, e.g. test/push.test.mjs]
#
# - installs npm deps with `npm ci` when node_modules is missing;
# - builds the server (Release) when its dll is missing or --build is given;
# - starts it on a free loopback port with a temporary data folder and waits for GET / = 200;
# - runs `node --test --test-reporter=tap` (TAP output ends with `# pass N` / `# fail M`);
# - always stops the server and removes the temp folder; exits with the test runner's code.
#
# Env: TESSERA_URL  use an already running server instead of starting one (nothing is built or started);
#      then TESSERA_TENANT, TESSERA_API_KEY and TESSERA_API_SECRET name its tenant and an admin API key.
# When tests fail, the last lines of the server log are printed to stderr before cleanup.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
dll="$repo/artifacts/bin/Tessera.Server/release/Tessera.Server.dll"

build=0
args=()
for a in "$@"; do
  case "$a" in
    --build) build=1 ;;
    *) args+=("$a") ;;
  esac
done

cd "$here"

if [[ ! -d node_modules ]]; then
  echo "# npm ci" >&2
  npm ci --no-audit --no-fund >&2
fi

tmp=""
server_pid=""
node_pid=""
cleanup() {
  local code=$?
  if [[ -n "$node_pid" ]] && kill -0 "$node_pid" 2>/dev/null; then
    kill "$node_pid" 2>/dev/null || true
    wait "$node_pid" 2>/dev/null || true
  fi
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  if [[ -n "$tmp" && -d "$tmp" ]]; then
    if [[ $code -ne 0 && -f "$tmp/server.log" ]]; then
      echo "# last lines of the server log:" >&2
      tail -n 40 "$tmp/server.log" | sed 's/^/#   /' >&2
    fi
    rm -rf "$tmp"
  fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -z "${TESSERA_URL:-}" ]]; then
  if [[ $build -eq 1 || ! -f "$dll" ]]; then
    echo "# dotnet build -c Release services/Tessera.Server" >&2
    dotnet build -c Release "$repo/services/Tessera.Server" -nologo -v quiet >&2
  fi

  tmp="$(mktemp -d "${TMPDIR:-/tmp}/tessera-compat.XXXXXX")"
  # A free loopback port: bind port 0, read what the kernel chose, release it.
  port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  export TESSERA_URL="http://127.0.0.1:$port"
  # The server creates this tenant and admin API key at start; the suite authenticates with them.
  export TESSERA_TENANT=dev TESSERA_API_KEY=key_compat TESSERA_API_SECRET="compat-$(node -e 'console.log(require("crypto").randomBytes(12).toString("hex"))')"

  echo "# starting Tessera.Server on $TESSERA_URL (data: $tmp/data)" >&2
  # Note: the content root is the working directory, so start from the dll's folder to pick up
  # its appsettings.json (log levels, bootstrap tenant), as a deployed server would.
  (cd "$(dirname "$dll")" && exec env Tessera__DataPath="$tmp/data" ASPNETCORE_ENVIRONMENT=Production \
    Tessera__Bootstrap__Tenant="$TESSERA_TENANT" Tessera__Bootstrap__ApiKey="$TESSERA_API_KEY" Tessera__Bootstrap__ApiSecret="$TESSERA_API_SECRET" \
    dotnet "$dll" --urls "$TESSERA_URL") >"$tmp/server.log" 2>&1 &
  server_pid=$!

  # Wait (bounded) for GET / to answer 200.
  ready=0
  for _ in $(seq 1 600); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "# server exited before becoming ready; log:" >&2
      cat "$tmp/server.log" >&2
      exit 1
    fi
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' "$TESSERA_URL/" || true)" == "200" ]]; then
      ready=1
      break
    fi
    sleep 0.1
  done
  if [[ $ready -ne 1 ]]; then
    echo "# server not ready after 60 s; log:" >&2
    cat "$tmp/server.log" >&2
    exit 1
  fi
fi

if [[ ${#args[@]} -eq 0 ]]; then
  args=(test/)
fi

# Note: test files run one after the other (concurrency 1): the machine has 2 cores and
# the server shares them; parallel files make timings noisy and the 10k test slow.
# The runner is started in the background and waited for, so that INT/TERM reach the traps at
# once (bash defers traps while a foreground child runs) and cleanup can stop it too.
node --test --test-reporter=tap --test-concurrency=1 "${args[@]}" &
node_pid=$!
set +e
wait "$node_pid"
code=$?
set -e
node_pid=""
exit "$code"
