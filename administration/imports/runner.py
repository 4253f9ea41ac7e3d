"""The flow of an import job: check (dry run) → apply, each also run as a Celery task.

The dry run reads the file, checks every row against the school's data and stores the
row-by-row report and what would change; nothing is written but the job. The apply checks
again (the school may have changed since) and, when no row has an error, writes everything
in one transaction: an error in any row, a refusal of a service or a crash changes nothing.
Progress (rows checked, then written) is stored on the job as it goes, for the page to poll;
the checks commit their progress, the writing commits all at once at the end.
"""

from __future__ import annotations

import logging

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import RoleError
from accounts.services_staff import StaffError
from audit.services import log_action
from schools.services import EnrollmentError

from ..models import ImportJob
from ..selectors import current_year
from .base import ImportFileError, data_rows, load_dataset, mark_samples
from .staff import StaffImport
from .students import StudentImport
from .timetable import TimetableImport

logger = logging.getLogger(__name__)

IMPORTERS = {
    ImportJob.Kind.STUDENTS: StudentImport,
    ImportJob.Kind.STAFF: StaffImport,
    ImportJob.Kind.TIMETABLE: TimetableImport,
}
# How many errors the job keeps for the page (a file of wrong columns errs on every row).
MAX_ERRORS = 1000


def importer_for(job: ImportJob):
    return IMPORTERS[job.kind](
        school=job.school,
        year=current_year(job.school),
        acting_user=job.created_by,
        school_class=job.school_class,
        start_date=job.start_date,
    )


def _progress(job: ImportJob, stage: str):
    def report(done: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(done=done, stage=stage)

    return report


class _SideProgress:
    """Progress of the writing, which runs in one transaction: stored through a second
    connection of its own (autocommit), so that the page sees it before the transaction
    ends. It touches only the job's progress columns, which the transaction does not lock
    until it finishes the job."""

    def __init__(self, job: ImportJob):
        self.job_id = job.pk
        main = connections[DEFAULT_DB_ALIAS]
        self.connection = type(main)(dict(main.settings_dict), alias="import_progress")

    def __call__(self, done: int) -> None:
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportJob._meta.db_table} SET done = %s, stage = 'write' "
                    "WHERE id = %s",
                    [done, self.job_id],
                )
        except DatabaseError:
            logger.warning("Import job %s: progress not stored", self.job_id, exc_info=True)

    def close(self) -> None:
        self.connection.close()


def _finish(job: ImportJob, **fields) -> None:
    fields.setdefault("finished_at", timezone.now())
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=list(fields))


def _checked(job: ImportJob):
    """(importer, plan) with the job's report stored; plan is None when a row has an error
    or the file cannot be read."""
    importer = importer_for(job)
    try:
        rows = data_rows(load_dataset(bytes(job.content), job.file_format), importer.columns)
    except ImportFileError as error:
        _finish(
            job,
            status=ImportJob.Status.INVALID,
            content=b"",
            errors=[{"row": 0, "column": "", "message": " ".join(error.messages)}],
            total=0,
            done=0,
        )
        return importer, None
    if not rows:
        _finish(
            job,
            status=ImportJob.Status.INVALID,
            content=b"",
            errors=[
                {"row": 0, "column": "", "message": _("В файле нет ни одной строки с данными.")}
            ],
            total=0,
            done=0,
        )
        return importer, None
    ImportJob.objects.filter(pk=job.pk).update(total=len(rows), done=0, stage="check")
    job.total = len(rows)
    plan = importer.check(rows, _progress(job, "check"))
    mark_samples(rows, importer.columns)
    errors = [error.as_dict() for row in rows for error in row.errors]
    job.errors = errors[:MAX_ERRORS]
    job.summary = {**plan.summary(), "rows": len(rows), "rows_with_errors": _rows(errors)}
    job.done = len(rows)
    if errors:
        _finish(
            job,
            status=ImportJob.Status.INVALID,
            content=b"",
            errors=job.errors,
            summary=job.summary,
            done=job.done,
        )
        return importer, None
    return importer, plan


def _rows(errors: list[dict]) -> int:
    return len({error["row"] for error in errors})


def check_job(job: ImportJob) -> ImportJob:
    """The dry run: store the row-by-row report and what the apply would change."""
    job.status = ImportJob.Status.CHECKING
    _importer, plan = _checked(job)
    if plan is not None:
        _finish(job, status=ImportJob.Status.CHECKED, errors=[], summary=job.summary, done=job.done)
    return job


def start_apply(job: ImportJob) -> bool:
    """Mark a checked job as being applied; False when it is not (already applied, being
    applied after a second click, or not checked)."""
    started = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKED).update(
        status=ImportJob.Status.APPLYING, done=0, stage="check"
    )
    return bool(started)


def apply_job(job: ImportJob) -> ImportJob:
    """Check again and write everything in one transaction, or nothing."""
    importer, plan = _checked(job)
    if plan is None:
        return job
    ImportJob.objects.filter(pk=job.pk).update(done=0, stage="write")
    credentials = []
    progress = _SideProgress(job)
    try:
        with transaction.atomic():
            result = importer.write(plan, progress)
            if isinstance(result, tuple):
                summary, credentials = result
            else:
                summary = result
            log_action(
                actor=job.created_by,
                action="administration.import.applied",
                obj=job,
                school=job.school,
                data={"kind": job.kind, "file": job.file_name, **summary},
            )
            _finish(
                job,
                status=ImportJob.Status.DONE,
                summary={**job.summary, **summary},
                credentials=credentials,
                content=b"",
                done=job.total,
                stage="",
            )
    except (EnrollmentError, StaffError, RoleError) as error:
        message = " ".join(getattr(error, "messages", [str(error)]))
        _failed(job, _("Ничего не загружено: %(reason)s") % {"reason": message})
    finally:
        progress.close()
    return job


def _failed(job: ImportJob, message: str) -> None:
    job.refresh_from_db(fields=["summary"])
    _finish(job, status=ImportJob.Status.FAILED, failure=message, stage="", content=b"")


def run_safely(job_id: int, step) -> None:
    """Run ``step`` (check_job or apply_job) on the job; an unexpected error marks the job
    failed (nothing was written: the writing is one transaction) instead of leaving it
    «проверяется» for ever."""
    job = ImportJob.objects.select_related("school", "created_by", "school_class").get(pk=job_id)
    try:
        step(job)
    except Exception:
        logger.exception("Import job %s failed", job_id)
        _failed(job, _("Ничего не загружено: при загрузке произошла ошибка. Попробуйте ещё раз."))
