"""The demo's reports (demo/reporting.py): every form and every state of the workflow exist,
so each report page has content to show."""

import pytest
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEntry
from journal.models import LockedWeek
from reporting.models import Kind, Report, Status, TrackedMinor
from schools.models import School

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_the_seed_reports_its_reports(demo):
    assert "отчёты за" in demo


def test_class_reports_in_every_state_and_the_approved_weeks_locked():
    class_reports = Report.objects.filter(kind=Kind.WEEKLY_CLASS_REPORT)
    assert set(class_reports.values_list("status", flat=True)) == {
        Status.SUBMITTED,
        Status.APPROVED,
        Status.RETURNED,
    }
    approved = class_reports.filter(status=Status.APPROVED)
    for report in approved:
        assert LockedWeek.objects.filter(
            school_class=report.school_class, week_start=report.period_start
        ).exists()
    returned = class_reports.get(status=Status.RETURNED, school__short_name__contains="№ 1 ")
    assert returned.versions.get(number=1).comment


def test_the_demo_class_teacher_has_last_weeks_report_still_to_do():
    teacher = User.objects.get(username="classteacher1")
    reports = Report.objects.filter(
        kind=Kind.WEEKLY_CLASS_REPORT, school_class__class_teacher=teacher
    )
    assert reports.count() == 1 and reports.get().status == Status.APPROVED


def test_school_and_territory_forms():
    for school in School.objects.all():
        weekly = Report.objects.filter(kind=Kind.WEEKLY_SCHOOL_REPORT, school=school)
        assert set(weekly.values_list("status", flat=True)) == {Status.APPROVED, Status.SUBMITTED}
        assert TrackedMinor.objects.filter(school=school).count() == 3
        assert AuditEntry.objects.filter(action="reporting.minor.added", school=school).count() == 3
    monthly = Report.objects.filter(kind=Kind.MONTHLY_INFORMATION)
    assert sorted(monthly.values_list("status", flat=True)) == [Status.APPROVED, Status.SUBMITTED]
    assert Report.objects.filter(kind=Kind.MUNICIPAL_MONTHLY, status=Status.DRAFT).count() == 1
    assert Report.objects.filter(kind=Kind.TERM_SUMMARY, status=Status.SUBMITTED).exists()


def test_each_demo_report_page_opens_for_its_readers(client):
    client.force_login(User.objects.get(username="deputy1"))
    for report in Report.objects.filter(school__short_name__contains="№ 1 "):
        response = client.get(reverse("reporting:detail", args=[report.pk]))
        assert response.status_code == 200, report
    client.force_login(User.objects.get(username="municipal"))
    response = client.get(reverse("reporting:list"))
    assert response.status_code == 200
    assert "Сводная информация муниципалитета" in response.content.decode()
