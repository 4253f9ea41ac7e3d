"""R-R-1, the рапортичка: its count, its table of students over 10 lessons, its workflow
(submitted by the class teacher, returned or approved by the deputy), the frozen PDF and
the week locked on approval (R-J-6)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import AuditEntry
from journal.models import LockedWeek, Mark, ReasonStatus
from journal.services.locks import is_week_locked
from reporting.models import Kind, Report, ReportFile, Status
from reporting.services import (
    ReportError,
    approve,
    open_report,
    request_file,
    return_report,
    start_correction,
    submit,
    version_data,
)
from tests import factories
from tests.pdf import pdf_text
from tests.reporting.helpers import WEEK, WEEK_END, lessons_on, mark_absent, school_setup

TUESDAY = WEEK + datetime.timedelta(days=1)


@pytest.fixture
def setup(db):
    return school_setup()


@pytest.fixture
def week(setup):
    """11 lessons without a valid reason for Ivanov, 10 for Petrov, 1 (and 2 excused) for
    Sidorova: 22 in all; only Ivanov is over 10."""
    cls = setup.school_class
    monday, tuesday = lessons_on(cls, WEEK, 6), lessons_on(cls, TUESDAY, 6)
    ivanov = factories.enrolled_student(cls, last_name="Иванов", first_name="Пётр")
    petrov = factories.enrolled_student(cls, last_name="Петров", first_name="Илья")
    sidorova = factories.enrolled_student(cls, last_name="Сидорова", first_name="Анна")
    mark_absent(monday + tuesday[:5], ivanov, reason=ReasonStatus.INVALID, note="прогул")
    mark_absent(monday, petrov)
    mark_absent(tuesday[:4], petrov, reason=ReasonStatus.INVALID)
    mark_absent(monday[:1], sidorova, reason=ReasonStatus.INVALID)
    mark_absent(monday[1:3], sidorova, reason=ReasonStatus.VALID)
    return {"ivanov": ivanov, "petrov": petrov, "sidorova": sidorova, "monday": monday}


def _open(setup, user=None):
    return open_report(
        kind=Kind.WEEKLY_CLASS_REPORT,
        school_class=setup.school_class,
        period_start=WEEK,
        period_end=WEEK_END,
        acting_user=user or setup.class_teacher,
    )


def _expected_without_valid(school_class, start, end) -> int:
    """The plain count: absences of the class's lessons in the week, reason not valid."""
    return (
        Mark.objects.filter(
            lesson__school_class=school_class,
            date__range=(start, end),
            kind=Mark.Kind.ABSENT,
        )
        .exclude(reason_status=ReasonStatus.VALID)
        .count()
    )


def test_count_equals_lessons_missed_without_valid_reason(setup, week):
    report = _open(setup)
    data = version_data(report.versions.get())
    assert data["lessons_without_valid"] == 22
    assert data["lessons_without_valid"] == _expected_without_valid(
        setup.school_class, WEEK, WEEK_END
    )


def test_student_with_11_lessons_is_listed_and_with_10_is_not(setup, week):
    data = version_data(_open(setup).versions.get())
    rows = data["tables"]["students"]
    assert [row["name"] for row in rows] == ["Иванов Пётр"]
    assert rows[0]["lessons"] == 11
    assert rows[0]["reason"] == "прогул"


def test_workflow_return_resubmit_approve_freezes_and_locks_the_week(setup, week, committed):
    report = _open(setup)
    submit(report=report, version=1, acting_user=setup.class_teacher)
    return_report(report=report, version=1, comment="Уточните меры", acting_user=setup.deputy)
    report.refresh_from_db()
    assert report.status == Status.RETURNED
    assert report.versions.get(number=1).comment == "Уточните меры"
    submit(report=report, version=2, acting_user=setup.class_teacher)
    with committed():
        approve(report=report, version=2, acting_user=setup.deputy)
    report.refresh_from_db()
    assert (report.status, report.approved_number) == (Status.APPROVED, 2)
    assert LockedWeek.objects.filter(school_class=setup.school_class, week_start=WEEK).exists()
    assert is_week_locked(setup.school_class.pk, TUESDAY, school=setup.school)
    pdf = ReportFile.objects.get(version__report=report, version__number=2, format="pdf")
    assert pdf.state == ReportFile.State.DONE and pdf.intact
    text = pdf_text(bytes(pdf.content))
    for heading in (
        "Рапортичка",
        "класса за период",
        "без уваж. причины",
        "Ф.И. обучающегося",
        "Количество пропущенных уроков",
        "Причина пропусков",
        "Принятые меры",
    ):
        assert heading in text
    assert AuditEntry.objects.filter(action="reporting.report.approved").count() == 1


