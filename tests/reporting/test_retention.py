"""Retention (seed 003 Procedure §4.4, spec R-SEC): the data forwarded to the region is
destroyed after ``security.forwarded_data_retention_months`` (12): a dry run lists what is
due and changes nothing; the purge destroys exactly the versions due, keeps their rows as
a tombstone, audits each, and a second run finds nothing; a purged version's page says so."""

import datetime
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.roles import Role
from audit.models import AuditEntry
from policy.services import set_setting
from reporting.deadlines import aware
from reporting.models import Kind, Report, ReportFile, ReportVersion, Status
from reporting.retention import due_for_purge, purge_forwarded
from reporting.services import ReportError, approve, open_report, request_file, submit, version_data
from tests import factories
from tests.reporting.helpers import WEEK, WEEK_END, school_setup

TODAY = datetime.date(2026, 3, 10)
DATA = {"tables": {"first": [{"key": "student:1", "name": "Иванов Пётр", "hours": 40}]}}


@pytest.fixture
def setup(db):
    return school_setup(start=datetime.date(2024, 9, 1))


def _approved(setup, kind, approved_on, *, school=True, status=Status.APPROVED, month=1):
    """A version of ``kind`` approved (or only ``status``) on ``approved_on`` at 15:00,
    with its data, an amendment and both files, as the workflow leaves it."""
    start = datetime.date(2025, month, 1)
    report = Report.objects.create(
        kind=kind,
        municipality=setup.school.municipality,
        school=setup.school if school else None,
        period_start=start,
        period_end=start + datetime.timedelta(days=27),
        status=status,
        approved_number=1 if status == Status.APPROVED else None,
    )
    version = ReportVersion.objects.create(
        report=report,
        number=1,
        status=status,
        data=DATA if status != Status.DRAFT else None,
        amendments={"student:1": {"measures": "беседа с матерью"}},
        decided_at=aware(approved_on, datetime.time(15)) if status == Status.APPROVED else None,
    )
    for fmt in ReportFile.Format.values:
        ReportFile.objects.create(
            version=version, format=fmt, state=ReportFile.State.DONE, content=b"x", sha256="0"
        )
    return version


@pytest.fixture
def versions(setup):
    return {
        # approved exactly 12 months before TODAY: due
        "due": _approved(setup, Kind.MONTHLY_INFORMATION, datetime.date(2025, 3, 10)),
        # 12 months minus a day: kept
        "kept": _approved(setup, Kind.MONTHLY_INFORMATION, datetime.date(2025, 3, 11), month=2),
        "municipal": _approved(
            setup, Kind.MUNICIPAL_MONTHLY, datetime.date(2025, 1, 5), school=False
        ),
        # not forwarded to the region: a class's рапортичка, the school's weekly report
        "weekly": _approved(setup, Kind.WEEKLY_SCHOOL_REPORT, datetime.date(2024, 11, 1)),
        # never approved, so never forwarded
        "submitted": _approved(
            setup, Kind.NOT_IN_EDUCATION, datetime.date(2024, 11, 1), status=Status.SUBMITTED
        ),
    }


def _intact(version) -> bool:
    version.refresh_from_db()
    return (
        version.data == DATA
        and version.amendments != {}
        and version.purged_at is None
        and version.files.count() == 2
    )


def test_a_dry_run_lists_what_is_due_and_changes_nothing(versions):
    out = StringIO()
    call_command("purge_forwarded_reports", "--dry-run", "--today", TODAY.isoformat(), stdout=out)
    text = out.getvalue()
    assert f"Отчёт №{versions['due'].report_id}:" in text
    assert f"Отчёт №{versions['municipal'].report_id}:" in text
    assert f"Отчёт №{versions['kept'].report_id}:" not in text
    assert "будет уничтожено версий — 2; ничего не изменено" in text
    assert all(_intact(v) for v in versions.values() if v.status == Status.APPROVED)
    assert not AuditEntry.objects.filter(action="reporting.report.purged").exists()


def test_the_purge_destroys_exactly_the_versions_due(versions):
    out = StringIO()
    call_command("purge_forwarded_reports", "--today", TODAY.isoformat(), stdout=out)
    assert "уничтожено версий — 2." in out.getvalue()
    for name in ("due", "municipal"):
        version = versions[name]
        version.refresh_from_db()
        assert version.data is None and version.amendments == {}
        assert version.purged_at is not None
        assert not version.files.exists()
        # the tombstone: the report and the version stay, still approved
        assert version.status == Status.APPROVED
        assert Report.objects.get(pk=version.report_id).approved_number == 1
    for name in ("kept", "weekly"):
        assert _intact(versions[name])
    versions["submitted"].refresh_from_db()
    assert versions["submitted"].data == DATA


