"""The nightly full run: batches of schools, evaluated on several connections at once."""

import datetime
import math
import threading

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from alerts import queue, services
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


@pytest.mark.django_db(transaction=True)
def test_parallel_batches_find_what_one_connection_finds(settings, monkeypatch):
    settings.THRESHOLD_FULL_RUN_WORKERS = 2
    monkeypatch.setattr(queue, "FULL_RUN_BATCH", 1)
    worlds = [World(), World(grade=1), World(grade=3)]
    november = school_days(
        worlds[0].school_class, datetime.date(2025, 11, 5), datetime.date(2025, 11, 30)
    )
    for index, world in enumerate(worlds):
        world.miss(november[index : index + 6 + index])
    threads = set()
    evaluate_in_thread = queue._evaluate_in_thread

    def recording(batch, now):
        threads.add(threading.get_ident())
        return evaluate_in_thread(batch, now)

    monkeypatch.setattr(queue, "_evaluate_in_thread", recording)
    run = EvaluationRun.objects.create(school=worlds[0].school)
    parallel = queue.run_full(school_ids=[w.school.pk for w in worlds], run_id=run.pk, now=NOW)
    assert threads and threading.get_ident() not in threads
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
    threads.clear()
    alone = queue.run_full(school_ids=[w.school.pk for w in worlds], now=NOW)
    assert not threads
    assert _alerts() == found
    assert alone == parallel


@pytest.mark.django_db(transaction=True)
def test_a_batch_failing_in_parallel_is_evaluated_again_alone(settings, monkeypatch):
    settings.THRESHOLD_FULL_RUN_WORKERS = 2
    monkeypatch.setattr(queue, "FULL_RUN_BATCH", 1)
    calls = []
    main = threading.get_ident()

    def evaluate(*, school_ids, now):
        calls.append((school_ids, threading.get_ident() == main))
        if school_ids == [2] and threading.get_ident() != main:
            raise RuntimeError("deadlock detected")
        return services.Summary(fired=school_ids[0])

    monkeypatch.setattr(services, "evaluate", evaluate)
    totals = queue.run_full(school_ids=[1, 2, 3, 4], now=NOW)
    assert totals["fired"] == 1 + 2 + 3 + 4
    assert ([2], True) in calls and ([2], False) in calls
    assert sorted(ids for ids, in_main in calls if not in_main) == [[1], [2], [3], [4]]


@pytest.mark.django_db(transaction=True)
def test_a_batch_failing_again_fails_the_run(settings, monkeypatch):
    settings.THRESHOLD_FULL_RUN_WORKERS = 2
    monkeypatch.setattr(queue, "FULL_RUN_BATCH", 1)
    school = World().school
    run = EvaluationRun.objects.create(school=school)

    def evaluate(*, school_ids, now):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "evaluate", evaluate)
    with pytest.raises(RuntimeError):
        queue.run_full(school_ids=[school.pk, school.pk + 1], run_id=run.pk, now=NOW)
    run.refresh_from_db()
    assert run.status == EvaluationRun.Status.FAILED


@pytest.mark.django_db
def test_inside_a_transaction_batches_run_on_the_callers_connection(settings):
    """Other connections would not see the caller's uncommitted rows."""
    settings.THRESHOLD_FULL_RUN_WORKERS = 4
    assert connection.in_atomic_block
    assert queue.full_run_workers() == 1
