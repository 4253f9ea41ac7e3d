"""A lesson opens for marking when it begins, not days ahead (journal.marking_opens_minutes_before)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from audit.models import AuditEntry
from journal.models import BellPeriod, Mark
from journal.services import JournalError, confirm_attendance_taken, set_mark
from journal.services.marks import check_marking_open
from policy.services import set_setting
from tests import factories
from tests.journal.helpers import make_lesson

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def student(school_class):
    return factories.enrolled_student(school_class)


def lesson_starting(school_class, start: datetime.datetime, period: int = 1):
    """A lesson whose bell period starts at ``start`` (local time)."""
    start = timezone.localtime(start)
    BellPeriod.objects.create(
        school=school_class.school,
        number=period,
        start_time=start.time(),
        end_time=(start + datetime.timedelta(minutes=45)).time(),
    )
    return make_lesson(school_class, start.date(), period)


def test_a_lesson_a_week_ahead_cannot_be_marked(school_class, student):
    lesson = make_lesson(school_class, timezone.localdate() + datetime.timedelta(days=7))
    with pytest.raises(JournalError, match="Урок ещё не начался"):
        set_mark(lesson=lesson, student_id=student.pk, kind="absent", acting_user=lesson.teacher)
    assert not Mark.objects.exists()
    lesson.refresh_from_db()
    assert lesson.attendance_taken_at is None


def test_all_present_cannot_be_confirmed_before_the_lesson(school_class):
    lesson = lesson_starting(school_class, timezone.now() + datetime.timedelta(hours=2))
    with pytest.raises(JournalError, match="Урок ещё не начался"):
        confirm_attendance_taken(lesson=lesson, acting_user=lesson.teacher)
    lesson.refresh_from_db()
    assert lesson.attendance_taken_at is None


def test_a_lesson_that_has_begun_can_be_marked(school_class, student):
    lesson = lesson_starting(school_class, timezone.now() - datetime.timedelta(minutes=5))
    mark = set_mark(lesson=lesson, student_id=student.pk, kind="absent", acting_user=lesson.teacher)
    assert mark.kind == Mark.Kind.ABSENT


def test_refusal_names_when_marking_opens(school_class):
    lesson = make_lesson(school_class, datetime.date(2030, 3, 4), period=2)
    BellPeriod.objects.create(
        school=school_class.school,
        number=2,
        start_time=datetime.time(9, 0),
        end_time=datetime.time(9, 45),
    )
    with pytest.raises(JournalError) as refusal:
        check_marking_open(lesson)
    assert str(refusal.value) == (
        "Урок ещё не начался: отметить посещаемость можно с 09:00 04.03.2030."
    )


def test_opening_is_the_bell_start_or_the_start_of_the_day_without_a_bell(school_class):
    lesson = make_lesson(school_class, datetime.date(2030, 3, 4), period=2)
    midnight = timezone.make_aware(datetime.datetime(2030, 3, 4, 0, 0))
    check_marking_open(lesson, now=midnight)
    with pytest.raises(JournalError):
        check_marking_open(lesson, now=midnight - datetime.timedelta(seconds=1))

    BellPeriod.objects.create(
        school=school_class.school,
        number=2,
        start_time=datetime.time(9, 0),
        end_time=datetime.time(9, 45),
    )
    start = timezone.make_aware(datetime.datetime(2030, 3, 4, 9, 0))
    check_marking_open(lesson, now=start)
    with pytest.raises(JournalError):
        check_marking_open(lesson, now=start - datetime.timedelta(seconds=1))


def test_school_setting_opens_marking_minutes_before_the_lesson(school, school_class, student):
    lesson = lesson_starting(school_class, timezone.now() + datetime.timedelta(minutes=10))
    admin = factories.staff_user(Role.SCHOOL_ADMIN, school)
    set_setting(
        key="journal.marking_opens_minutes_before", value=15, acting_user=admin, school=school
    )
    assert AuditEntry.objects.filter(
        action__startswith="policy.", data__key="journal.marking_opens_minutes_before"
    ).exists()
    mark = set_mark(lesson=lesson, student_id=student.pk, kind="late", acting_user=lesson.teacher)
    assert mark.kind == Mark.Kind.LATE


# --- pages -------------------------------------------------------------------------------


def test_lesson_page_of_a_future_lesson_is_read_only_with_the_reason(client, school_class, student):
    lesson = lesson_starting(school_class, timezone.now() + datetime.timedelta(days=7))
    client.force_login(lesson.teacher)
    response = client.get(reverse("journal:lesson", args=[lesson.pk]))
    assert response.status_code == 200
    assert response.context["can_mark"] is False
    html = response.content.decode()
    assert "Урок ещё не начался: отметить посещаемость можно с" in html
    assert f'id="mark-{student.pk}-absent"' not in html
    assert 'id="confirm-attendance"' not in html


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["form", "htmx"])
def test_posted_mark_for_a_future_lesson_is_refused_with_the_reason(
    client, school_class, student, headers
):
    lesson = lesson_starting(school_class, timezone.now() + datetime.timedelta(days=7))
    client.force_login(lesson.teacher)
    response = client.post(
        reverse("journal:lesson_mark", args=[lesson.pk]),
        {"student": student.pk, "kind": "absent"},
        **headers,
    )
    assert response.status_code == 422
    assert "Урок ещё не начался" in response.content.decode()
    assert not Mark.objects.exists()


def test_my_lessons_shows_lessons_not_open_yet_as_not_markable(
    client, school_class, django_assert_max_num_queries
):
    teacher = factories.staff_user(Role.SUBJECT_TEACHER, school_class.school)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for period in range(1, 6):
        make_lesson(school_class, tomorrow, period, teacher=teacher)
    BellPeriod.objects.create(
        school=school_class.school,
        number=1,
        start_time=datetime.time(8, 30),
        end_time=datetime.time(9, 15),
    )
    client.force_login(teacher)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("journal:my_lessons"), {"date": f"{tomorrow:%Y-%m-%d}"})
    html = response.content.decode()
    assert html.count('data-testid="not-open"') == 5
    assert f"отметка с {tomorrow.day}" in html and "08:30" in html
    assert "не отмечен<" not in html


def test_my_lessons_of_a_past_day_are_all_open(client, school_class):
    teacher = factories.staff_user(Role.SUBJECT_TEACHER, school_class.school)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    make_lesson(school_class, yesterday, 1, teacher=teacher)
    client.force_login(teacher)
    response = client.get(reverse("journal:my_lessons"), {"date": f"{yesterday:%Y-%m-%d}"})
    html = response.content.decode()
    assert 'data-testid="not-open"' not in html
    assert "не отмечен" in html


def test_a_lesson_that_has_not_begun_is_not_listed_as_unmarked(client, school_class):
    later = lesson_starting(school_class, timezone.now() + datetime.timedelta(hours=2), period=5)
    begun = lesson_starting(school_class, timezone.now() - datetime.timedelta(hours=2), period=1)
    deputy = factories.staff_user(Role.DEPUTY, school_class.school)
    client.force_login(deputy)
    response = client.get(reverse("journal:unmarked"))
    listed = {lesson.pk for group in response.context["groups"] for lesson in group.lessons}
    assert begun.pk in listed
    assert later.pk not in listed


def test_start_page_says_when_marking_opens_instead_of_not_marked(client, school_class):
    start = timezone.localtime(timezone.now() + datetime.timedelta(minutes=2))
    if start.date() != timezone.localdate():
        pytest.skip("run in the last two minutes of the day: the lesson falls on tomorrow")
    lesson = lesson_starting(school_class, start, period=5)
    client.force_login(lesson.teacher)
    response = client.get(reverse("home:start", args=[Role.SUBJECT_TEACHER]))
    page = response.content.decode()
    assert f"отметка с {start:%H:%M}" in page
    assert "не отмечено" not in page
