#!/usr/bin/env bash
# A private, throwaway PostgreSQL for Lotse's tests and local multi-node runs (Debian's `postgresql` package).
#   bash scripts/postgres-test-instance.sh start   # prints the store URL to use (LOTSE_TEST_POSTGRES / --store)
#   bash scripts/postgres-test-instance.sh stop
# Env: LOTSE_PG_DATA (default /tmp/lotse-pg), LOTSE_PG_PORT (default 25432).
# The server runs as the `postgres` system user, listens on 127.0.0.1 only, role/database `lotse`, password `lotse`.
set -euo pipefail
PGDATA=${LOTSE_PG_DATA:-/tmp/lotse-pg}
PGPORT=${LOTSE_PG_PORT:-25432}  # below the ephemeral range (32768–60999): no outgoing connection can hold it
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$PGBIN" ]; then
  echo "PostgreSQL ist nicht installiert (Debian: apt-get install -y postgresql)" >&2
  exit 1
fi
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "${1:-start}" in
  start)
    if as_pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
      echo "postgres://lotse:lotse@127.0.0.1:$PGPORT/lotse"; exit 0
    fi
    rm -rf "$PGDATA"
    if [ "$(id -u)" = 0 ]; then install -d -o postgres -g postgres "$PGDATA"; else mkdir -p "$PGDATA"; fi
    as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k /tmp -c max_connections=300 -c fsync=on -c synchronous_commit=on" start >/dev/null
    as_pg psql -h /tmp -p "$PGPORT" -U postgres -q -v ON_ERROR_STOP=1 \
      -c "CREATE ROLE lotse LOGIN PASSWORD 'lotse' CREATEDB" -c "CREATE DATABASE lotse OWNER lotse"
    echo "postgres://lotse:lotse@127.0.0.1:$PGPORT/lotse"
    ;;
  stop)
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true
    ;;
  status)
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1
    ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 64 ;;
esac
