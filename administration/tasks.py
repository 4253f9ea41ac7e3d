"""Background steps of the bulk imports (issue #15 point 3). Without a broker they run
in-process (``CELERY_TASK_ALWAYS_EAGER``), with one on a worker; either way the job page
polls the job's progress."""

from celery import shared_task

from .imports.runner import apply_job, check_job, run_safely


@shared_task(ignore_result=True)
def check_import(job_id: int) -> None:
    run_safely(job_id, check_job)


@shared_task(ignore_result=True)
def apply_import(job_id: int) -> None:
    run_safely(job_id, apply_job)
