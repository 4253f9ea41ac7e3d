"""A real Celery worker and Redis: approving a report renders its PDF and XLSX by itself,
and the file page follows the worker's progress to the download."""

import time

import pytest
from django.urls import reverse

from reporting.models import Kind, ReportFile
from reporting.services import approve, open_report, submit
from tests import factories
from tests.alerts.test_worker import worker  # noqa: F401  (the worker fixture)
from tests.reporting.helpers import WEEK, WEEK_END, lessons_on, mark_absent, school_setup

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_approval_is_rendered_by_the_worker(worker, client):  # noqa: F811
    setup = school_setup()
    student = factories.enrolled_student(setup.school_class, last_name="Воробьёв")
    mark_absent(lessons_on(setup.school_class, WEEK, 6), student)
    report = open_report(
        kind=Kind.WEEKLY_CLASS_REPORT,
        school_class=setup.school_class,
        period_start=WEEK,
        period_end=WEEK_END,
        acting_user=setup.class_teacher,
    )
    submit(report=report, version=1, acting_user=setup.class_teacher)
    approve(report=report, version=1, acting_user=setup.deputy)  # committed: queued to Redis
    deadline = time.monotonic() + 60
    files = ReportFile.objects.filter(version__report=report)
    while time.monotonic() < deadline and files.exclude(state=ReportFile.State.DONE).exists():
        time.sleep(0.5)
    assert sorted(files.values_list("format", "state")) == [("pdf", "done"), ("xlsx", "done")]
    pdf = files.get(format="pdf")
    assert pdf.intact and bytes(pdf.content).startswith(b"%PDF")
    client.force_login(setup.deputy)
    page = client.get(reverse("reporting:file", args=[pdf.pk])).content.decode()
    assert pdf.sha256 in page
