#!/usr/bin/env bash
# Command 1: install, start the embedded PostgreSQL (data in var/pgdata, kept between runs),
# migrate, load the demo data once, print the logins and serve. Ctrl-C stops the web server
# and the database. Set DATABASE_URL to use another PostgreSQL instead.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_venv.sh
ensure_venv embedded

export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-attendance_portal.settings.base}"
export DJANGO_DEBUG="${DJANGO_DEBUG:-1}"
# Letters to parents and staff go to files in var/mail (settings: EMAIL_FILE_PATH).
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
mkdir -p var

if [ -z "${DATABASE_URL:-}" ]; then
  .venv/bin/python -m attendance_portal.embedded_postgres start
  trap '.venv/bin/python -m attendance_portal.embedded_postgres stop' EXIT
fi
.venv/bin/python manage.py migrate --noinput
# Without DEBUG the templates link hashed, compressed copies that collectstatic writes.
case "$DJANGO_DEBUG" in
  1|true|True|yes|on) ;;
  *) .venv/bin/python manage.py collectstatic --noinput --verbosity 0 ;;
esac
.venv/bin/python manage.py seed_demo
.venv/bin/python manage.py demo_logins --url "http://${HOST}:${PORT}/"
echo "Letters sent by the application are written to var/mail/."
.venv/bin/python manage.py runserver "${HOST}:${PORT}" --noreload
