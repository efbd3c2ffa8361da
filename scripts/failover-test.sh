#!/usr/bin/env bash
# Failover test (issue 11): a PostgreSQL primary with a synchronous hot standby (pg_basebackup, streaming
# replication, synchronous_commit = remote_apply), writes under load from Lotse's store adapter and a `lotse serve`
# node — both with the host list `primary,standby` — then the primary is killed (SIGKILL), the standby promoted, and:
#   * every append acknowledged before, during and after the failover is on the promoted server (same position,
#     stream and version), positions gap-free;
#   * while no server accepts writes the node answers commands 503 with Retry-After, queries with Lotse-Data-Age,
#     /readyz unready; it reconnects by itself (its /readyz turns ready again, a write through it succeeds);
#   * the time without acknowledged writes is measured and printed.
# Needs a debug build (`swift build`) and Debian's postgresql. Usage: bash scripts/failover-test.sh [report.md]
set -euo pipefail
cd "$(dirname "$0")/.."
export LOTSE_PG_PRIMARY_PORT=25433 LOTSE_PG_STANDBY_PORT=25434
S_PORT=$LOTSE_PG_STANDBY_PORT
S_DIR=${LOTSE_PG_STANDBY_DIR:-/tmp/lotse-pg-standby}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
work=$(mktemp -d)
report=${1:-}
node=""; load=""; reader=""
cleanup() {
  status=$?
  if [ "$status" != 0 ] && [ -f "$work/node.log" ]; then
    # A failed run explains itself: the node's own account (subscription warnings, store errors) and its readiness.
    echo "== failed (exit $status); the node's log without its access lines, last 40:" >&2
    grep -v '"method":' "$work/node.log" | tail -40 >&2 || true
    [ -n "${base:-}" ] && { echo "readyz: $(curl -s "$base/readyz" || true)" >&2; } || true
  fi
  [ -n "$node" ] && kill "$node" 2>/dev/null || true
  [ -n "$reader" ] && kill "$reader" 2>/dev/null || true
  [ -n "$load" ] && kill "$load" 2>/dev/null || true
  bash scripts/postgres-standby.sh stop
  rm -rf "$work"
}
trap cleanup EXIT
ms() { date +%s%3N; }

echo "== primary with a synchronous standby (scripts/postgres-standby.sh)"
URL=$(bash scripts/postgres-standby.sh start)

# The nodes share one JWKS file (the first node's --demo creates it with the signing key of the printed tokens) and one
# master key file (the first node creates it).
export LOTSE_JWKS="$work/jwks.json" LOTSE_SIGNING_KEY="$work/signing-key.pem" LOTSE_MASTER_KEY="$work/master-key"
echo "== a lotse node on $URL, and the append load (8 writers, retrying with the same idempotency key)"
.build/debug/lotse serve --store "$URL" --demo --port 0 > "$work/node.log" 2>&1 &
node=$!
for _ in $(seq 1 120); do grep -q "Lotse läuft auf" "$work/node.log" && break; sleep 0.5; done
base=$(grep -o "http://127.0.0.1:[0-9]*" "$work/node.log" | head -1)
admin=$(grep -A1 "Betrieb / ÄLRD" "$work/node.log" | tail -1 | tr -d ' ')
.build/debug/lotse-append-load --db "$URL" --count 100000000 --writers 8 --retry --timestamps > "$work/acks.txt" 2> "$work/load.err" &
load=$!
t0=$(ms)

echo "== a read-only node on the standby answers queries and refuses writes"
.build/debug/lotse serve \
  --store "postgres://lotse:lotse@127.0.0.1:$S_PORT/lotse?target_session_attrs=any" --port 0 > "$work/reader.log" 2>&1 &
reader=$!
for _ in $(seq 1 120); do grep -q "Lotse läuft auf" "$work/reader.log" && break; sleep 0.5; done
rbase=$(grep -o "http://127.0.0.1:[0-9]*" "$work/reader.log" | head -1)
code=$(curl -s -o "$work/r.json" -w '%{http_code}' -H "Authorization: Bearer $admin" "$rbase/v1/dispatch?pzc=421701&lat=54.63&lon=13.22&limit=1")
echo "dispatch on the standby node: HTTP $code"; [ "$code" = 200 ]; grep -q '"hospitalId"' "$work/r.json"
code=$(curl -s -o "$work/r.json" -w '%{http_code}' -X PUT -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d '{"status":"available"}' "$rbase/v1/hospitals/771436/resources/stroke-unit/status")
echo "write on the standby node: HTTP $code (refused: a standby is read-only)"; [ "$code" = 503 ]
kill "$reader"; reader=""
sleep 2
echo "acks before the failover: $(wc -l < "$work/acks.txt")"

