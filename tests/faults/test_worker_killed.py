"""The Celery worker killed (SIGKILL) in the middle of the nightly evaluation and started
again: Redis hands the unacknowledged task to the new worker, which finishes the run; the
alerts, tasks, notifications and cases are those of a clean evaluation, none twice.

The run is stopped at a known point: four schools are evaluated in two batches on two
connections (THRESHOLD_FULL_RUN_WORKERS=2); the first batch commits, the second waits for
an uncommitted alert this test holds on one of its keys — the worker is killed then.
"""

import contextlib
import time
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from alerts import services
from alerts.models import Alert, Notification, Task
from alerts.tasks import evaluate_all
from casework.models import Case

from .servers import CeleryProcess
from .world import fault_school, mark_absent

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
VISIBILITY_TIMEOUT = 3  # seconds before Redis hands an unacknowledged task out again
WORKER_ENV = {
    "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
    "THRESHOLD_FULL_RUN_WORKERS": "2",
}


def _outcome():
    """Everything the evaluation writes, as multisets: a duplicate shows as a repeat."""
    return {
        "alerts": sorted(
            Alert.objects.values_list("school_id", "student_id", "rule", "episode", "status")
        ),
        "tasks": sorted(
            Task.objects.values_list(
                "student_id", "alert__rule", "alert__episode", "kind", "sequence", "status"
            )
        ),
        "notifications": sorted(
            Notification.objects.values_list(
                "user_id", "alert__student_id", "alert__rule", "task__kind", "task__student_id"
            ),
            key=repr,
        ),
        "cases": sorted(Case.objects.values_list("school_id", "student_id", "status")),
    }


def _wipe():
    Case.objects.all().delete()
    Notification.objects.all().delete()
    Task.objects.all().delete()
    Alert.objects.all().delete()


def _connect():
    db = connection.settings_dict
    return psycopg2.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"])


def _parents() -> dict[int, int]:
    """Every running process of this machine → its parent (from /proc)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            # pid (comm) state ppid …; comm may hold spaces and parentheses.
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if fields[0] != "Z":
                parents[int(stat.parent.name)] = int(fields[1])
    return parents


def _running() -> set[int]:
    return set(_parents())


def _children(pid: int) -> set[int]:
    return {child for child, parent in _parents().items() if parent == pid}


def _hold_key(blocker, key) -> int:
    """Insert (uncommitted) an alert on ``key``: an evaluation inserting it waits."""
    school_id, student_id, rule, episode, _status = key
    with blocker.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO alerts_alert (school_id, student_id, rule, episode, period_start,"
            " period_end, evidence, digest, status, fired_at, resolution)"
            " VALUES (%s, %s, %s, %s, CURRENT_DATE, CURRENT_DATE, '{}', '', 'open', now(), '')",
            [school_id, student_id, rule, episode],
        )
    return pid


def _waiting_for(watcher, pid: int) -> bool:
    with watcher.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))", [pid]
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_mid_evaluation_leaves_no_duplicate_and_no_missing_alert(redis, tmp_path):
    worlds = [fault_school(students=75, days=4) for _ in range(4)]
    for world in worlds:
        mark_absent(world, world.students[:30], world.days)
        mark_absent(world, world.students[30:45], world.days[1:])
        mark_absent(world, world.students[45:55], world.days[-1:])
    first_batch = {w.school.pk for w in worlds[:2]}

    # A clean evaluation, in this process: what the killed run must end with.
    services.evaluate(school_ids=[w.school.pk for w in worlds])
    clean = _outcome()
    assert {key[0] for key in clean["alerts"]} == {w.school.pk for w in worlds}
    held = next(key for key in clean["alerts"] if key[0] == worlds[-1].school.pk)
    _wipe()

    blocker, watcher = _connect(), _connect()
    watcher.autocommit = True
    worker = CeleryProcess("worker", redis.url, tmp_path / "worker.log", env=WORKER_ENV)
    try:
        blocker_pid = _hold_key(blocker, held)
        worker.wait_for("ready.", timeout=30)
        evaluate_all.delay()
        deadline = time.monotonic() + 40
        while not (
            _waiting_for(watcher, blocker_pid)
            and {a[0] for a in _outcome()["alerts"]} == first_batch
        ):
            assert worker.process.poll() is None, worker.text()
            assert time.monotonic() < deadline, (
                "the run never reached the held key: "
                f"waiting={_waiting_for(watcher, blocker_pid)} "
                f"schools={ {a[0] for a in _outcome()['alerts']} } batch={first_batch}\n"
                + worker.text()
            )
            time.sleep(0.1)
        # Mid-run: the first batch is written, the second waits.
        partial = _outcome()["alerts"]
        assert partial == [key for key in clean["alerts"] if key[0] in first_batch]
        # The batches run in processes forked by the worker: they die with it, so the
        # one waiting on the held key does not write when the key is let go.
        assert "batches in processes" in worker.text()
        batches = _children(worker.process.pid)
        assert batches
        worker.kill()
        killed_at = time.monotonic()
        while batches & _running():
            assert time.monotonic() < killed_at + 10, "a batch process outlived the worker"
            time.sleep(0.1)
        blocker.rollback()
    finally:
        worker.stop()
        blocker.close()
        watcher.close()
    assert "evaluate_all" in worker.text() and "succeeded" not in worker.text()

    # Started again once the task's visibility timeout has passed: Redis gives it back.
    time.sleep(max(0.0, killed_at + VISIBILITY_TIMEOUT + 0.5 - time.monotonic()))
    again = CeleryProcess("worker", redis.url, tmp_path / "worker-again.log", env=WORKER_ENV)
    try:
        again.wait_for("alerts.tasks.evaluate_all", timeout=30)
        again.wait_for("succeeded", timeout=40)
    finally:
        again.stop()
    assert _outcome() == clean
