#!/usr/bin/env bash
# Tessera vs pouchdb-server benchmark. One command; it starts and stops everything itself.
#
#   bench/run.sh                 full run (~3-5 min on 2 cores): pouchdb-server, then Tessera on PostgreSQL
#   bench/run.sh --quick         smoke run, ~2 s per workload (what CI can afford)
#
# Options:
#   --quick                 short workloads (see lib/workloads.mjs PROFILES)
#   --store pg|sqlite|both  Tessera storage to benchmark (default pg)
#   --only W1,...,W7        subset of workloads (W5 = live change feeds, W6 = PouchDB replication,
#                           W7 = continuous server-side _replicate latency, ~40 s per target)
#   --no-build              reuse artifacts/bin/Tessera.Server/release (skip dotnet build)
#   --tessera-url URL       use an already running Tessera; URL is the database base,
#                           e.g. http://127.0.0.1:5000/t/dev (no build, no PostgreSQL)
#   --baseline-url URL      use an already running CouchDB-compatible baseline instead of
#                           starting pouchdb-server (databases are dropped afterwards)
#   --self-test             benchmark a second pouchdb-server in Tessera's place: checks the
#                           harness itself (ratios should be ~1x) without building Tessera
#   --baseline-only         only the pouchdb-server side
#   --tessera-only          only the Tessera side (no ratios; for iterating on the server)
#   --rounds N              repeat the whole sequence N times; the report takes, per workload
#                           and target, the round with the median rate (steadier on a busy box)
#   --keep-tmp              keep the temp folder (server logs, data) for inspection
#   --wait-quiet SECONDS    before each target, wait up to SECONDS for the machine to be idle
#                           (other builds/tests skew the figures; the report shows busy cores)
#   --databases N           instead of the workloads: create N databases in one tenant on Tessera
#                           (each written once), let idle grains deactivate, report server RSS
#   --gateway               Tessera directly and through the gateway (gateway/Tessera.Gateway, YARP) in
#                           front of the same server, one after the other in this run; no pouchdb-server.
#                           Prints the throughput ratio and the p50 the gateway adds (goal: >= 0.8x, < 1 ms);
#                           adds W3C1 (W3 at concurrency 1, the unloaded latency) when W3 runs
#   --silos N               instead of the workloads: W1M (W1 over 64 databases, c=64) against one Tessera silo, then
#                           against N silos of one Orleans cluster (ADO.NET clustering on the same PostgreSQL), load
#                           spread over every silo's HTTP port, then one silo again; each at steady state (JIT quiet).
#                           Prints the ratio N silos / 1 silo (goal >= 0.9x) and
#                           how many database grains each silo holds (bench/grain-counter, a startup hook)
#   --silo-routing R        with --silos: affinity (default; each database's requests reach one silo, as the gateway's
#                           DatabaseAffinity load balancing sends them) or spread (every silo gets every database's requests)
#   --ready-to-run          run the server as the Dockerfile publishes it (dotnet publish -r linux-x64, ReadyToRun)
#                           instead of the `dotnet build` output
# Env: TESSERA_ENV (ASPNETCORE_ENVIRONMENT for the server, default Production).
#      TESSERA_EXTRA_ENV / GATEWAY_EXTRA_ENV: space-separated NAME=VALUE pairs added to every Tessera server or silo /
#      to the gateway, to compare runtime or YARP settings without a rebuild (e.g. GATEWAY_EXTRA_ENV=DOTNET_GCHeapCount=1).
#
# Steps: npm ci into bench/node_modules if needed -> dotnet build -c Release -> pouchdb-server
# on LevelDB in a temp dir -> workloads -> stop it -> throwaway PostgreSQL 15 cluster (fsync on)
# + Tessera -> same workloads -> stop all -> table + bench/results/<run>.json.
# The targets run one after the other, never at the same time: on 2 cores an idle server
# would still steal cycles and memory from the one being measured.
set -euo pipefail
{ # The braces make bash read the whole script before running it, so editing this file
  # while a run is in progress cannot break that run.

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH/.." && pwd)"
PGBIN=/usr/lib/postgresql/15/bin
DLL="$REPO/artifacts/bin/Tessera.Server/release/Tessera.Server.dll"
GATEWAY_DLL="$REPO/artifacts/bin/Tessera.Gateway/release/Tessera.Gateway.dll"
GRAIN_COUNTER_DLL="$REPO/artifacts/bin/Tessera.Bench.GrainCounter/release/Tessera.Bench.GrainCounter.dll"

READY_TO_RUN=0 SILO_ROUTING=affinity SILOS=0 GATEWAY=0 DATABASES=0 QUICK=0 STORE=pg ONLY=W1,W2,W3,W4,W5,W6,W7 BUILD=1 TESSERA_URL= BASELINE_URL= SELF_TEST=0 BASELINE_ONLY=0 TESSERA_ONLY=0 KEEP_TMP=0 WAIT_QUIET=0 ROUNDS=1
ORIG_ARGS="$*"
# Settings passed through the environment are part of what was measured: the report's command line names them.
[ -n "${TESSERA_EXTRA_ENV:-}" ] && ORIG_ARGS="$ORIG_ARGS [TESSERA_EXTRA_ENV=$TESSERA_EXTRA_ENV]"
[ -n "${GATEWAY_EXTRA_ENV:-}" ] && ORIG_ARGS="$ORIG_ARGS [GATEWAY_EXTRA_ENV=$GATEWAY_EXTRA_ENV]"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --store) STORE="$2"; shift ;;
    --only) ONLY="$2"; shift ;;
    --no-build) BUILD=0 ;;
    --tessera-url) TESSERA_URL="$2"; shift ;;
    --baseline-url) BASELINE_URL="$2"; shift ;;
    --self-test) SELF_TEST=1 ;;
    --baseline-only) BASELINE_ONLY=1 ;;
    --tessera-only) TESSERA_ONLY=1 ;;
    --keep-tmp) KEEP_TMP=1 ;;
    --wait-quiet) WAIT_QUIET="$2"; shift ;;
    --rounds) ROUNDS="$2"; shift ;;
    --databases) DATABASES="$2"; shift ;;
    --gateway) GATEWAY=1 ;;
    --silos) SILOS="$2"; shift ;;
    --silo-routing) SILO_ROUTING="$2"; shift ;;
    --ready-to-run) READY_TO_RUN=1 ;;
    -h|--help) sed -n '2,49p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "--rounds needs a positive integer" >&2; exit 2; }