echo "== kill -9 the primary, promote the standby"
kill_at=$(ms)
bash scripts/postgres-standby.sh kill-primary
# While no server accepts writes: commands 503 with Retry-After, queries answer with their age, /readyz unready.
code=$(curl -s -o "$work/w.json" -D "$work/w.h" -w '%{http_code}' -X PUT -H "Authorization: Bearer $admin" \
  -H 'Content-Type: application/json' -d '{"status":"available"}' "$base/v1/hospitals/771436/resources/stroke-unit/status")
echo "write while the primary is down: HTTP $code, $(grep -i '^retry-after' "$work/w.h" | tr -d '\r')"
[ "$code" = 503 ] && grep -qi '^retry-after: ' "$work/w.h" && grep -q 'problem' "$work/w.h"
code=$(curl -s -o "$work/q.json" -D "$work/q.h" -w '%{http_code}' -H "Authorization: Bearer $admin" \
  "$base/v1/dispatch?pzc=421701&lat=54.63&lon=13.22&limit=1")
echo "dispatch while the primary is down: HTTP $code, $(grep -i '^lotse-data-age' "$work/q.h" | tr -d '\r')"
[ "$code" = 200 ] && grep -qi '^lotse-data-age: ' "$work/q.h" && grep -q '"hospitalId"' "$work/q.json"
code=$(curl -s -o "$work/rz.json" -w '%{http_code}' "$base/readyz")
echo "readyz while the primary is down: HTTP $code $(cat "$work/rz.json")"
[ "$code" = 503 ]
sleep 1   # what an operator's (or a tool's) detection takes at least
bash scripts/postgres-standby.sh promote
promoted_at=$(ms)
echo "killed at $(( kill_at - t0 )) ms, promoted at $(( promoted_at - t0 )) ms (after start of the load)"
sleep 4
kill "$load"; wait "$load" 2>/dev/null || true; load=""

echo "== the node reconnects by itself"
ready=""
for _ in $(seq 1 60); do
  ready=$(curl -s "$base/readyz" || true)
  echo "$ready" | grep -q '"status":"ready"' && break; sleep 0.5
done
echo "readyz: $ready"
echo "$ready" | grep -q '"status":"ready"'
code=$(curl -s -o "$work/put.json" -w '%{http_code}' -X PUT -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d '{"status":"available"}' "$base/v1/hospitals/771436/resources/stroke-unit/status")
echo "write through the node after failover: HTTP $code $(cat "$work/put.json")"
[ "$code" = 200 ]

echo "== every acknowledged append is on the promoted server"
as_pg psql -h /tmp -p $S_PORT -U postgres -d lotse -Atc "SELECT position, stream_id, stream_version FROM lotse_events ORDER BY position" > "$work/log.txt"
python3 - "$work/acks.txt" "$work/log.txt" "$kill_at" "$promoted_at" "$report" <<'PY'
import sys
acks_path, log_path, kill_at, promoted_at, report = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
log = {}
positions = []
for line in open(log_path):
    p, s, v = line.strip().split("|")
    log[int(p)] = (s, int(v)); positions.append(int(p))
assert positions == list(range(1, len(positions) + 1)), "positions are not gap-free"
acks = []
for line in open(acks_path):
    f = line.split()
    if len(f) == 5 and f[0] == "ack":
        acks.append((int(f[1]), f[2], int(f[3]), int(f[4])))
missing = [a for a in acks if log.get(a[0]) != (a[1], a[2])]
t0 = min(a[3] for a in acks)  # all times in Unix milliseconds of this machine; shown relative to the first ack
kill_at, promoted_at = kill_at - t0, promoted_at - t0
acks = [(p, s, v, t - t0) for p, s, v, t in acks]
before = [a for a in acks if a[3] < kill_at]
after = [a for a in acks if a[3] > kill_at]
# The write downtime: the longest time without any acknowledgement (in steady state they come every millisecond).
times = sorted(a[3] for a in acks)
gap, last_before, first_after = max(((b - a, a, b) for a, b in zip(times, times[1:])), default=(None, None, None))
down = gap
lines = [
    f"acknowledged appends: {len(acks)} ({len(before)} before the kill, {len(after)} after); log on the promoted server: {len(positions)} events, gap-free",
    f"acknowledged but missing on the promoted server: {len(missing)}",
    f"primary killed at {kill_at} ms, standby promoted at {promoted_at} ms after the first acknowledged append (1 s of 'detection' and the probes included)",
    f"longest time without an acknowledged write: {last_before} ms to {first_after} ms = write downtime {down} ms "
    f"(writes resumed {first_after - promoted_at if first_after else '-'} ms after the promotion returned)",
]
print("\n".join(lines))
if report:
    with open(report, "a") as f: f.write("\n".join("- " + l for l in lines) + "\n")
assert not missing, f"acknowledged writes lost: {missing[:5]}"
assert after, "no write was acknowledged after the failover"
PY
echo "== failover test passed"
