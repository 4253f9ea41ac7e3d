"""Reminders of report deadlines (spec §6 "reminders before and after"): who gets one and
when, once per report slot, stage and user whatever the number of runs, in the inbox with
a link; the school's settings apply; the beat task sends them for every school."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import RoleAssignment
from accounts.roles import Role
from alerts.models import Notification
from policy.services import set_setting
from reporting import tasks
from reporting.deadlines import aware
from reporting.models import Kind, Reminder
from reporting.reminders import remind_municipality, remind_school
from reporting.services import open_report, submit
from tests import factories
from tests.reporting.helpers import school_setup
from tests.reporting.test_concurrency import _run_together

# The рапортичка of 9–15 November 2026 is due on Monday 16 November at 12:00; the one of
# 2–8 November on 9 November; the school's weekly report of 2–8 November on Tuesday 10.
WEEK = datetime.date(2026, 11, 9)
LAST_WEEK = datetime.date(2026, 11, 2)
SUNDAY = datetime.timedelta(days=6)


def at(day: datetime.date, hour: int = 7) -> datetime.datetime:
    return aware(day, datetime.time(hour))


@pytest.fixture
def setup(db):
    return school_setup()


def _reminders(setup, kind=Kind.WEEKLY_CLASS_REPORT, period_start=WEEK, **filters):
    rows = Reminder.objects.filter(
        school=setup.school, kind=kind, period_start=period_start, **filters
    )
    return sorted((row.user_id, row.stage) for row in rows)


def _open(setup, monday=WEEK):
    return open_report(
        kind=Kind.WEEKLY_CLASS_REPORT,
        school_class=setup.school_class,
        period_start=monday,
        period_end=monday + SUNDAY,
        acting_user=setup.class_teacher,
    )


def _set(setup, key, value):
    admin = factories.staff_user(Role.SCHOOL_ADMIN, setup.school)
    set_setting(key=key, value=value, acting_user=admin, school=setup.school)


def test_the_day_before_the_class_teacher_is_reminded_once(setup):
    assert _reminders(setup) == []
    remind_school(setup.school.pk, now=at(datetime.date(2026, 11, 14)))  # Saturday: too early
    assert _reminders(setup) == []
    sent = remind_school(setup.school.pk, now=at(datetime.date(2026, 11, 15)))
    assert sent >= 1
    assert _reminders(setup) == [(setup.class_teacher.pk, Reminder.Stage.BEFORE)]
    reminder = Reminder.objects.get(school_class=setup.school_class, period_start=WEEK)
    notification = reminder.notification
    assert notification.user == setup.class_teacher and notification.read_at is None
    assert "Рапортичка класса" in notification.text and "16.11.2026 12:00" in notification.text
    assert notification.link == f"{reverse('reporting:board')}?school={setup.school.pk}"
    # The next runs, the same day or the next morning, send nothing more.
    assert remind_school(setup.school.pk, now=at(datetime.date(2026, 11, 15), 8)) == 0
    remind_school(setup.school.pk, now=at(datetime.date(2026, 11, 16)))
    assert _reminders(setup) == [(setup.class_teacher.pk, Reminder.Stage.BEFORE)]
    assert Notification.objects.filter(user=setup.class_teacher).exclude(link="").count() >= 1


def test_with_no_days_before_the_reminder_comes_on_monday_morning(setup):
    _set(setup, "reports.reminder_before_days", 0)
    remind_school(setup.school.pk, now=at(datetime.date(2026, 11, 15)))
    assert _reminders(setup) == []
    remind_school(setup.school.pk, now=at(datetime.date(2026, 11, 16)))
    assert _reminders(setup) == [(setup.class_teacher.pk, Reminder.Stage.BEFORE)]


def test_a_submitted_report_brings_no_reminder(setup):
    report = _open(setup)
    submit(report=report, version=1, acting_user=setup.class_teacher)
    remind_school(setup.school.pk, now=at(datetime.date(2026, 11, 15)))
    remind_school(setup.school.pk, now=at(datetime.date(2026, 11, 17)))
    assert _reminders(setup) == []


def test_overdue_reminds_the_class_teacher_and_the_deputy_once(setup):
    report = _open(setup, LAST_WEEK)
    remind_school(setup.school.pk, now=at(datetime.date(2026, 11, 9), 13))  # after the deadline
    assert _reminders(setup, period_start=LAST_WEEK, stage=Reminder.Stage.OVERDUE) == []
    remind_school(setup.school.pk, now=at(datetime.date(2026, 11, 10)))
    remind_school(setup.school.pk, now=at(datetime.date(2026, 11, 10), 9))
    overdue = _reminders(setup, period_start=LAST_WEEK, stage=Reminder.Stage.OVERDUE)
    assert overdue == sorted(
        [
            (setup.class_teacher.pk, Reminder.Stage.OVERDUE),
            (setup.deputy.pk, Reminder.Stage.OVERDUE),
        ]
    )
    for row in Reminder.objects.filter(period_start=LAST_WEEK, kind=Kind.WEEKLY_CLASS_REPORT):
        assert row.notification.link == reverse("reporting:detail", args=[report.pk])
        assert row.notification.text.startswith("Просрочен (срок был 09.11.2026 12:00)")


def test_the_schools_weekly_report_overdue_reminds_the_deputy_and_the_director(setup):
    remind_school(setup.school.pk, now=at(datetime.date(2026, 11, 11)))
    assert _reminders(setup, kind=Kind.WEEKLY_SCHOOL_REPORT, period_start=LAST_WEEK) == sorted(
        [
            (setup.deputy.pk, Reminder.Stage.OVERDUE),
            (setup.director.pk, Reminder.Stage.OVERDUE),
        ]
    )
    assert not Reminder.objects.filter(user=setup.social_pedagogue).exists()


def test_no_overdue_reminder_more_than_a_week_late(setup):
    remind_school(setup.school.pk, now=at(datetime.date(2026, 11, 17)))
    assert _reminders(setup, period_start=LAST_WEEK) == []


def test_a_schools_setting_delays_the_overdue_reminder(setup):
    _set(setup, "reports.reminder_after_days", 3)
    remind_school(setup.school.pk, now=at(datetime.date(2026, 11, 11)))
    assert _reminders(setup, period_start=LAST_WEEK) == []
    remind_school(setup.school.pk, now=at(datetime.date(2026, 11, 12)))
    assert len(_reminders(setup, period_start=LAST_WEEK)) == 2


def test_the_monthly_form_reminds_the_deputy_before_the_3rd(setup):
    october = datetime.date(2026, 10, 1)
    remind_school(setup.school.pk, now=at(datetime.date(2026, 11, 2)))
    assert _reminders(setup, kind=Kind.MONTHLY_INFORMATION, period_start=october) == [
        (setup.deputy.pk, Reminder.Stage.BEFORE)
    ]


def test_the_municipal_consolidation_reminds_the_municipality_then_the_region(setup):
    municipality = setup.school.municipality
    specialist = factories.UserFactory()
    RoleAssignment.objects.create(user=specialist, role=Role.MUNICIPAL, municipality=municipality)
    regional = factories.UserFactory()
    RoleAssignment.objects.create(user=regional, role=Role.REGIONAL, region=municipality.region)
    october = datetime.date(2026, 10, 1)
    remind_municipality(municipality.pk, now=at(datetime.date(2026, 11, 4)))
    remind_municipality(municipality.pk, now=at(datetime.date(2026, 11, 6)))
    remind_municipality(municipality.pk, now=at(datetime.date(2026, 11, 6), 9))
    rows = Reminder.objects.filter(kind=Kind.MUNICIPAL_MONTHLY, period_start=october)
    assert sorted((row.user_id, row.stage) for row in rows) == sorted(
        [
            (specialist.pk, Reminder.Stage.BEFORE),
            (specialist.pk, Reminder.Stage.OVERDUE),
            (regional.pk, Reminder.Stage.OVERDUE),
        ]
    )
    assert all(row.school is None for row in rows)
    assert rows.first().notification.link == reverse("reporting:list")


def test_an_inactive_teacher_is_not_reminded(setup):
    setup.class_teacher.is_active = False
    setup.class_teacher.save(update_fields=["is_active"])
    remind_school(setup.school.pk, now=at(datetime.date(2026, 11, 15)))
    assert _reminders(setup) == []


def test_the_inbox_shows_the_reminder_with_its_link(setup, client):
    remind_school(setup.school.pk, now=at(datetime.date(2026, 11, 15)))
    client.force_login(setup.class_teacher)
    page = client.get(reverse("alerts:inbox")).content.decode()
    link = f"{reverse('reporting:board')}?school={setup.school.pk}"
    assert f'href="{link.replace("&", "&amp;")}"' in page
    assert "Рапортичка класса" in page


def test_the_beat_task_sends_each_schools_reminders_once(setup):
    assert settings.CELERY_BEAT_SCHEDULE["reporting-deadline-reminders"]["task"] == (
        "reporting.tasks.send_reminders"
    )
    tasks.send_reminders.delay()
    sent = Reminder.objects.count()
    assert sent > 0
    assert Reminder.objects.filter(user=setup.class_teacher).exists()
    tasks.send_reminders.delay()
    assert Reminder.objects.count() == sent
    assert Notification.objects.exclude(link="").count() == sent


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once():
    setup = school_setup()
    now = at(datetime.date(2026, 11, 10))
    errors = _run_together(*[lambda: remind_school(setup.school.pk, now=now) for _ in range(3)])
    assert errors == []
    rows = Reminder.objects.filter(kind=Kind.WEEKLY_CLASS_REPORT, period_start=LAST_WEEK)
    assert sorted(row.user_id for row in rows) == sorted([setup.class_teacher.pk, setup.deputy.pk])
    assert Notification.objects.count() == Reminder.objects.count()
