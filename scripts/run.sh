#!/usr/bin/env bash
# Command 1: install, migrate (SQLite by default), load demo data, start the server.
# Safe to run again: the demo data is created once and then left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_venv.sh
ensure_venv

export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-attendance_portal.settings.base}"
export DJANGO_DEBUG="${DJANGO_DEBUG:-1}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
mkdir -p var

.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py seed_demo
.venv/bin/python manage.py demo_logins --url "http://${HOST}:${PORT}/"
exec .venv/bin/python manage.py runserver "${HOST}:${PORT}" --noreload