if [ "$GATEWAY" = 1 ]; then
  { [ -n "$TESSERA_URL" ] || [ "$SELF_TEST" = 1 ] || [ "$BASELINE_ONLY" = 1 ] || [ "$DATABASES" -gt 0 ]; } &&
    { echo "--gateway starts its own Tessera: not with --tessera-url, --self-test, --baseline-only or --databases" >&2; exit 2; }
  TESSERA_ONLY=1 # the comparison is Tessera with and without the gateway, not against pouchdb-server
  # W3c1 (GET at concurrency 1) measures the latency the hop adds without queueing for the shared CPU.
  [[ ",$ONLY," == *",W3,"* && ",$ONLY," != *",W3C1,"* ]] && ONLY="$ONLY,W3C1"
fi
if [ "$SILOS" != 0 ]; then
  [[ "$SILOS" =~ ^[2-9]$ ]] || { echo "--silos needs a silo count from 2 to 9" >&2; exit 2; }
  { [ -n "$TESSERA_URL" ] || [ "$SELF_TEST" = 1 ] || [ "$BASELINE_ONLY" = 1 ] || [ "$DATABASES" -gt 0 ] || [ "$GATEWAY" = 1 ] || [ "$STORE" != pg ]; } &&
    { echo "--silos starts its own PostgreSQL and silos: not with --tessera-url, --self-test, --baseline-only, --databases, --gateway or --store other than pg" >&2; exit 2; }
  TESSERA_ONLY=1
fi
case "$STORE" in pg) STORES=(pg) ;; sqlite) STORES=(sqlite) ;; both) STORES=(pg sqlite) ;; *) echo "--store pg|sqlite|both" >&2; exit 2 ;; esac

log() { echo "[run.sh] $*" >&2; }
RUN_ID="$(date -u +%Y%m%dt%H%M%Sz)"
RESULTS="$BENCH/results"
mkdir -p "$RESULTS"
TMP="$(mktemp -d /tmp/tessera-bench.XXXXXX)"
chmod 755 "$TMP" # PostgreSQL runs as another user and must traverse it

