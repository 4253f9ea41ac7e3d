"""Coalescing of incremental evaluations and bookkeeping of full runs.

A change of marks, reasons or documents adds its students to ``PendingEvaluation`` and
queues one ``evaluate_pending`` task per school unless one is already waiting, so a burst
(marking 30 students of a lesson) becomes one evaluation of those students.

The rows are the durable part: when the broker (or the cache holding the flag) is down,
the change is saved all the same, the failure is logged, and ``catch_up`` — run by celery
beat every ``THRESHOLD_CATCH_UP_SECONDS`` — queues the schools whose students still wait.
"""

import contextlib
import logging
import math
from concurrent.futures import ThreadPoolExecutor, as_completed
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.utils import timezone

from schools.models import School

from . import forked, services
from .models import EvaluationRun, PendingEvaluation

logger = logging.getLogger(__name__)
COALESCE_SECONDS = 3
_FLAG = "alerts:pending-scheduled:{school_id}"


# Every tap runs it: one statement written once costs a fifth of the ORM's upsert.
_REQUEST = f"""
    INSERT INTO {PendingEvaluation._meta.db_table} (student_id, school_id, requested_at)
    SELECT student_id, %s, %s FROM unnest(%s::bigint[]) AS s(student_id)
    ON CONFLICT (student_id) DO UPDATE SET requested_at = EXCLUDED.requested_at"""


def request(*, school_id: int, student_ids) -> None:
    """Remember students to re-evaluate and queue the school's task after commit."""
    with connection.cursor() as cursor:
        cursor.execute(_REQUEST, [school_id, timezone.now(), sorted(set(student_ids))])
    transaction.on_commit(lambda: _schedule(school_id))


def _schedule(school_id: int) -> None:
    from .tasks import evaluate_pending

    if evaluate_pending.app.conf.task_always_eager:
        evaluate_pending.apply(args=[school_id])
        return
    flag = _FLAG.format(school_id=school_id)
    try:
        # cache.add is atomic: only the first change of a burst queues the task.
        if cache.add(flag, 1, timeout=COALESCE_SECONDS * 10):
            evaluate_pending.apply_async(args=[school_id], countdown=COALESCE_SECONDS)
    except Exception:  # Redis (broker or cache) down: the caller's change stands
        logger.exception(
            "Could not queue the evaluation of school %s; catch_up will queue it", school_id
        )
        # So that the next change tries again; when the cache is down too, the flag
        # expires by itself.
        with contextlib.suppress(Exception):
            cache.delete(flag)


def catch_up() -> list[int]:
    """Queue the evaluation of every school whose students still wait: their task was never
    queued (the broker was down when the marks were saved) or was lost with the broker's
    data. A school whose task is merely waiting gets a second one, which finds its
    students claimed already and does nothing."""
    from .tasks import evaluate_pending

    school_ids = sorted(set(PendingEvaluation.objects.values_list("school_id", flat=True)))
    for school_id in school_ids:
        if evaluate_pending.app.conf.task_always_eager:
            evaluate_pending.apply(args=[school_id])
        else:
            evaluate_pending.apply_async(args=[school_id])
    return school_ids


def claim(school_id: int) -> list[int]:
    """Take the school's pending students; later changes queue a new task."""
    cache.delete(_FLAG.format(school_id=school_id))
    with transaction.atomic():
        rows = list(
            PendingEvaluation.objects.select_for_update(skip_locked=True)
            .filter(school_id=school_id)
            .values_list("student_id", flat=True)
        )
        PendingEvaluation.objects.filter(student_id__in=rows).delete()
    return rows


def requeue(school_id: int, student_ids) -> None:
    PendingEvaluation.objects.bulk_create(
        [PendingEvaluation(student_id=sid, school_id=school_id) for sid in student_ids],
        ignore_conflicts=True,
    )


FULL_RUN_BATCH = 125  # schools evaluated together at most: one set of statements per batch


def full_run_workers() -> int:
    """Batches evaluated at once, each on its own database connection. One when the
    caller holds a transaction (other connections would not see its uncommitted rows)."""
    if connection.in_atomic_block:
        return 1
    return max(1, settings.THRESHOLD_FULL_RUN_WORKERS)


def _batches(ids: list[int], workers: int) -> list[list[int]]:
    """Batches of at most FULL_RUN_BATCH schools, as many as a multiple of ``workers`` so
    the workers finish together."""
    rounds = max(1, math.ceil(len(ids) / (FULL_RUN_BATCH * workers)))
    size = max(1, math.ceil(len(ids) / (rounds * workers)))
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _evaluate_batch(batch: list[int], now) -> dict:
    return services.evaluate(school_ids=batch, now=now).as_dict()


def _evaluate_in_thread(batch: list[int], now) -> dict:
    try:
        return _evaluate_batch(batch, now)
    finally:
        connections.close_all()  # this thread's connections


def _parallel(batches: list[list[int]], workers: int, now):
    """(batch, result or exception) as each batch finishes, ``workers`` at once: in forked
    processes when this process is single-threaded (a Celery worker's, a command's), so
    the batches' Python runs on every CPU; else in threads (alerts/forked.py)."""
    fork = forked.can_fork()
    logger.info("full run: %s batches in %s", len(batches), "processes" if fork else "threads")
    if fork:
        yield from forked.run_forked(partial(_evaluate_batch, now=now), batches, workers)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(_evaluate_in_thread, batch, now): batch for batch in batches}
        for future in as_completed(futures):
            yield futures[future], future.exception() or future.result()


def run_full(*, school_ids, run_id=None, now=None) -> dict:
    """Evaluate schools in batches, recording progress on the EvaluationRun row.

    A batch shares the statements and temporary tables of one evaluation: one school at a
    time would pay their fixed cost 250 times in a region (bench/README.md). Batches run
    ``full_run_workers()`` at once, each on its own connection (``_parallel``), and each
    commits on its own. A batch that fails in parallel (say, two batches opening a case
    for a student who moved between their schools) is evaluated again alone at the end."""
    ids = list(school_ids or School.objects.order_by("pk").values_list("pk", flat=True))
    run = EvaluationRun.objects.filter(pk=run_id).first() if run_id else None
    if run is not None:
        EvaluationRun.objects.filter(pk=run.pk).update(status=EvaluationRun.Status.RUNNING)
    workers = full_run_workers()
    batches = _batches(ids, workers)
    totals: dict[str, int] = {}
    done = 0

    def finished(batch, result):
        nonlocal done
        for key, value in result.items():
            totals[key] = totals.get(key, 0) + value
        done += len(batch)
        if run is not None:
            progress = int(100 * done / len(ids))
            EvaluationRun.objects.filter(pk=run.pk).update(progress=progress)

    try:
        alone = batches  # evaluated one after another on this connection
        if workers > 1 and len(batches) > 1:  # one batch (a school): no process to fork
            alone = []
            for batch, result in _parallel(batches, workers, now):
                if isinstance(result, BaseException):
                    logger.warning("batch failed in parallel, retried alone: %s", result)
                    alone.append(batch)
                else:
                    finished(batch, result)
        for batch in alone:
            finished(batch, _evaluate_batch(batch, now))
    except Exception:
        if run is not None:
            EvaluationRun.objects.filter(pk=run.pk).update(
                status=EvaluationRun.Status.FAILED, finished_at=timezone.now()
            )
        raise
    if run is not None:
        EvaluationRun.objects.filter(pk=run.pk).update(
            status=EvaluationRun.Status.DONE,
            progress=100,
            finished_at=timezone.now(),
            summary=totals,
        )
    return totals
