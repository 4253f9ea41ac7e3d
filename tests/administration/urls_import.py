"""URL × role matrix entries of the bulk import pages (issue #15 point 3): the upload, the
templates, a job's page, its apply and its error report. The school's administrator and
director; another school's jobs answer 404 to everyone but the superuser."""

from accounts.roles import Role
from administration.models import ImportJob
from tests.test_url_permissions import SUPERUSER, Case, everyone, in_school, other_school

MANAGERS = (Role.SCHOOL_ADMIN, Role.DIRECTOR, SUPERUSER)
CSV = "Фамилия;Имя;Дата рождения\r\nМатрицева;Ольга;01.02.2015\r\n".encode()


def _job(side) -> ImportJob:
    """A checked job of the side's school, made once for the module's world."""
    job, _created = ImportJob.objects.get_or_create(
        school=side.school,
        file_name="matrix.csv",
        defaults={
            "kind": ImportJob.Kind.STUDENTS,
            "created_by": side.class_teacher,
            "status": ImportJob.Status.CHECKED,
            "file_format": "csv",
            "content": CSV,
            "school_class": side.school_class,
            "start_date": side.school_class.academic_year.start_date,
        },
    )
    return job


def _own_job(w):
    return {"job_id": _job(w.a).pk}


def _other_job(w):
    return {"job_id": _job(w.b).pk}


URLS: dict = {
    "administration:import": [
        Case(
            "own school", kwargs=lambda w: {"school_id": w.a.school.pk}, expect=in_school(*MANAGERS)
        ),
        Case("other school", kwargs=lambda w: {"school_id": w.b.school.pk}, expect=other_school()),
    ],
    "administration:import_template": [
        Case(
            "own school",
            kwargs=lambda w: {"school_id": w.a.school.pk, "kind": "students"},
            expect=in_school(*MANAGERS),
        ),
        Case(
            "unknown kind",
            kwargs=lambda w: {"school_id": w.a.school.pk, "kind": "nothing"},
            expect=in_school(*MANAGERS, yes=404),
        ),
        Case(
            "other school",
            kwargs=lambda w: {"school_id": w.b.school.pk, "kind": "staff"},
            expect=other_school(),
        ),
    ],
    "administration:import_job": [
        Case("own school", kwargs=_own_job, expect=in_school(*MANAGERS)),
        Case("other school", kwargs=_other_job, expect=other_school()),
        Case("no such job", kwargs=lambda w: {"job_id": 987654321}, expect=everyone(404)),
    ],
    "administration:import_apply": [
        Case("GET", kwargs=_own_job, expect=everyone(405), anonymous=405),
        Case(
            "POST own school",
            kwargs=_own_job,
            method="post",
            data=lambda w: {},
            expect=in_school(*MANAGERS, yes=302),
        ),
        Case(
            "POST other school",
            kwargs=_other_job,
            method="post",
            data=lambda w: {},
            expect=other_school(superuser=302),
        ),
    ],
    "administration:import_report": [
        Case("own school", kwargs=_own_job, expect=in_school(*MANAGERS)),
        Case("other school", kwargs=_other_job, expect=other_school()),
    ],
}