def test_each_purged_version_is_audited_without_an_actor(versions):
    purge_forwarded(today=TODAY)
    entries = AuditEntry.objects.filter(action="reporting.report.purged")
    assert entries.count() == 2
    entry = entries.get(object_id=str(versions["due"].report_id))
    assert entry.actor is None
    assert entry.data["version"] == 1 and entry.data["retention_months"] == 12
    assert entry.data["kind"] == Kind.MONTHLY_INFORMATION
    assert "Иванов" not in str(entry.data)


def test_a_second_run_purges_nothing(versions):
    assert len(purge_forwarded(today=TODAY)) == 2
    assert purge_forwarded(today=TODAY) == []
    assert due_for_purge(TODAY) == []
    assert AuditEntry.objects.filter(action="reporting.report.purged").count() == 2


def test_the_next_day_the_version_kept_is_due(versions):
    purge_forwarded(today=TODAY)
    assert [v.pk for v in purge_forwarded(today=TODAY + datetime.timedelta(days=1))] == [
        versions["kept"].pk
    ]


def test_the_schools_setting_decides(setup, versions):
    admin = factories.staff_user(Role.SCHOOL_ADMIN, setup.school)
    set_setting(
        key="security.forwarded_data_retention_months",
        value=24,
        acting_user=admin,
        school=setup.school,
    )
    # the school's monthly form is kept for two years; the consolidation follows the region
    assert [v.pk for v in purge_forwarded(today=TODAY)] == [versions["municipal"].pk]


def test_a_bad_date_is_refused_in_russian(db):
    with pytest.raises(CommandError, match="не в формате ГГГГ-ММ-ДД"):
        call_command("purge_forwarded_reports", "--today", "10.03.2026")


# ---------------------------------------------------------------------------- a purged version


@pytest.fixture
def purged(setup):
    """An approved рапортичка whose version is marked destroyed (the pages treat every
    purged version alike)."""
    report = open_report(
        kind=Kind.WEEKLY_CLASS_REPORT,
        school_class=setup.school_class,
        period_start=WEEK,
        period_end=WEEK_END,
        acting_user=setup.class_teacher,
    )
    submit(report=report, version=1, acting_user=setup.class_teacher)
    version = approve(report=report, version=1, acting_user=setup.deputy)
    ReportFile.objects.filter(version=version).delete()
    ReportVersion.objects.filter(pk=version.pk).update(
        data=None, amendments={}, purged_at=aware(TODAY, datetime.time(3))
    )
    version.refresh_from_db()
    return version


def test_a_purged_versions_page_says_the_data_was_destroyed(setup, purged, client):
    client.force_login(setup.deputy)
    response = client.get(reverse("reporting:detail", args=[purged.report_id]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="report-purged"' in page
    assert "Данные уничтожены по истечении срока хранения 10.03.2026" in page


def test_a_purged_version_is_not_rebuilt_nor_rendered(setup, purged, client):
    with pytest.raises(ReportError, match="уничтожены"):
        version_data(purged)
    with pytest.raises(ReportError, match="уничтожены"):
        request_file(version=purged, format="pdf", acting_user=setup.deputy)
    client.force_login(setup.deputy)
    url = reverse("reporting:file_request", args=[purged.report_id, 1, "pdf"])
    response = client.post(url, follow=True)
    assert "уничтожены" in response.content.decode()
    assert not ReportFile.objects.filter(version=purged).exists()


def test_the_returned_versions_before_a_purged_one_go_with_it(setup, versions):
    due = versions["due"]
    ReportVersion.objects.filter(pk=due.pk).update(number=2)
    returned = ReportVersion.objects.create(
        report=due.report, number=1, status=Status.RETURNED, data=DATA, comment="исправить"
    )
    ReportFile.objects.create(
        version=returned, format="pdf", state=ReportFile.State.DONE, content=b"x", sha256="0"
    )
    purge_forwarded(today=TODAY)
    returned.refresh_from_db()
    assert returned.data is None and returned.purged_at is not None
    assert not returned.files.exists()
    entry = AuditEntry.objects.get(action="reporting.report.purged", object_id=str(due.report_id))
    assert entry.data["earlier_versions"] == [1]
    assert _intact(versions["kept"])


def test_the_nightly_task_purges_what_is_due(versions, monkeypatch):
    from reporting import tasks

    monkeypatch.setattr(tasks, "timezone", SimpleNamespace(localdate=lambda: TODAY))
    assert tasks.purge_forwarded_reports_daily() == 2
    assert not _intact(versions["due"]) and _intact(versions["kept"])
