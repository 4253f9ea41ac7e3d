"""The nightly full run: batches of schools, evaluated on several connections at once."""

import datetime
import json
import math
import os
import threading

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from alerts import forked, queue, services
from alerts.models import Alert, EvaluationRun
from casework.models import Case
from journal.calendar import school_days

from .conftest import World

NOW = timezone.make_aware(datetime.datetime(2025, 12, 20, 20, 0))


@given(count=st.integers(1, 1200), workers=st.integers(1, 6))
def test_batches_cover_every_school_once_in_as_few_rounds_as_possible(count, workers):
    ids = list(range(1, count + 1))
    batches = queue._batches(ids, workers)
    assert [pk for batch in batches for pk in batch] == ids
    assert all(1 <= len(batch) <= queue.FULL_RUN_BATCH for batch in batches)
    rounds = math.ceil(count / (queue.FULL_RUN_BATCH * workers))
    assert len(batches) <= rounds * workers


def _alerts():
    return sorted(Alert.objects.values_list("student_id", "rule", "episode", "status", "digest"))


# Batches run in forked processes when the caller is single-threaded, else in threads.
IN_PROCESSES = pytest.mark.parametrize("fork", [True, False], ids=["processes", "threads"])


def _where() -> tuple[int, int]:
    return os.getpid(), threading.get_ident()


def _recorded(path) -> list[tuple[list[int], tuple[int, int]]]:
    """What the recording ``services.evaluate`` wrote: (schools, where), one line a batch
    (a forked batch's calls are not seen by this process otherwise)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def _recording(monkeypatch, path, evaluate):
    def recording(*, school_ids, now):
        with path.open("a") as log:
            log.write(json.dumps([school_ids, _where()]) + "\n")
        return evaluate(school_ids=school_ids, now=now)

    monkeypatch.setattr(services, "evaluate", recording)


@IN_PROCESSES
@pytest.mark.django_db(transaction=True)
def test_parallel_batches_find_what_one_connection_finds(settings, monkeypatch, tmp_path, fork):
    settings.THRESHOLD_FULL_RUN_WORKERS = 2
    monkeypatch.setattr(queue, "FULL_RUN_BATCH", 1)
    monkeypatch.setattr(forked, "can_fork", lambda: fork)
    worlds = [World(), World(grade=1), World(grade=3)]
    november = school_days(
        worlds[0].school_class, datetime.date(2025, 11, 5), datetime.date(2025, 11, 30)
    )
    for index, world in enumerate(worlds):
        world.miss(november[index : index + 6 + index])
    log = tmp_path / "calls.jsonl"
    _recording(monkeypatch, log, services.evaluate)
    run = EvaluationRun.objects.create(school=worlds[0].school)
    parallel = queue.run_full(school_ids=[w.school.pk for w in worlds], run_id=run.pk, now=NOW)
    calls = _recorded(log)
    assert sorted(ids for ids, _where_ in calls) == [[w.school.pk] for w in worlds]
    pid, thread = _where()
    if fork:
        assert all(where[0] != pid for _ids, where in calls)
    else:
        assert all(where[0] == pid and where[1] != thread for _ids, where in calls)
    found = _alerts()
    assert {rule for _s, rule, *_ in found} >= {
        "unknown_reason",
        "streak_invite",
        "streak_home_visit",
        "week_missed",
    }
    run.refresh_from_db()
    assert (run.status, run.progress, run.summary) == (EvaluationRun.Status.DONE, 100, parallel)

    Case.objects.all().delete()
    Alert.objects.all().delete()
    settings.THRESHOLD_FULL_RUN_WORKERS = 1
    log.unlink()
    alone = queue.run_full(school_ids=[w.school.pk for w in worlds], now=NOW)
    calls = _recorded(log)
    assert len(calls) == 3 and all(where == list(_where()) for _ids, where in calls)
    assert _alerts() == found
    assert alone == parallel


@IN_PROCESSES
@pytest.mark.django_db(transaction=True)
def test_a_batch_failing_in_parallel_is_evaluated_again_alone(
    settings, monkeypatch, tmp_path, fork
):
    settings.THRESHOLD_FULL_RUN_WORKERS = 2
    monkeypatch.setattr(queue, "FULL_RUN_BATCH", 1)
    monkeypatch.setattr(forked, "can_fork", lambda: fork)
    main = list(_where())

    def evaluate(*, school_ids, now):
        if school_ids == [2] and _where() != tuple(main):
            raise RuntimeError("deadlock detected")
        return services.Summary(fired=school_ids[0])

    log = tmp_path / "calls.jsonl"
    _recording(monkeypatch, log, evaluate)
    totals = queue.run_full(school_ids=[1, 2, 3, 4], now=NOW)
    assert totals["fired"] == 1 + 2 + 3 + 4
    calls = [(ids, where == main) for ids, where in _recorded(log)]
    assert ([2], True) in calls and ([2], False) in calls
    assert sorted(ids for ids, in_main in calls if not in_main) == [[1], [2], [3], [4]]


@IN_PROCESSES
@pytest.mark.django_db(transaction=True)
def test_a_batch_failing_again_fails_the_run(settings, monkeypatch, fork):
    settings.THRESHOLD_FULL_RUN_WORKERS = 2
    monkeypatch.setattr(queue, "FULL_RUN_BATCH", 1)
    monkeypatch.setattr(forked, "can_fork", lambda: fork)
    school = World().school
    run = EvaluationRun.objects.create(school=school)

    def evaluate(*, school_ids, now):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "evaluate", evaluate)
    with pytest.raises(RuntimeError):
        queue.run_full(school_ids=[school.pk, school.pk + 1], run_id=run.pk, now=NOW)
    run.refresh_from_db()
    assert run.status == EvaluationRun.Status.FAILED


def test_a_process_with_threads_evaluates_batches_in_threads():
    """A lock another thread holds at a fork would stay held in the child."""
    assert forked.can_fork() == (threading.active_count() == 1)
    started, stop = threading.Event(), threading.Event()
    other = threading.Thread(target=lambda: (started.set(), stop.wait(10)))
    other.start()
    try:
        started.wait(10)
        assert not forked.can_fork()
    finally:
        stop.set()
        other.join()


@pytest.mark.django_db
def test_inside_a_transaction_batches_run_on_the_callers_connection(settings):
    """Other connections would not see the caller's uncommitted rows."""
    settings.THRESHOLD_FULL_RUN_WORKERS = 4
    assert connection.in_atomic_block
    assert queue.full_run_workers() == 1
