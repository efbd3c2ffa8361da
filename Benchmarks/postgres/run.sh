#!/usr/bin/env bash
# PostgreSQL against SQLite in the same run (Docs/BENCHMARKS.md, issue 11):
#   1. in process (`swift package benchmark --target StoreBenchmarks`): durable appends, capacity updates through
#      CapacityService and the rebuild of 1 M events, on SQLite, PostgreSQL, and PostgreSQL with a synchronous standby;
#   2. over HTTP (wrk, 50 connections, Benchmarks/http/durable-update.lua): durable updates on a node on each store;
#   3. across nodes: two nodes on one PostgreSQL, write on A, visible on B (Benchmarks/postgres/cross_node.py).
# Needs wrk and postgresql (Debian). Usage: bash Benchmarks/postgres/run.sh [seconds per wrk run] [--no-inprocess]
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-10}
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }
tmp=$(mktemp -d)
out=${LOTSE_BENCH_OUT:-/tmp/lotse-pg-bench}   # the full results stay here
mkdir -p "$out"
pids=()
# A test instance that was already running (a developer's) stays running.
bash scripts/postgres-test-instance.sh status && keep_single=1 || keep_single=0
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ "$keep_single" = 1 ] || bash scripts/postgres-test-instance.sh stop
  bash scripts/postgres-standby.sh stop
  rm -rf "$tmp"
}
trap cleanup EXIT
single=$(bash scripts/postgres-test-instance.sh start)
sync=$(bash scripts/postgres-standby.sh start)
echo "PostgreSQL: $single; with synchronous standby: $sync; $(nproc) cores"

if [ "${2:-}" != "--no-inprocess" ]; then
  echo "== in process (StoreBenchmarks)"
  LOTSE_BENCH_POSTGRES=$single LOTSE_BENCH_POSTGRES_SYNC=$sync swift package benchmark --target StoreBenchmarks --format markdown \
    > "$out/inprocess.md" 2>&1
  grep -E "^### |^\| (Time \(wall clock\)|ack p|events/s)[^|]*\| *[0-9]" "$out/inprocess.md" || true
  echo "(all figures: $out/inprocess.md)"
fi

swift build -c release --product lotse >/dev/null
# The nodes share one JWKS file; node A's --demo creates it with the signing key lotse-sim signs with.
export LOTSE_JWKS="$tmp/jwks.json" LOTSE_SIGNING_KEY="$tmp/signing-key.pem"
node_base=""
start_node() { # log, store, extra args… → node_base, pid appended to pids (not in a subshell: cleanup kills it)
  local log=$1 store=$2; shift 2
  LOG_LEVEL=error .build/release/lotse serve --store "$store" --port 0 --rate-limit 10000000 "$@" > "$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do grep -q "Lotse läuft auf" "$log" && break; sleep 0.5; done
  node_base=$(grep -o "http://127.0.0.1:[0-9]*" "$log" | head -1)
}

echo "== over HTTP: durable updates (wrk -t1 -c50 -d${secs}s)"
for kind in sqlite postgres postgres-sync; do
  case $kind in
    sqlite) store="$tmp/lotse.sqlite" ;;
    postgres) store="$single?schema=http_bench" ;;
    postgres-sync) store="$sync?schema=http_bench" ;;
  esac
  start_node "$tmp/$kind.log" "$store" --demo
  base=$node_base
  export LOTSE_TOKEN=$(grep -A1 "Betrieb / ÄLRD" "$tmp/$kind.log" | tail -1 | tr -d ' ')
  wrk -t1 -c50 -d"${secs}s" --latency -s Benchmarks/http/durable-update.lua "$base" > "$tmp/$kind.wrk"
  printf "%-14s %10s updates/s   p50 %8s   p99 %8s   non-2xx %s\n" "$kind" \
    "$(awk '/Requests\/sec/ {print $2}' "$tmp/$kind.wrk")" "$(awk '$1=="50%" {print $2}' "$tmp/$kind.wrk")" \
    "$(awk '$1=="99%" {print $2}' "$tmp/$kind.wrk")" "$(awk '/Non-2xx/ {print $5}' "$tmp/$kind.wrk")"
  last=${pids[${#pids[@]}-1]}
  kill "$last"; wait "$last" 2>/dev/null || true
done

echo "== across nodes: write on A, visible on B (one PostgreSQL, no standby)"
start_node "$tmp/a.log" "$single?schema=cross_node" --demo
a=$node_base
start_node "$tmp/b.log" "$single?schema=cross_node"
b=$node_base
python3 Benchmarks/postgres/cross_node.py "$a" "$b" "$(grep -A1 "Betrieb / ÄLRD" "$tmp/a.log" | tail -1 | tr -d ' ')" 500

echo "== the simulator's demand as HTTP load against node B of the two-node setup (lotse-sim http)"
swift build -c release --product lotse-sim >/dev/null
.build/release/lotse-sim http --url "$b" --clients 16 --missions 2000 --report "$tmp/sim" \
  | grep -vE "^\s*$" | tail -25
