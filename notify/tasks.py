"""Celery tasks: thin wrappers over the services."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def message_parents_due() -> dict:
    """Every few minutes (celery beat): the schools whose evening time has come message
    the families of children absent without a reason. Running again sends nothing twice."""
    return services.run_due().as_dict()
