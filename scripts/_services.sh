# Sourced by test.sh and with_services.sh: start a throwaway PostgreSQL and Redis on free
# ports, export DATABASE_URL and CELERY_BROKER_URL, and stop both when the shell exits.
start_services() {
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    echo "PostgreSQL server binaries not found (apt-get install postgresql)." >&2
    exit 2
  fi
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "redis-server not found (apt-get install redis-server)." >&2
    exit 2
  fi

  free_port() { .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

  WORK="$(mktemp -d /tmp/attendance-test.XXXXXX)"
  chmod 755 "$WORK"
  PG_PORT="$(free_port)"
  REDIS_PORT="$(free_port)"

  # initdb refuses to run as root: run the server as the unprivileged postgres user then.
  as_pg() {
    if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
  }
  if [ "$(id -u)" = "0" ]; then chown postgres "$WORK"; fi

  cleanup() {
    as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true
    if [ -f "$WORK/redis.pid" ]; then kill "$(cat "$WORK/redis.pid")" 2>/dev/null || true; fi
    rm -rf "$WORK"
  }
  trap cleanup EXIT INT TERM

  as_pg "$PG_BIN/initdb" -D "$WORK/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1 \
    || { cat "$WORK/initdb.log" >&2; exit 2; }
  as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" -w -o \
    "-p $PG_PORT -k $WORK -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null || { cat "$WORK/pg.log" >&2; exit 2; }

  as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres attendance

  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize yes --pidfile "$WORK/redis.pid" --dir "$WORK" --logfile "$WORK/redis.log"
  for _ in $(seq 50); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
  done

  export DATABASE_URL="postgres://postgres@127.0.0.1:${PG_PORT}/attendance"
  export CELERY_BROKER_URL="redis://127.0.0.1:${REDIS_PORT}/0"
  export TEST_REDIS_URL="$CELERY_BROKER_URL"
  export PRIVATE_MEDIA_ROOT="$WORK/media"
}
