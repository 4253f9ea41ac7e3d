"""Celery tasks of casework: thin wrappers that call the services."""

from celery import shared_task
from django.utils import timezone

from .services.council import schedule_repeat_hearings


@shared_task(acks_late=True)
def schedule_repeat_hearings_daily() -> int:
    """Daily (celery beat): queue the repeat hearings whose deadlines have passed (seed 003
    alg. 9). Idempotent, so a task run twice queues each hearing once."""
    return len(schedule_repeat_hearings(today=timezone.localdate()))
