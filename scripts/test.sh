#!/usr/bin/env bash
# Command 2: install test dependencies, start a throwaway PostgreSQL and Redis on free
# ports, run the whole pytest suite against them, stop both, exit with pytest's status.
# Extra arguments go to pytest (e.g. scripts/test.sh tests/journal -x).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_venv.sh
ensure_venv test

# Node packages of the browser tests (axe-core), from package-lock.json: installed when
# node_modules is missing or the lock changed since (npm keeps its copy of the lock there).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

. scripts/_services.sh
start_services

export DJANGO_SETTINGS_MODULE=attendance_portal.settings.test

# SKIP_CHECKS=1 skips lint and migration checks (for a quick local run of a few tests).
if [ -z "${SKIP_CHECKS:-}" ]; then
  .venv/bin/ruff check .
  .venv/bin/ruff format --check .
  .venv/bin/lint-imports --no-cache
  .venv/bin/python manage.py check
  .venv/bin/python manage.py makemigrations --check --dry-run >/dev/null \
    || { echo "Model changes without migrations: run makemigrations." >&2; exit 1; }
fi

set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
exit "$status"
