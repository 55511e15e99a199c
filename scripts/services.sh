#!/usr/bin/env bash
# Private PostgreSQL 15 + Redis on loopback ports, with all state in one folder: for the system tests, the cluster
# test and the benchmark. Never touches the machine's own database or Redis.
#
#   bash scripts/services.sh start   # (re)starts both; prints `export TEST_DATABASE_URL=… TEST_REDIS_URL=…`
#   bash scripts/services.sh stop    # stops both and removes the folder
#   bash scripts/services.sh env     # prints the exports of the running services
#   bash scripts/services.sh status
#
# SYSPONTO_SERVICES_DIR (default /tmp/sysponto-services) holds the data, sockets, logs and the env file;
# PG_PORT / REDIS_PORT pick the ports (default: free ones). As root the database runs as the `postgres` user.
set -euo pipefail

DIR=${SYSPONTO_SERVICES_DIR:-/tmp/sysponto-services}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
ENV_FILE=$DIR/env

log() { echo "services: $*" >&2; }

as_pg() {
  if [[ $(id -u) -eq 0 ]]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

stop_all() {
  if [[ -f $DIR/pg/postmaster.pid ]]; then
    as_pg "'$PG_BIN/pg_ctl' -D '$DIR/pg' -m fast -w -t 20 stop" >/dev/null 2>&1 ||
      as_pg "'$PG_BIN/pg_ctl' -D '$DIR/pg' -m immediate -w -t 10 stop" >/dev/null 2>&1 || true
    # A postmaster that ignored pg_ctl (or lost its folder) is killed by its pid.
    local pid
    pid=$(head -1 "$DIR/pg/postmaster.pid" 2>/dev/null || true)
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  if [[ -f $DIR/redis.pid ]]; then
    local rpid
    rpid=$(cat "$DIR/redis.pid" 2>/dev/null || true)
    if [[ -n $rpid ]] && kill -0 "$rpid" 2>/dev/null; then
      kill "$rpid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$rpid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$rpid" 2>/dev/null || true
    fi
  fi
  rm -rf "$DIR"
}

start_all() {
  [[ -x $PG_BIN/initdb ]] || { log "PostgreSQL 15 is missing: run scripts/install-system-deps.sh"; exit 1; }
  command -v redis-server >/dev/null || { log "redis-server is missing: run scripts/install-system-deps.sh"; exit 1; }
  [[ -d $DIR ]] && { log "cleaning leftovers in $DIR"; stop_all; }
  mkdir -p "$DIR/pg" "$DIR/run"
  chmod 755 "$DIR"
  [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$DIR/pg" "$DIR/run"
  chmod 700 "$DIR/pg"

  local pg_port=${PG_PORT:-$(free_port)} redis_port=${REDIS_PORT:-$(free_port)}
  as_pg "'$PG_BIN/initdb' -D '$DIR/pg' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >'$DIR/run/initdb.log' 2>&1" ||
    { cat "$DIR/run/initdb.log" >&2; exit 1; }
  # Tuned for throwaway test data on a small box: durability off, room for two replicas + tests + the benchmark.
  cat >>"$DIR/pg/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$DIR/run'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 256MB
max_wal_size = 2GB
log_min_messages = warning
CONF
  as_pg "'$PG_BIN/pg_ctl' -D '$DIR/pg' -l '$DIR/run/postgres.log' -w -t 30 start" >/dev/null ||
    { tail -20 "$DIR/run/postgres.log" >&2; exit 1; }

  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log" --dir "$DIR" --maxclients 10000 >/dev/null
  for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -p "$redis_port" ping >/dev/null || { tail -20 "$DIR/redis.log" >&2; exit 1; }

  cat >"$ENV_FILE" <<ENV
export TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$pg_port/postgres
export TEST_REDIS_URL=redis://127.0.0.1:$redis_port
export SYSPONTO_PG_PORT=$pg_port
export SYSPONTO_REDIS_PORT=$redis_port
export SYSPONTO_SERVICES_DIR=$DIR
ENV
  log "PostgreSQL 15 on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port (state in $DIR)"
  cat "$ENV_FILE"
}

case "${1:-}" in
  start) start_all ;;
  stop) stop_all; log "stopped" ;;
  env) [[ -f $ENV_FILE ]] && cat "$ENV_FILE" || { log "not running"; exit 1; } ;;
  status)
    if [[ -f $ENV_FILE ]]; then
      # shellcheck disable=SC1090
      source "$ENV_FILE"
      "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$SYSPONTO_PG_PORT" -q && echo "postgres: up" || echo "postgres: down"
      redis-cli -p "$SYSPONTO_REDIS_PORT" ping >/dev/null 2>&1 && echo "redis: up" || echo "redis: down"
    else echo "not running"; exit 1; fi
    ;;
  *) sed -n '2,12p' "$0"; exit 2 ;;
esac
