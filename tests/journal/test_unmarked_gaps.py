"""A lesson whose attendance was never taken is a gap, never silently «present» (issue #15
point 8): the class month grid and the student card show it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from journal import units
from journal.models import BellPeriod
from journal.services import confirm_attendance_taken, set_mark
from tests import factories
from tests.journal.helpers import class_teacher_for, make_lesson

MON = datetime.date(2025, 10, 13)
TUE = MON + datetime.timedelta(days=1)


@pytest.fixture
def teacher(school_class):
    return class_teacher_for(school_class)


@pytest.fixture
def pupils(school_class):
    return [factories.enrolled_student(school_class, last_name=n) for n in ("Белова", "Гущин")]


@pytest.fixture
def lessons(school_class):
    """Monday: lesson 1 taken («all present»), lesson 2 with a mark, lesson 3 never marked.
    Tuesday: both lessons taken."""
    subject_teacher = factories.staff_user(Role.SUBJECT_TEACHER, school_class.school)
    monday = [make_lesson(school_class, MON, n, teacher=subject_teacher) for n in (1, 2, 3)]
    tuesday = [make_lesson(school_class, TUE, n, teacher=subject_teacher) for n in (1, 2)]
    for lesson in (monday[0], *tuesday):
        confirm_attendance_taken(lesson=lesson, acting_user=subject_teacher)
    return monday, tuesday


def test_daily_records_count_the_lessons_nobody_marked(pupils, lessons):
    monday, _tuesday = lessons
    set_mark(lesson=monday[1], student_id=pupils[0].pk, kind="late", acting_user=monday[1].teacher)
    records = units.daily_records([p.pk for p in pupils], MON, TUE)
    # A mark on the lesson means it was marked, for every student of it.
    assert [records[p.pk][MON].unmarked for p in pupils] == [1, 1]
    assert [records[p.pk][TUE].unmarked for p in pupils] == [0, 0]


def test_the_grid_shows_a_day_with_an_unmarked_lesson_as_a_gap(
    client, school_class, teacher, pupils, lessons
):
    monday, _tuesday = lessons
    set_mark(lesson=monday[1], student_id=pupils[0].pk, kind="absent", acting_user=teacher)
    client.force_login(teacher)
    page = client.get(f"{reverse('journal:class_grid', args=[school_class.pk])}?month=2025-10")
    days = [day for day, _ in page.context["days"]]
    rows = {row.student: row for row in page.context["rows"]}

    record, css, gaps = rows[pupils[1]].cells[days.index(MON)]
    assert (css, gaps) == ("unmarked", 1)  # not «present»
    record, css, gaps = rows[pupils[0]].cells[days.index(MON)]
    assert (record.absent, css, gaps) == (1, "unknown", 1)  # the absence, and the gap
    assert rows[pupils[1]].cells[days.index(TUE)][1:] == ("", 0)  # marked: present
    html = page.content.decode()
    assert html.count('data-unmarked="1"') == 2
    assert "Не отмечена посещаемость уроков: 1" in html
    assert "посещаемость не отмечена" in html  # the legend


def test_the_student_card_shows_the_gap(client, school_class, teacher, pupils, lessons):
    client.force_login(teacher)
    url = f"{reverse('journal:student_card', args=[pupils[1].pk])}?month=2025-10"
    html = client.get(url).content.decode()
    assert f'att-unmarked" data-day="{MON:%Y-%m-%d}"' in html
    assert f'att-present" data-day="{TUE:%Y-%m-%d}"' in html
    assert "не отмечено уроков: 2" in html  # lessons 2 and 3
    assert "посещаемость отмечена не на всех уроках" in html


def test_the_class_day_lists_the_lessons_nobody_marked(
    client, school_class, teacher, pupils, lessons
):
    client.force_login(teacher)
    url = f"{reverse('journal:class_day', args=[school_class.pk])}?date={MON:%Y-%m-%d}"
    page = client.get(url)
    assert [lesson.period for lesson in page.context["unmarked_lessons"]] == [2, 3]
    assert 'data-testid="unmarked-lessons"' in page.content.decode()
    page = client.get(f"{reverse('journal:class_day', args=[school_class.pk])}?date={TUE:%Y-%m-%d}")
    assert page.context["unmarked_lessons"] == []
    assert 'data-testid="unmarked-lessons"' not in page.content.decode()


def test_todays_lessons_not_begun_are_not_listed(client, school_class, teacher):
    today = timezone.localdate()
    later = make_lesson(school_class, today, period=8)
    BellPeriod.objects.create(
        school=school_class.school,
        number=8,
        start_time=datetime.time(23, 58),
        end_time=datetime.time(23, 59),
    )
    client.force_login(teacher)
    page = client.get(reverse("journal:class_day", args=[school_class.pk]))
    assert later not in page.context["unmarked_lessons"]
