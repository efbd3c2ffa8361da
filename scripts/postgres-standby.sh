#!/usr/bin/env bash
# A PostgreSQL primary with a synchronous hot standby on this machine (streaming replication from pg_basebackup,
# synchronous_commit = remote_apply: an acknowledged commit is applied on the standby), for the failover test and the
# benchmarks. Docs/OPERATIONS.md describes the same set-up on two machines.
#   bash scripts/postgres-standby.sh start   # prints the host-list URL: postgres://lotse:lotse@127.0.0.1:25433,127.0.0.1:25434/lotse
#   bash scripts/postgres-standby.sh stop
# Env: LOTSE_PG_PRIMARY_DIR, LOTSE_PG_STANDBY_DIR, LOTSE_PG_PRIMARY_PORT (25433), LOTSE_PG_STANDBY_PORT (25434).
set -euo pipefail
# The ports lie below Linux's ephemeral range (32768–60999): an outgoing connection may hold any port in it, and a
# server that cannot bind its port fails the run ("Address already in use").
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
[ -n "$PGBIN" ] || { echo "PostgreSQL ist nicht installiert (Debian: apt-get install -y postgresql)" >&2; exit 1; }
P_DIR=${LOTSE_PG_PRIMARY_DIR:-/tmp/lotse-pg-primary} S_DIR=${LOTSE_PG_STANDBY_DIR:-/tmp/lotse-pg-standby}
P_PORT=${LOTSE_PG_PRIMARY_PORT:-25433} S_PORT=${LOTSE_PG_STANDBY_PORT:-25434}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir_pg() { rm -rf "$1"; if [ "$(id -u)" = 0 ]; then install -d -m 0700 -o postgres -g postgres "$1"; else mkdir -p -m 0700 "$1"; fi; }
stop() {
  as_pg "$PGBIN/pg_ctl" -D "$S_DIR" -m immediate stop >/dev/null 2>&1 || true
  as_pg "$PGBIN/pg_ctl" -D "$P_DIR" -m immediate stop >/dev/null 2>&1 || true
}
case "${1:-start}" in
  start)
    stop
    mkdir_pg "$P_DIR"
    as_pg "$PGBIN/initdb" -D "$P_DIR" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >> "$P_DIR/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $P_PORT
unix_socket_directories = '/tmp'
max_connections = 200
wal_level = replica
max_wal_senders = 5
CONF
    as_pg "$PGBIN/pg_ctl" -D "$P_DIR" -l "$P_DIR/server.log" -w -t 60 start >/dev/null
    as_pg psql -h /tmp -p "$P_PORT" -U postgres -q -v ON_ERROR_STOP=1 -c "CREATE ROLE lotse LOGIN PASSWORD 'lotse'" -c "CREATE DATABASE lotse OWNER lotse"
    mkdir_pg "$S_DIR"
    as_pg "$PGBIN/pg_basebackup" -D "$S_DIR" -h /tmp -p "$P_PORT" -U postgres -X stream -R --checkpoint=fast
    cat >> "$S_DIR/postgresql.auto.conf" <<CONF
primary_conninfo = 'host=/tmp port=$P_PORT user=postgres application_name=lotse_standby'
port = $S_PORT
hot_standby = on
CONF
    as_pg "$PGBIN/pg_ctl" -D "$S_DIR" -l "$S_DIR/server.log" -w -t 60 start >/dev/null
    # Synchronous only once the standby is attached (before, every commit would wait for it).
    as_pg psql -h /tmp -p "$P_PORT" -U postgres -q -v ON_ERROR_STOP=1 -c "ALTER SYSTEM SET synchronous_standby_names = 'lotse_standby'" \
      -c "ALTER SYSTEM SET synchronous_commit = 'remote_apply'" -c "SELECT pg_reload_conf()" >/dev/null
    state=""
    for _ in $(seq 1 100); do
      state=$(as_pg psql -h /tmp -p "$P_PORT" -U postgres -Atc "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'lotse_standby'")
      [ "$state" = sync ] && break; sleep 0.1
    done
    [ "$state" = sync ] || { echo "standby not synchronous: '$state'" >&2; exit 1; }
    echo "postgres://lotse:lotse@127.0.0.1:$P_PORT,127.0.0.1:$S_PORT/lotse"
    ;;
  stop) stop ;;
  promote) as_pg "$PGBIN/pg_ctl" -D "$S_DIR" -w promote >/dev/null ;;
  # The primary dies: the postmaster and every backend at once (as when its machine goes down).
  kill-primary) pid=$(head -1 "$P_DIR/postmaster.pid"); kill -9 "$pid" $(pgrep -P "$pid") ;;
  *) echo "usage: $0 start|stop|promote|kill-primary" >&2; exit 64 ;;
esac