def test_approved_pdf_never_changes_and_the_next_version_shows_the_change(setup, week, committed):
    report = _open(setup)
    submit(report=report, version=1, acting_user=setup.class_teacher)
    with committed():
        approve(report=report, version=1, acting_user=setup.deputy)
    pdf = ReportFile.objects.get(version__report=report, format="pdf")
    content, checksum = bytes(pdf.content), pdf.sha256
    # The deputy changes a mark of the locked week.
    Mark.objects.filter(student=week["sidorova"], reason_status=ReasonStatus.INVALID).delete()
    again = request_file(version=pdf.version, format="pdf", acting_user=setup.deputy)
    assert again.pk == pdf.pk
    pdf.refresh_from_db()
    assert (bytes(pdf.content), pdf.sha256) == (content, checksum)
    assert report.versions.get(number=1).data["lessons_without_valid"] == 22
    draft = start_correction(report=report, version=1, acting_user=setup.class_teacher)
    assert version_data(draft)["lessons_without_valid"] == 21


def test_bad_steps_are_refused_and_change_nothing(setup, week):
    report = _open(setup)
    with pytest.raises(ReportError):
        approve(report=report, version=1, acting_user=setup.deputy)  # not submitted
    submit(report=report, version=1, acting_user=setup.class_teacher)
    with pytest.raises(ReportError):
        submit(report=report, version=1, acting_user=setup.class_teacher)  # twice
    with pytest.raises(ReportError):
        return_report(report=report, version=1, comment="  ", acting_user=setup.deputy)
    with pytest.raises(PermissionDenied):
        approve(report=report, version=1, acting_user=setup.class_teacher)
    approve(report=report, version=1, acting_user=setup.deputy)
    with pytest.raises(ReportError, match="уже утверждён"):
        approve(report=report, version=1, acting_user=setup.deputy)
    with pytest.raises(ReportError, match="изменился"):
        start_correction(report=report, version=7, acting_user=setup.class_teacher)
    assert report.versions.count() == 1


def test_a_future_week_is_refused(setup):
    future = datetime.date.today() + datetime.timedelta(days=14)
    monday = future - datetime.timedelta(days=future.weekday())
    with pytest.raises(ReportError, match="ещё не начался"):
        open_report(
            kind=Kind.WEEKLY_CLASS_REPORT,
            school_class=setup.school_class,
            period_start=monday,
            period_end=monday + datetime.timedelta(days=6),
            acting_user=setup.class_teacher,
        )
    assert not Report.objects.exists()


def test_another_schools_class_teacher_cannot_open_it(setup):
    other = school_setup()
    with pytest.raises(PermissionDenied):
        _open(setup, user=other.class_teacher)


def test_pages_of_the_workflow(setup, week, client, committed):
    client.force_login(setup.class_teacher)
    response = client.post(
        reverse("reporting:open"),
        {
            "kind": Kind.WEEKLY_CLASS_REPORT,
            "day": TUESDAY.isoformat(),
            "school_class": setup.school_class.pk,
        },
    )
    report = Report.objects.get()
    assert response.url == reverse("reporting:detail", args=[report.pk])
    page = client.get(response.url).content.decode()
    assert "Иванов Пётр" in page and "Петров Илья" not in page
    client.post(reverse("reporting:submit", args=[report.pk]), {"version": 1})
    client.force_login(setup.deputy)
    with committed():
        client.post(
            reverse("reporting:decide", args=[report.pk]), {"version": 1, "decision": "approve"}
        )
    report.refresh_from_db()
    assert report.status == Status.APPROVED
    pdf = ReportFile.objects.get(format="pdf")
    response = client.get(reverse("reporting:file_download", args=[pdf.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert bytes(pdf.content) == response.content
