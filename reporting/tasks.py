"""Celery tasks of reporting: thin wrappers that call the services."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def render_report_file(file_id: int) -> bool:
    """Render a report's PDF or XLSX (queued after the commit that asked for it). A task
    run twice renders once: the service claims the file with a conditional update."""
    return services.render_file(file_id) is not None
