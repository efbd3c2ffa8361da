#!/usr/bin/env bash
# The server's CPU time per request (from /proc/<pid>/stat), for /v1/ping, /v1/ping with an answer as large as the
# dispatch answer, and /v1/dispatch — twice each, alternating. On two cores shared with wrk the throughput ratio
# swings with who gets the cores (wrk itself is the bottleneck for ping); CPU per request is the steadier yardstick.
# Usage: bash Benchmarks/http/cpu-per-request.sh [seconds per run, default 5]
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-5}
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }
swift build -c release --product lotse >/dev/null
tmp=$(mktemp -d)
LOG_LEVEL=error .build/release/lotse serve --demo --db "$tmp/lotse.sqlite" --port 0 --rate-limit 10000000 > "$tmp/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf $tmp' EXIT
for _ in $(seq 1 60); do grep -q "Lotse läuft auf" "$tmp/serve.log" && break; sleep 0.5; done
base=$(grep -o "http://127.0.0.1:[0-9]*" "$tmp/serve.log" | head -1)
dispatcher=$(grep -A1 "dispatcher Leitstelle" "$tmp/serve.log" | tail -1 | tr -d ' ')
ticks() { awk '{print $14+$15}' "/proc/$server/stat"; }
query="pzc=421701&lat=54.63&lon=13.22&limit=10"
bytes=$(curl -s -H "Authorization: Bearer $dispatcher" "$base/v1/dispatch?$query" | wc -c)
hz=$(getconf CLK_TCK)
for round in 1 2; do
  for path in "/v1/ping" "/v1/ping?pad=$bytes" "/v1/dispatch?$query"; do
    t0=$(ticks)
    out=$(wrk -t1 -c50 -d"${secs}s" -H "Authorization: Bearer $dispatcher" "$base$path")
    t1=$(ticks)
    python3 - "$path" "$t0" "$t1" "$hz" "$secs" <<PY
import sys
path, t0, t1, hz, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
out = """$out"""
rps = float([l.split()[1] for l in out.splitlines() if l.startswith("Requests/sec")][0])
n = int([l.split()[0] for l in out.splitlines() if "requests in" in l][0])
print(f"{path.split('&')[0][:28]:30s} {rps:8.0f} req/s   server CPU {(t1 - t0) / hz * 1e6 / n:6.1f} µs/request   server cores {(t1 - t0) / hz / secs:.2f}")
PY
  done
done
