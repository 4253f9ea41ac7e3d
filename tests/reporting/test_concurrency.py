"""Real concurrent transactions on PostgreSQL: two deputies approving the same рапортичка at
once produce one approved version; two class teachers' tabs opening it produce one report."""

import threading

import pytest
from django.db import connections

from accounts.roles import Role
from audit.models import AuditEntry
from reporting.models import Kind, Report, ReportVersion, Status
from reporting.services import ReportError, approve, open_report, submit
from tests import factories
from tests.reporting.helpers import WEEK, WEEK_END, school_setup

pytestmark = pytest.mark.django_db(transaction=True)


def _run_together(*calls) -> list[Exception]:
    """Run each call in its own thread and connection, released at the same moment; the
    errors they raised, in no particular order."""
    barrier = threading.Barrier(len(calls))
    errors = []

    def runner(call):
        try:
            barrier.wait(timeout=10)
            call()
        except Exception as error:  # returned to the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def _open(setup):
    return open_report(
        kind=Kind.WEEKLY_CLASS_REPORT,
        school_class=setup.school_class,
        period_start=WEEK,
        period_end=WEEK_END,
        acting_user=setup.class_teacher,
    )


def test_two_deputies_approving_at_once_make_one_approved_version():
    setup = school_setup()
    other_deputy = factories.staff_user(Role.DEPUTY, setup.school)
    report = _open(setup)
    submit(report=report, version=1, acting_user=setup.class_teacher)
    errors = _run_together(
        lambda: approve(report=report, version=1, acting_user=setup.deputy),
        lambda: approve(report=report, version=1, acting_user=other_deputy),
    )
    assert len(errors) == 1 and isinstance(errors[0], ReportError)
    assert "уже утверждён" in str(errors[0])
    assert ReportVersion.objects.filter(report=report, status=Status.APPROVED).count() == 1
    assert AuditEntry.objects.filter(action="reporting.report.approved").count() == 1


def test_two_tabs_opening_the_same_report_make_one():
    setup = school_setup()
    errors = _run_together(*[lambda: _open(setup) for _ in range(3)])
    assert errors == []
    assert Report.objects.count() == 1
    assert ReportVersion.objects.count() == 1
