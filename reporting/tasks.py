"""Celery tasks of reporting: thin wrappers that call the services."""

from celery import shared_task
from django.utils import timezone

from . import reminders, retention, services


@shared_task(acks_late=True)
def render_report_file(file_id: int) -> bool:
    """Render a report's PDF or XLSX (queued after the commit that asked for it). A task
    run twice renders once: the service claims the file with a conditional update."""
    return services.render_file(file_id) is not None


@shared_task
def send_reminders() -> None:
    """Each morning (beat): one task per school and per municipality with reports due, so
    that one failing school does not hold up the others' reminders."""
    today = timezone.localdate()
    for school_id in reminders.schools_to_remind(today):
        send_school_reminders.delay(school_id)
    for municipality_id in reminders.municipalities_to_remind(today):
        send_municipality_reminders.delay(municipality_id)


@shared_task(acks_late=True)
def send_school_reminders(school_id: int) -> int:
    """The reminders of a school's deadlines; run twice, it sends each reminder once."""
    return reminders.remind_school(school_id)


@shared_task(acks_late=True)
def send_municipality_reminders(municipality_id: int) -> int:
    """The reminders of a municipality's consolidation; run twice, it sends each once."""
    return reminders.remind_municipality(municipality_id)


@shared_task(acks_late=True)
def purge_forwarded_reports_daily() -> int:
    """Nightly (beat): destroy the data forwarded to the region once its retention period
    has passed (seed 003 Procedure §4.4). Each version is claimed under its row lock, so a
    task run twice purges it once."""
    return len(retention.purge_forwarded(today=timezone.localdate()))
