"""The рапортичка says how many of the week's lessons were never marked (issue #15 point
8): their absences are missing from its count, so it is a gap, not «all present»."""

import datetime

import pytest
from django.urls import reverse

from journal.services import confirm_attendance_taken
from reporting.kinds import kind_of
from reporting.models import Kind
from reporting.services import open_report, version_data
from tests import factories
from tests.reporting.helpers import WEEK, WEEK_END, lessons_on, mark_absent, school_setup

TUESDAY = WEEK + datetime.timedelta(days=1)


@pytest.fixture
def setup(db):
    return school_setup()


def _open(setup):
    return open_report(
        kind=Kind.WEEKLY_CLASS_REPORT,
        school_class=setup.school_class,
        period_start=WEEK,
        period_end=WEEK_END,
        acting_user=setup.class_teacher,
    )


def test_the_weeks_unmarked_lessons_are_counted_and_shown(client, setup):
    cls = setup.school_class
    monday, tuesday = lessons_on(cls, WEEK, 6), lessons_on(cls, TUESDAY, 3)
    student = factories.enrolled_student(cls)
    mark_absent(monday[:2], student)  # lessons 1–2 have a mark: they were marked
    for lesson in tuesday:
        confirm_attendance_taken(lesson=lesson, acting_user=lesson.teacher)

    report = _open(setup)
    data = version_data(report.versions.get())
    assert data["unmarked_lessons"] == 4  # Monday's lessons 3–6
    heading = kind_of(report).sheets(data)[0].heading
    assert "Не отмечена посещаемость уроков: 4 — пропуски на них не учтены." in heading

    client.force_login(setup.class_teacher)
    page = client.get(reverse("reporting:detail", args=[report.pk]))
    assert 'data-unmarked="4"' in page.content.decode()


def test_a_fully_marked_week_says_nothing_of_it(setup):
    cls = setup.school_class
    for lesson in lessons_on(cls, WEEK, 3):
        confirm_attendance_taken(lesson=lesson, acting_user=lesson.teacher)
    report = _open(setup)
    data = version_data(report.versions.get())
    assert data["unmarked_lessons"] == 0
    heading = kind_of(report).sheets(data)[0].heading
    assert not any("Не отмечена" in line for line in heading)
