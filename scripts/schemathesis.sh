#!/usr/bin/env bash
# Fuzzes a live `lotse serve --demo` from Docs/openapi.yaml with Schemathesis (PyPI), once with the token of every
# role, and fails on any finding: a server error, a status or content type the document does not list, a response
# that does not match its schema. Usage: bash scripts/schemathesis.sh [seconds per role, default 36] [lotse binary]
set -euo pipefail
cd "$(dirname "$0")/.."
per_role=${1:-36}
lotse=${2:-.build/debug/lotse}
python3 -c "import schemathesis" 2>/dev/null || pip install -q "schemathesis>=4,<5"
tmp=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
# The rate limit is lifted (the fuzzer is one token per role); everything else as shipped.
LOG_LEVEL=error "$lotse" serve --demo --db "$tmp/lotse.sqlite" --port 0 --rate-limit 1000000 > "$tmp/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do grep -q "Lotse läuft auf" "$tmp/serve.log" && break; sleep 0.5; done
grep -q "Lotse läuft auf" "$tmp/serve.log" || { echo "lotse serve did not start" >&2; cat "$tmp/serve.log" >&2; exit 1; }
base=$(grep -o "http://127.0.0.1:[0-9]*" "$tmp/serve.log" | head -1)
failed=0
for role in "hospital   Sana-Krankenhaus Rügen" "dispatcher Leitstelle" "crew       RTW" "physician  Telenotarzt" "admin      Betrieb"; do
  token=$(grep -A1 "^  $role" "$tmp/serve.log" | tail -1 | tr -d ' ')
  name=${role%% *}
  [ -n "$token" ] || { echo "no demo token for $name in the server's output" >&2; exit 1; }
  echo "== Schemathesis as $name ($per_role s) against $base"
  if ! schemathesis run Docs/openapi.yaml --url "$base" -H "Authorization: Bearer $token" \
      --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
      --max-time "$per_role" --no-color --suppress-health-check all --warnings off \
      --report junit --report-dir "$tmp/report-$name" > "$tmp/st-$name.log" 2>&1; then
    failed=1
    sed -n '/FAILURES/,$p' "$tmp/st-$name.log" | head -150
  fi
  grep -E "^  [0-9]+ generated|Test cases:|generated," "$tmp/st-$name.log" | head -2 || true
  tail -1 "$tmp/st-$name.log"
done
if ! kill -0 "$server" 2>/dev/null; then echo "lotse serve died during the run" >&2; tail -20 "$tmp/serve.log" >&2; exit 1; fi
exit $failed
