#!/usr/bin/env bash
# HTTP benchmarks of `lotse serve` on loopback (Docs/BENCHMARKS.md): wrk against a trivial endpoint (/healthz)
# and the dispatch query in the same run, durable capacity updates over HTTP beside the stack's durable-write ceiling
# (Benchmarks/HTTPCeiling), and SSE fan-out to 1 000 clients.
# Needs: wrk (Debian), python3.
# Usage: [LOTSE_BIN=path/to/lotse] [CEILING_BIN=path/to/HTTPCeiling] bash Benchmarks/http/run.sh [seconds per wrk run, default 10]
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-10}
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }
# LOTSE_BIN: another build of lotse to measure (a before/after comparison); by default this checkout's release build.
# CEILING_BIN: the durable-write ceiling's server (Benchmarks/HTTPCeiling), by default this checkout's release build.
# Both are built before any server starts (a build between two measurements would be measured too).
lotse=${LOTSE_BIN:-.build/release/lotse}
ceiling_bin=${CEILING_BIN:-.build/release/HTTPCeiling}
[ -n "${LOTSE_BIN:-}" ] || swift build -c release --product lotse >/dev/null
[ -n "${CEILING_BIN:-}" ] || swift build -c release --product HTTPCeiling >/dev/null
for b in "$lotse" "$ceiling_bin"; do [ -x "$b" ] || { echo "not executable: $b" >&2; exit 1; }; done
tmp=$(mktemp -d)
server=""
tls_server=""
ceiling=""
cleanup() { for p in $server $tls_server $ceiling; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
# The per-token limits (200 req/s, 8 open streams) are lifted: wrk and the 1 000 SSE clients use one token each.
LOG_LEVEL=error "$lotse" serve --demo --db "$tmp/lotse.sqlite" --port 0 --rate-limit 10000000 --max-streams 1000 > "$tmp/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 60); do grep -q "Lotse läuft auf" "$tmp/serve.log" && break; sleep 0.5; done
base=$(grep -o "http://127.0.0.1:[0-9]*" "$tmp/serve.log" | head -1)
dispatcher=$(grep -A1 "dispatcher Leitstelle" "$tmp/serve.log" | tail -1 | tr -d ' ')
admin=$(grep -A1 "admin      Betrieb" "$tmp/serve.log" | tail -1 | tr -d ' ')
echo "server $base (pid $server), $(nproc) cores, wrk -t1 -c50 -d${secs}s --latency"

run() { # name, wrk args...
  local name=$1; shift
  wrk -t1 -c50 -d"${secs}s" --latency "$@" > "$tmp/$name.txt"
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$tmp/$name.txt")
  p50=$(awk '$1=="50%" {print $2}' "$tmp/$name.txt")
  p99=$(awk '$1=="99%" {print $2}' "$tmp/$name.txt")
  local non2xx
  non2xx=$(awk '/Non-2xx/ {print $5}' "$tmp/$name.txt")
  printf "%-34s %10s req/s   p50 %8s   p99 %8s   non-2xx %s\n" "$name" "$rps" "$p50" "$p99" "${non2xx:-0}"
  echo "$rps" > "$tmp/$name.rps"
}

run healthz "$base/healthz"
run ping-authenticated -H "Authorization: Bearer $dispatcher" "$base/v1/ping"
# The same trivial route with an answer as large as the dispatch answer: the stack's ceiling for that size.
answer_bytes=$(curl -s -H "Authorization: Bearer $dispatcher" "$base/v1/dispatch?pzc=421701&lat=54.63&lon=13.22&limit=10" | wc -c)
run ping-padded -H "Authorization: Bearer $dispatcher" "$base/v1/ping?pad=$answer_bytes"
run hospital-read -H "Authorization: Bearer $dispatcher" "$base/v1/hospitals/772096"
run dispatch -H "Authorization: Bearer $dispatcher" "$base/v1/dispatch?pzc=421701&lat=54.63&lon=13.22&limit=10"
python3 - "$tmp" <<'PY'
import sys
d = sys.argv[1]
h = float(open(f"{d}/healthz.rps").read()); r = float(open(f"{d}/dispatch.rps").read())
a = float(open(f"{d}/ping-authenticated.rps").read())
pp = float(open(f"{d}/ping-padded.rps").read())
print(f"dispatch / /v1/ping (same authentication) throughput ratio: {r / a:.2f} (target >= 0.70)")
print(f"/v1/ping with an answer of the dispatch answer's size / /v1/ping: {pp / a:.2f}; dispatch / that: {r / pp:.2f}")
print(f"dispatch / healthz (no authentication) throughput ratio: {r / h:.2f}")
PY

# The same over HTTPS: a second server on the same log with a certificate from a throwaway CA (openssl), HTTP/1.1
# keep-alive (wrk speaks HTTP/1.1 over TLS), measured right after the plain run.
(cd "$tmp" && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 1 \
   -subj "/CN=bench-ca" -addext basicConstraints=critical,CA:TRUE >/dev/null 2>&1 \
 && openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout tls.key -out tls.csr -subj "/CN=127.0.0.1" >/dev/null 2>&1 \
 && printf "subjectAltName=IP:127.0.0.1\n" > tls.ext \
 && openssl x509 -req -in tls.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out tls.crt -days 1 -extfile tls.ext >/dev/null 2>&1)
LOG_LEVEL=error "$lotse" serve --db "$tmp/lotse.sqlite" --port 0 --rate-limit 10000000 \
  --tls-cert "$tmp/tls.crt" --tls-key "$tmp/tls.key" > "$tmp/tls.log" 2>&1 &
tls_server=$!
for _ in $(seq 1 60); do grep -q "Lotse läuft auf" "$tmp/tls.log" && break; sleep 0.5; done
tls_base=$(grep -o "https://127.0.0.1:[0-9]*" "$tmp/tls.log" | head -1)
run healthz-https "$tls_base/healthz"
run dispatch-https -H "Authorization: Bearer $dispatcher" "$tls_base/v1/dispatch?pzc=421701&lat=54.63&lon=13.22&limit=10"
kill "$tls_server"; wait "$tls_server" 2>/dev/null || true
tls_server=""
python3 - "$tmp" <<'PY'
import sys
d = sys.argv[1]
rps = lambda n: float(open(f"{d}/{n}.rps").read())
print(f"HTTPS / HTTP: dispatch {rps('dispatch-https') / rps('dispatch'):.2f}, healthz {rps('healthz-https') / rps('healthz'):.2f}")
PY

# Durable capacity updates over HTTP (Benchmarks/http/durable-update.lua).
export LOTSE_TOKEN=$admin
run durable-update -s Benchmarks/http/durable-update.lua "$base"
# The stack's own ceiling for a durable write in the same run (Benchmarks/HTTPCeiling): lotse serve's middleware and
# token check in front of a plain append of an event of the same size to an SQLite log (same adapter, group commit),
# the same requests — no command, no state, no projection. Then the status updates once more (the VM's phases).
mkdir "$tmp/ceiling"
"$ceiling_bin" "$tmp/ceiling" > "$tmp/ceiling.log" 2>&1 &
ceiling=$!
for _ in $(seq 1 60); do grep -q "^token" "$tmp/ceiling.log" && break; sleep 0.5; done
ceiling_base=$(grep -o "http://127.0.0.1:[0-9]*" "$tmp/ceiling.log" | head -1)
ceiling_token=$(awk '/^token/ {print $2}' "$tmp/ceiling.log")
[ -n "$ceiling_base" ] && [ -n "$ceiling_token" ] || { echo "the ceiling server did not start:" >&2; cat "$tmp/ceiling.log" >&2; exit 1; }
LOTSE_TOKEN=$ceiling_token run durable-ceiling -s Benchmarks/http/durable-update.lua "$ceiling_base"
kill "$ceiling"; wait "$ceiling" 2>/dev/null || true
ceiling=""
run durable-update-again -s Benchmarks/http/durable-update.lua "$base"
python3 - "$tmp" <<'PY'
import sys
d = sys.argv[1]
rps = lambda n: float(open(f"{d}/{n}.rps").read())
# A refused write (401, 429, 4xx) is no write: a durable run with any non-2xx answer measures nothing.
for n in ("durable-update", "durable-ceiling", "durable-update-again"):
    if "Non-2xx" in open(f"{d}/{n}.txt").read():
        sys.exit(f"{n}: answers other than 2xx — not a measurement of durable writes")
print(f"durable updates / the stack's durable-write ceiling: {rps('durable-update') / rps('durable-ceiling'):.2f}, "
      f"{rps('durable-update-again') / rps('durable-ceiling'):.2f} (target 15 000/s; the ceiling {rps('durable-ceiling'):.0f}/s)")
PY

echo "SSE fan-out:"
# The epoll client (sse_fanout_epoll.py): the asyncio client (sse_fanout.py, the yardstick until issue 16) spends
# 20–60 µs of Python per socket read, so its own queue of 1 000 reads sat inside the latency it measured.
python3 Benchmarks/http/sse_fanout_epoll.py "$base" "$dispatcher" "$admin" 1000
