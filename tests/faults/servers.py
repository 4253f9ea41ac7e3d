"""The real servers of the fault tests: restart the suite's PostgreSQL, run a Redis of the
test's own, and a Celery worker and beat against it.

scripts/_services.sh starts PostgreSQL and exports how to restart it (TEST_PG_*). Redis is
the test's own, on another free port, so stopping it cannot disturb the other tests;
``RedisServer`` starts it with the arguments _services.sh uses.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection, connections

ROOT = Path(__file__).resolve().parents[2]


def _pg_env(name: str) -> str:
    value = os.environ.get(name)
    assert value is not None, f"{name} is not set: run the suite through scripts/test.sh"
    return value


def _as_postgres_user(command: list[str]) -> list[str]:
    run_as = _pg_env("TEST_PG_RUN_AS")
    return ["runuser", "-u", run_as, "--", *command] if run_as else command


def restart_postgres() -> None:
    """``pg_ctl restart -m fast``: every backend is terminated (their open transactions roll
    back), then the server starts again with the options it was started with. Django's
    connections of this thread are dropped so that the next query opens a new one."""
    pg_ctl = str(Path(_pg_env("TEST_PG_BIN")) / "pg_ctl")
    command = [pg_ctl, "-D", _pg_env("TEST_PG_DATA"), "-l", _pg_env("TEST_PG_LOG")]
    subprocess.run(
        _as_postgres_user([*command, "-m", "fast", "-w", "-t", "60", "restart"]),
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=90,
    )
    connections.close_all()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A throwaway redis-server on its own port (``url``), stopped and started at will."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--pidfile",
                str(self.directory / "redis.pid"),
                "--dir",
                str(self.directory),
                "--logfile",
                str(self.directory / "redis.log"),
            ],
            check=True,
        )
        self._wait(up=True)

    def stop(self) -> None:
        pid_file = self.directory / "redis.pid"
        if not pid_file.exists():
            return
        subprocess.run(
            ["redis-cli", "-p", str(self.port), "shutdown", "nosave"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait(up=False)
        pid_file.unlink(missing_ok=True)

    def is_up(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def _wait(self, *, up: bool) -> None:
        deadline = time.monotonic() + 10
        while self.is_up() != up:
            assert time.monotonic() < deadline, (
                f"redis on {self.port} did not {'start' if up else 'stop'}"
            )
            time.sleep(0.05)


@contextlib.contextmanager
def celery_publishing_to(broker: str):
    """This process queues tasks to ``broker`` rather than running them in-process."""
    import kombu.pools

    from attendance_portal.celery import app

    def drop_connections():
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None
        # Celery takes its producer pool from kombu's process-wide registry, keyed by the
        # broker: a pool closed here would be handed to the next test that queues a task
        # ("Acquire on closed pool"). Reset the registry so every pool is made anew.
        kombu.pools.reset()

    saved = app.conf.task_always_eager, app.conf.broker_url, os.environ.get("CELERY_BROKER_URL")
    drop_connections()
    # Celery reads the environment's CELERY_BROKER_URL before its configuration.
    os.environ["CELERY_BROKER_URL"] = broker
    app.conf.task_always_eager, app.conf.broker_url = False, broker
    try:
        yield app
    finally:
        drop_connections()
        app.conf.task_always_eager, app.conf.broker_url = saved[:2]
        if saved[2] is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved[2]


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class CeleryProcess:
    """``celery worker`` or ``celery beat`` against ``broker`` and the test database, its
    output in a log file the test can wait on."""

    def __init__(self, kind: str, broker: str, log: Path, *, args=(), env=None):
        self.log = log
        self._output = log.open("a")
        arguments = {
            "worker": [
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            "beat": ["--scheduler", "celery.beat:PersistentScheduler"],
        }[kind]
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "attendance_portal",
                kind,
                "--loglevel=INFO",
                *arguments,
                *args,
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "attendance_portal.settings.test",
                "DATABASE_URL": database_url(),
                "CELERY_BROKER_URL": broker,
                **(env or {}),
            },
            stdout=self._output,
            stderr=subprocess.STDOUT,
        )

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, needle: str, *, timeout: float, after: int = 0) -> None:
        """Until ``needle`` appears in the log past character ``after``."""
        deadline = time.monotonic() + timeout
        while needle not in self.text()[after:]:
            assert self.process.poll() is None, f"celery exited:\n{self.text()}"
            assert time.monotonic() < deadline, f"no {needle!r} in {timeout} s:\n{self.text()}"
            time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no acknowledgement, as when the host loses the process."""
        self.process.kill()
        self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)
        self._output.close()