# ---- cleanup: every process this script started, on any exit ----------------------------
SERVER_PID= PGDATA_DIR= BENCH_PID= GATEWAY_PID= SILO_PIDS=()
stop_pid() { # TERM, wait up to 10 s, then KILL
  local pid="$1"
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_server() { if [ -n "$SERVER_PID" ]; then stop_pid "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=; fi; }
stop_gateway() { if [ -n "$GATEWAY_PID" ]; then stop_pid "$GATEWAY_PID"; wait "$GATEWAY_PID" 2>/dev/null || true; GATEWAY_PID=; fi; }
stop_silos() { # TERM all first: a silo that stops alone waits for the others to confirm it left
  local pid
  for pid in "${SILO_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${SILO_PIDS[@]}"; do stop_pid "$pid"; wait "$pid" 2>/dev/null || true; done
  SILO_PIDS=()
}
stop_pg() { if [ -n "$PGDATA_DIR" ]; then as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w stop >/dev/null 2>&1 || true; PGDATA_DIR=; fi; }
cleanup() {
  set +e
  [ -n "$BENCH_PID" ] && stop_pid "$BENCH_PID"
  stop_gateway
  stop_server
  stop_silos
  stop_pg
  if [ "$KEEP_TMP" = 1 ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

node_tool() { node "$BENCH/lib/tools.mjs" "$@"; }
show_log() { log "last lines of $1:"; tail -n 30 "$1" >&2 || true; }
# check_alive NAME LOG: a server that died mid-run explains a wall of ECONNREFUSED errors.
check_alive() {
  if [ -n "$SERVER_PID" ] && ! kill -0 "$SERVER_PID" 2>/dev/null; then
    local rc=0; wait "$SERVER_PID" 2>/dev/null || rc=$?
    log "$1 EXITED during the run (exit status $rc; 137 = SIGKILL, 134 = abort)"; show_log "$2"
    SERVER_PID=; FAILED=1
  fi
}

# ---- 1. npm dependencies -------------------------------------------------------------------
if [ ! -f "$BENCH/node_modules/.package-lock.json" ] || [ "$BENCH/package-lock.json" -nt "$BENCH/node_modules/.package-lock.json" ]; then
  log "installing npm dependencies (npm ci)"
  # --ignore-scripts: leveldown loads its bundled prebuilt binary at run time; the only other
  # install script compiles sqlite3 from source (~2 min) for pouchdb-server's unused --sqlite mode.
  (cd "$BENCH" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
fi

NEED_TESSERA=1
{ [ "$BASELINE_ONLY" = 1 ] || [ "$SELF_TEST" = 1 ] || [ -n "$TESSERA_URL" ]; } && NEED_TESSERA=0

# ---- 2. build Tessera first, so the compiler never runs while something is measured -------
# The commit measured is the work tree at build time (HEAD may move while the run goes on).
COMMIT="$(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
[ -n "$(cd "$REPO" && git status --porcelain -- services gateway 2>/dev/null)" ] && COMMIT="$COMMIT+uncommitted"
if [ "$NEED_TESSERA" = 1 ] && [ "$BUILD" = 1 ]; then
  log "dotnet build -c Release services/Tessera.Server"
  if ! (cd "$REPO" && dotnet build -c Release services/Tessera.Server -nologo -v q) >"$TMP/build.log" 2>&1; then
    show_log "$TMP/build.log"; log "Tessera build failed (use --baseline-only or --self-test to check the harness)"; exit 1
  fi
  if [ "$GATEWAY" = 1 ]; then
    log "dotnet build -c Release gateway/Tessera.Gateway"
    if ! (cd "$REPO" && dotnet build -c Release gateway/Tessera.Gateway -nologo -v q) >"$TMP/build-gateway.log" 2>&1; then
      show_log "$TMP/build-gateway.log"; log "gateway build failed"; exit 1
    fi
  fi
fi
if [ "$NEED_TESSERA" = 1 ]; then
  [ -f "$DLL" ] || { log "missing $DLL"; exit 1; }
  # Run a private copy of what we just built: a concurrent `dotnet build -c Release` by
  # someone else rewrites these files in place, which can crash a server that maps them.
  cp -a "$(dirname "$DLL")" "$TMP/server"
  if [ "$READY_TO_RUN" = 1 ]; then
    # Precompiled (ReadyToRun) code for Tessera's and its packages' assemblies, as in the container image: a fresh
    # process starts on it instead of compiling tier-0 code for every method it calls.
    log "dotnet publish -c Release -r linux-x64 -p:PublishReadyToRun=true services/Tessera.Server"
    rm -rf "$TMP/server"
    if ! (cd "$REPO" && dotnet publish services/Tessera.Server/Tessera.Server.csproj -c Release -r linux-x64 --self-contained false \
        -p:PublishReadyToRun=true -p:UseAppHost=false -o "$TMP/server" -nologo -v q) >"$TMP/publish.log" 2>&1; then
      show_log "$TMP/publish.log"; log "ReadyToRun publish failed"; exit 1
    fi
  fi
fi
if [ "$SILOS" != 0 ]; then
  if [ "$BUILD" = 1 ] || [ ! -f "$GRAIN_COUNTER_DLL" ]; then
    log "dotnet build -c Release bench/grain-counter"
    if ! (cd "$REPO" && dotnet build -c Release bench/grain-counter/Tessera.Bench.GrainCounter.csproj -nologo -v q) >"$TMP/build-grain-counter.log" 2>&1; then
      show_log "$TMP/build-grain-counter.log"; log "grain counter build failed"; exit 1
    fi
  fi
  cp -a "$(dirname "$GRAIN_COUNTER_DLL")" "$TMP/grain-counter"
fi
if [ "$GATEWAY" = 1 ]; then
  [ -f "$GATEWAY_DLL" ] || { log "missing $GATEWAY_DLL"; exit 1; }
  cp -a "$(dirname "$GATEWAY_DLL")" "$TMP/gateway"
fi

FAILED=0
BENCH_KEY=key_bench BENCH_SECRET="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"

# run_bench NAME DB_BASE_URL OUTFILE [extra args]: the load generator, as its own process.
run_bench() {
  local name="$1" url="$2" out="$3"; shift 3
  log "benchmarking $name at $url"
  # In the background + wait: bash runs a TERM/INT trap only after a foreground child ends,
  # but interrupts `wait` at once, so Ctrl-C or kill stops the run immediately.
  node "$BENCH/lib/bench.mjs" --name "$name" --url "$url" --out "$out" "${BENCH_ARGS[@]}" "$@" &
  BENCH_PID=$!
  wait "$BENCH_PID" || FAILED=1
  BENCH_PID=
}

# warm_up NAME URL: one untimed --quick pass of the throughput workloads (W1-W4) of --only before Tessera is measured,
# so no workload is measured while the .NET JIT still recompiles; pouchdb-server gets none. Why, with the figures:
# bench/README.md, "Warm-up pass (Tessera only)". --quick runs skip it: they measure nothing.
warm_up() {
  local name="$1" url="$2" only
  # Note: `|| true`, because grep finds nothing for --only W5,W6,W7, and under pipefail that ended the whole run.
  only="$(tr ',' '\n' <<<"$ONLY" | { grep -xE 'W1|W2|W3|W4' || true; } | paste -sd, -)"
  [ "$QUICK" = 1 ] || [ -z "$only" ] && return 0
  # Its databases are deleted again (no extra rows or autovacuum for the measured run to meet), and
  # the measured run's first workload waits, like every other, until the server has settled.
  run_bench "warmup-$name" "$url" "$ROUND_DIR/warmup-$name.json" --quick --only "$only" --run-id "${R}w" --drop-dbs
}

# start_pouchdb DIR: pouchdb-server on LevelDB, logging only errors, into DIR (not the repo).
start_pouchdb() {
  local dir="$1" port
  port="$(node_tool free-port)"
  mkdir -p "$dir/data"
  printf '{"log":{"file":"%s/log.txt","level":"error"}}\n' "$dir" >"$dir/config.json"
  (cd "$dir" && exec node "$BENCH/node_modules/pouchdb-server/bin/pouchdb-server" \
      --host 127.0.0.1 --port "$port" --dir "$dir/data" --config "$dir/config.json" \
      --no-stdout-logs --no-color) >"$dir/stdout.log" 2>&1 &
  SERVER_PID=$!
  node_tool wait "http://127.0.0.1:$port/" 60 "$SERVER_PID" || { show_log "$dir/stdout.log"; exit 1; }
  POUCH_URL="http://127.0.0.1:$port"
}

# ---- 3./4. the targets, one after the other; --rounds N repeats the whole sequence ----------
start_postgres() { # throwaway cluster on a free loopback port; trust auth, fsync on (defaults)
  if [ ! -x "$PGBIN/initdb" ]; then
    log "installing postgresql-15"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null
  fi
  local dir="$ROUND_DIR/pg"
  PGPORT="$(node_tool free-port)"
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 || { show_log "$dir/initdb.log"; exit 1; }
  cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$dir'
max_connections = 200
EOF
  PGDATA_DIR="$dir/data"
  as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null || { show_log "$dir/server.log"; exit 1; }
  as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres tessera
}

start_tessera() { # $1 = pg|sqlite
  local store="$1" port
  port="$(node_tool free-port)"
  mkdir -p "$ROUND_DIR/tessera-$store"
  local -a envs=("ASPNETCORE_ENVIRONMENT=${TESSERA_ENV:-Production}" "Logging__LogLevel__Default=Warning" ${TESSERA_EXTRA_ENV:-}
    # The bootstrap tenant's admin API key, fixed so the workloads can authenticate (HTTP Basic from the URL).
    "Tessera__Bootstrap__ApiKey=$BENCH_KEY" "Tessera__Bootstrap__ApiSecret=$BENCH_SECRET")
  if [ "$store" = pg ]; then
    envs+=("ConnectionStrings__Tessera=Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=tessera")
  else
    envs+=("Tessera__DataPath=$ROUND_DIR/tessera-$store/data")
  fi
  # cwd = the copied build output, so the server finds its appsettings*.json as content root.
  (cd "$TMP/server" && exec env "${envs[@]}" dotnet "$TMP/server/$(basename "$DLL")" --urls "http://127.0.0.1:$port") \
    >"$ROUND_DIR/tessera-$store/server.log" 2>&1 &
  SERVER_PID=$!
  node_tool wait "http://127.0.0.1:$port/" 120 "$SERVER_PID" || { show_log "$ROUND_DIR/tessera-$store/server.log"; exit 1; }
  TESSERA_ROOT="http://127.0.0.1:$port/"
  TESSERA_BASE="http://$BENCH_KEY:$BENCH_SECRET@127.0.0.1:$port/t/dev"
}

start_gateway() { # $1 = the Tessera root URL it proxies to; sets GATEWAY_BASE
  local target="$1" port
  port="$(node_tool free-port)"
  # Its own copy of the gateway's appsettings.json: every cluster at this one server, no token issuer
  # (the workloads send no tokens), and limits the load never reaches (they still run on every request).
  node_tool gateway-config "$TMP/gateway/appsettings.json" "$target"
  (cd "$TMP/gateway" && exec env "ASPNETCORE_ENVIRONMENT=${TESSERA_ENV:-Production}" "Logging__LogLevel__Default=Warning" ${GATEWAY_EXTRA_ENV:-} \
      dotnet "$TMP/gateway/$(basename "$GATEWAY_DLL")" --urls "http://127.0.0.1:$port") >"$ROUND_DIR/gateway.log" 2>&1 &
  GATEWAY_PID=$!
  node_tool wait "http://127.0.0.1:$port/readyz" 60 "$GATEWAY_PID" || { show_log "$ROUND_DIR/gateway.log"; exit 1; }
  GATEWAY_BASE="http://$BENCH_KEY:$BENCH_SECRET@127.0.0.1:$port/t/dev"
}

start_silo() { # $1 = silo number: Tessera on the round's PostgreSQL, a member of one Orleans cluster (ADO.NET clustering)
  local i="$1" port dir="$ROUND_DIR/silo$1"
  port="$(node_tool free-port)"
  mkdir -p "$dir"
  local -a envs=("ASPNETCORE_ENVIRONMENT=${TESSERA_ENV:-Production}" "Logging__LogLevel__Default=Warning" ${TESSERA_EXTRA_ENV:-}
    "Tessera__Bootstrap__ApiKey=$BENCH_KEY" "Tessera__Bootstrap__ApiSecret=$BENCH_SECRET"
    "ConnectionStrings__Tessera=Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=tessera"
    # The same settings as tests/Tessera.Cluster.IntegrationTests: silos that share one machine advertise loopback.
    "Tessera__Orleans__Clustering=AdoNet" "Tessera__Orleans__ClusterId=bench-$RUN_ID" "Tessera__Orleans__AdvertisedIP=127.0.0.1"
    "Tessera__Orleans__SiloPort=$(node_tool free-port)" "Tessera__Orleans__GatewayPort=$(node_tool free-port)"
    # Counts grain activations by type inside the silo (Orleans' own instrument), written to grains.json.
    "DOTNET_STARTUP_HOOKS=$TMP/grain-counter/$(basename "$GRAIN_COUNTER_DLL")" "TESSERA_BENCH_GRAINS_FILE=$dir/grains.json")
  (cd "$TMP/server" && exec env "${envs[@]}" dotnet "$TMP/server/$(basename "$DLL")" --urls "http://127.0.0.1:$port") >"$dir/server.log" 2>&1 &
  SILO_PIDS+=($!)
  # /readyz: storage answers and the silo is an active member of the cluster.
  node_tool wait "http://127.0.0.1:$port/readyz" 120 "$!" || { show_log "$dir/server.log"; exit 1; }
  SILO_BASES+=("http://$BENCH_KEY:$BENCH_SECRET@127.0.0.1:$port/t/dev")
  SILO_GRAINS+=("$dir/grains.json")
}

# run_silos NAME OUTFILE URLS [extra args]: the W1M load generator (lib/silos.mjs), as its own process.
run_silos() {
  local name="$1" out="$2" urls="$3"; shift 3
  log "W1M $name"
  node "$BENCH/lib/silos.mjs" --name "$name" --urls "$urls" --out "$out" --wait-quiet "$WAIT_QUIET" --routing "$SILO_ROUTING" "$@" &
  BENCH_PID=$!
  wait "$BENCH_PID" || FAILED=1
  BENCH_PID=
}

if [ "$SILOS" != 0 ]; then
  # Per round, in one PostgreSQL: one silo (A), then SILOS silos of one cluster (B), then silos 2..N leave and the one
  # silo is measured again (A'). A and A' bracket B, so drift within a round (tables that grow, autovacuum) weighs on
  # both sides alike; the round's ratio is B / mean(A, A'). Each measurement uses fresh databases, and before it the
  # load runs on them until every silo's JIT is quiet (lib/silos.mjs --steady): no side is measured while a silo is
  # still compiling, however long each needs (silo 2 joins cold).
  ONE_FILES=() MANY_FILES=()
  join() { local IFS=,; echo "$*"; }
  for round in $(seq 1 "$ROUNDS"); do
    ROUND_DIR="$TMP/r$round"; mkdir -p "$ROUND_DIR"; chmod 755 "$ROUND_DIR"
    R="$RUN_ID-r$round"
    [ "$ROUNDS" -gt 1 ] && log "round $round of $ROUNDS"
    SILO_BASES=() SILO_GRAINS=()
    QUICK_ARGS=(--steady); [ "$QUICK" = 1 ] && QUICK_ARGS+=(--quick)
    start_postgres
    PG_PID="$(head -n1 "$PGDATA_DIR/postmaster.pid")"
    start_silo 1
    out="$RESULTS/$R-silos1.json"
    run_silos 1-silo "$out" "${SILO_BASES[0]}" "${QUICK_ARGS[@]}" --run-id "${R}s1" \
      --grains-files "${SILO_GRAINS[0]}" --server-pids "$(join "${SILO_PIDS[@]}" "$PG_PID")"
    ONE_FILES+=(--one "$out")
    for i in $(seq 2 "$SILOS"); do start_silo "$i"; done
    out="$RESULTS/$R-silos$SILOS.json"
    run_silos "$SILOS-silos" "$out" "$(join "${SILO_BASES[@]}")" "${QUICK_ARGS[@]}" --run-id "${R}s$SILOS" \
      --grains-files "$(join "${SILO_GRAINS[@]}")" --server-pids "$(join "${SILO_PIDS[@]}" "$PG_PID")"
    MANY_FILES+=(--many "$out")
    for i in "${!SILO_PIDS[@]}"; do
      kill -0 "${SILO_PIDS[$i]}" 2>/dev/null || { log "silo $((i + 1)) EXITED during the run"; show_log "$ROUND_DIR/silo$((i + 1))/server.log"; FAILED=1; }
    done
    # Silos 2..N leave gracefully (silo 1 confirms), then the one silo again.
    for pid in "${SILO_PIDS[@]:1}"; do stop_pid "$pid"; wait "$pid" 2>/dev/null || true; done
    SILO_PIDS=("${SILO_PIDS[0]}")
    out="$RESULTS/$R-silos1-after.json"
    run_silos 1-silo-after "$out" "${SILO_BASES[0]}" "${QUICK_ARGS[@]}" --run-id "${R}s1a" \
      --grains-files "${SILO_GRAINS[0]}" --server-pids "$(join "${SILO_PIDS[@]}" "$PG_PID")"
    ONE_FILES+=(--one-after "$out")
    kill -0 "${SILO_PIDS[0]}" 2>/dev/null || { log "silo 1 EXITED during the run"; show_log "$ROUND_DIR/silo1/server.log"; FAILED=1; }
    stop_silos
    stop_pg
  done
  node "$BENCH/lib/silos-report.mjs" "${ONE_FILES[@]}" "${MANY_FILES[@]}" \
    --out "$RESULTS/$RUN_ID-silos.json" --command "bench/run.sh $ORIG_ARGS" --commit "$COMMIT" || FAILED=1
  exit "$FAILED"
fi

if [ "$DATABASES" -gt 0 ]; then
  # Many databases: idle grains deactivate after 30 s here (default 2 min), so the wait stays short.
  ROUND_DIR="$TMP/r1"; mkdir -p "$ROUND_DIR"; chmod 755 "$ROUND_DIR"
  TESSERA_EXTRA_ENV="Tessera__Orleans__IdleDeactivationMinutes=0.5 ${TESSERA_EXTRA_ENV:-}"
  [ "$STORE" = sqlite ] || start_postgres
  start_tessera "$([ "$STORE" = sqlite ] && echo sqlite || echo pg)"
  node "$BENCH/lib/databases.mjs" --url "$TESSERA_BASE" --pid "$SERVER_PID" --count "$DATABASES" \
    --settle-seconds 90 --out "$RESULTS/$RUN_ID-databases.json" || FAILED=1
  exit "$FAILED"
fi

BASE_FILES=() CAND_FILES=() DIRECT_FILES=() GATEWAY_FILES=()
for round in $(seq 1 "$ROUNDS"); do
  ROUND_DIR="$TMP/r$round"; mkdir -p "$ROUND_DIR"; chmod 755 "$ROUND_DIR"
  R="$RUN_ID-r$round"
  [ "$ROUNDS" -gt 1 ] && log "round $round of $ROUNDS"
  BENCH_ARGS=(--only "$ONLY" --run-id "$R" --wait-quiet "$WAIT_QUIET")
  [ "$QUICK" = 1 ] && BENCH_ARGS+=(--quick)

  # baseline: pouchdb-server
  out="$RESULTS/$R-pouchdb-server.json"
  if [ "$TESSERA_ONLY" = 1 ]; then
    :
  elif [ -n "$BASELINE_URL" ]; then
    run_bench pouchdb-server "$BASELINE_URL" "$out" --drop-dbs; BASE_FILES+=(--baseline "$out")
  else
    start_pouchdb "$ROUND_DIR/pouchdb"
    run_bench pouchdb-server "$POUCH_URL" "$out" --server-pids "$SERVER_PID"
    check_alive pouchdb-server "$ROUND_DIR/pouchdb/stdout.log"
    stop_server
    BASE_FILES+=(--baseline "$out")
  fi

  # candidates
  if [ "$BASELINE_ONLY" = 1 ]; then
    :
  elif [ "$SELF_TEST" = 1 ]; then
    out="$RESULTS/$R-pouchdb-self-test.json"
    start_pouchdb "$ROUND_DIR/pouchdb-self-test"
    run_bench pouchdb-self-test "$POUCH_URL" "$out" --server-pids "$SERVER_PID"
    check_alive pouchdb-self-test "$ROUND_DIR/pouchdb-self-test/stdout.log"
    stop_server
    CAND_FILES+=(--candidate "$out")
  elif [ -n "$TESSERA_URL" ]; then
    out="$RESULTS/$R-tessera.json"
    run_bench tessera "$TESSERA_URL" "$out" --drop-dbs
    CAND_FILES+=(--candidate "$out")
  else
    for store in "${STORES[@]}"; do
      out="$RESULTS/$R-tessera-$store.json"
      if [ "$store" = pg ]; then start_postgres; fi
      start_tessera "$store"
      pids=("$SERVER_PID")
      # Count PostgreSQL's CPU too: its postmaster pid is line 1 of postmaster.pid.
      [ "$store" = pg ] && pids+=("$(head -n1 "$PGDATA_DIR/postmaster.pid")")
      if [ "$GATEWAY" = 1 ]; then
        # The gateway runs during both measurements, so the only difference is the hop through it;
        # its CPU counts as server CPU in both. Separate run ids keep the two sets of databases apart.
        start_gateway "$TESSERA_ROOT"
        pids+=("$GATEWAY_PID")
        # Untimed quick passes on both paths first: a freshly started .NET process spends its first seconds
        # compiling (tiered JIT), and neither side should be measured while it does. Two passes: a gateway
        # started this late is still recompiling hot methods (tier 1, PGO) for about 60,000 requests, more
        # than one quick pass sends (measured in session 4, see docs/benchmarks.md).
        for pass in 1 2; do
          run_bench "warmup-direct" "$TESSERA_BASE" "$ROUND_DIR/warmup-direct-$pass.json" --quick --run-id "${R}wd$pass"
          run_bench "warmup-gateway" "$GATEWAY_BASE" "$ROUND_DIR/warmup-gateway-$pass.json" --quick --run-id "${R}wg$pass"
        done
        # Per workload, direct then through the gateway: both sides of a comparison meet the same database
        # state (tables grown by earlier writes, autovacuum), which a whole direct pass then a whole gateway
        # pass would not give them.
        for wl in ${ONLY//,/ }; do
          out="$RESULTS/$R-tessera-$store-$wl.json"
          run_bench "tessera-$store" "$TESSERA_BASE" "$out" --server-pids "$(IFS=,; echo "${pids[*]}")" --only "$wl" --run-id "${R}d$wl"
          check_alive "tessera-$store" "$ROUND_DIR/tessera-$store/server.log"
          DIRECT_FILES+=(--direct "$out")
          out="$RESULTS/$R-tessera-$store-$wl-gateway.json"
          run_bench "tessera-$store-gateway" "$GATEWAY_BASE" "$out" --server-pids "$(IFS=,; echo "${pids[*]}")" --only "$wl" --run-id "${R}g$wl"
          check_alive "tessera-$store" "$ROUND_DIR/tessera-$store/server.log"
          if ! kill -0 "$GATEWAY_PID" 2>/dev/null; then log "gateway EXITED during the run"; show_log "$ROUND_DIR/gateway.log"; FAILED=1; fi
          GATEWAY_FILES+=(--gateway "$out")
        done
        stop_gateway
      else
        warm_up "tessera-$store" "$TESSERA_BASE"
        run_bench "tessera-$store" "$TESSERA_BASE" "$out" --server-pids "$(IFS=,; echo "${pids[*]}")"
        check_alive "tessera-$store" "$ROUND_DIR/tessera-$store/server.log"
      fi
      stop_server
      stop_pg
      CAND_FILES+=(--candidate "$out")
    done
  fi
done

# ---- 5. report (with several rounds: per workload, the round with the median rate) ----------
if [ "$GATEWAY" = 1 ]; then
  node "$BENCH/lib/gateway-report.mjs" "${DIRECT_FILES[@]}" "${GATEWAY_FILES[@]}" \
    --out "$RESULTS/$RUN_ID-gateway.json" --command "bench/run.sh $ORIG_ARGS" --commit "$COMMIT" || FAILED=1
  exit "$FAILED"
fi
node "$BENCH/lib/report.mjs" "${BASE_FILES[@]}" "${CAND_FILES[@]}" \
  --out "$RESULTS/$RUN_ID.json" --command "bench/run.sh $ORIG_ARGS" --commit "$COMMIT" || FAILED=1
exit "$FAILED"
}
