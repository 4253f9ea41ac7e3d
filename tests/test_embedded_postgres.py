"""The demo's embedded PostgreSQL (README command 1): starts without a system package,
keeps its data between runs, and is the major version the tests and docker-compose run."""

import json
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

from attendance_portal import embedded_postgres

ROOT = Path(__file__).resolve().parents[1]


def _start(pgdata: Path) -> dict:
    """Start it as the demo does, from a process of its own (each manage.py command)."""
    script = (
        "import json, pathlib; from attendance_portal.embedded_postgres import "
        f"database_settings as s; print(json.dumps(s(pathlib.Path({str(pgdata)!r}))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def _connect(settings: dict):
    return psycopg2.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"],
    )


@pytest.fixture
def pgdata(tmp_path):
    path = tmp_path / "pgdata"
    yield path
    embedded_postgres.stop(path)


def test_data_survives_a_restart(pgdata):
    settings = _start(pgdata)
    with _connect(settings) as connection, connection.cursor() as cursor:
        cursor.execute("CREATE TABLE kept (name text); INSERT INTO kept VALUES ('Иванова')")
        cursor.execute("SHOW server_version_num")
        assert int(cursor.fetchone()[0]) // 10000 == embedded_postgres.POSTGRES_MAJOR
    connection.close()

    embedded_postgres.stop(pgdata)
    assert not embedded_postgres._running(pgdata)
    settings = _start(pgdata)

    with _connect(settings) as connection, connection.cursor() as cursor:
        # Case-insensitive search of Cyrillic names works as in the tests' server.
        cursor.execute("SELECT name FROM kept WHERE name ILIKE 'иванова'")
        assert cursor.fetchall() == [("Иванова",)]
    connection.close()


def test_compose_runs_the_same_major_version():
    compose = (ROOT / "docker-compose.yml").read_text()
    assert f"image: postgres:{embedded_postgres.POSTGRES_MAJOR}\n" in compose
