#!/usr/bin/env bash
# The simulator's demand as HTTP load against `lotse serve` on loopback (Docs/BENCHMARKS.md, Docs/SIMULATION.md):
# dispatch → announce → acknowledge → arrival per mission, plus bed and status reports, latency per request type.
# Usage: bash Benchmarks/http/sim-load.sh [clients, default 16] [missions, default 5000] [extra lotse-sim http options…]
set -euo pipefail
cd "$(dirname "$0")/../.."
clients=${1:-16}
missions=${2:-5000}
shift $(( $# > 2 ? 2 : $# ))
swift build -c release --product lotse --product lotse-sim >/dev/null
tmp=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
# The per-token rate limit (default 200/s) is lifted: each client is one token.
LOG_LEVEL=error .build/release/lotse serve --demo --db "$tmp/lotse.sqlite" --port 0 --rate-limit 10000000 > "$tmp/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 60); do grep -q "Lotse läuft auf" "$tmp/serve.log" && break; sleep 0.5; done
base=$(grep -o "http://127.0.0.1:[0-9]*" "$tmp/serve.log" | head -1)
echo "server $base (pid $server), $(nproc) cores, $clients clients, $missions missions"
.build/release/lotse-sim http --url "$base" --signing-key "$tmp/lotse.sqlite.signing-key.pem" --clients "$clients" --missions "$missions" --report out/http "$@"
