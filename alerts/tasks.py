"""Celery tasks: thin wrappers that take ids and call the services."""

from celery import shared_task

from . import queue, services, unmarked


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def evaluate_pending(school_id: int) -> dict:
    """Evaluate the students of a school whose attendance changed (coalesced)."""
    student_ids = queue.claim(school_id)
    if not student_ids:
        return {}
    try:
        return services.evaluate(student_ids=student_ids).as_dict()
    except Exception:
        queue.requeue(school_id, student_ids)  # nothing is lost if the worker dies here
        raise


@shared_task(acks_late=True)
def catch_up_pending() -> list[int]:
    """Queue the schools whose changed students wait for an evaluation (celery beat)."""
    return queue.catch_up()


@shared_task(acks_late=True)
def evaluate_school(school_id: int, run_id: int | None = None) -> dict:
    return queue.run_full(school_ids=[school_id], run_id=run_id)


@shared_task(acks_late=True)
def evaluate_all(run_id: int | None = None) -> dict:
    """Nightly full evaluation of every school (celery beat)."""
    return queue.run_full(school_ids=None, run_id=run_id)


@shared_task(acks_late=True)
def remind_unmarked() -> dict:
    """Reminders of lessons left unmarked and the deputies' evening lists (every 5 min)."""
    return unmarked.remind_unmarked()
