"""Celery tasks of casework: thin wrappers that call the services."""

from celery import shared_task
from django.utils import timezone

from .services.council import schedule_repeat_hearings
from .services.plan import flag_overdue_measures


@shared_task(acks_late=True)
def schedule_repeat_hearings_daily() -> int:
    """Daily (celery beat): queue the repeat hearings whose deadlines have passed (seed 003
    alg. 9). Idempotent, so a task run twice queues each hearing once."""
    return len(schedule_repeat_hearings(today=timezone.localdate()))


@shared_task(acks_late=True)
def flag_overdue_measures_daily() -> int:
    """Daily (celery beat): put each plan measure past its deadline into its responsible
    person's inbox (R-C-6). Idempotent: a measure already flagged is left alone."""
    return flag_overdue_measures(today=timezone.localdate())
