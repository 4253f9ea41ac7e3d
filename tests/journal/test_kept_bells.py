"""A school's bells kept in the cache for the taps (journal.selectors.school_bells): read
once, forgotten when a bell period is saved or removed, whoever does it."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from accounts.roles import Role
from journal.models import BellPeriod
from journal.selectors import bell_of
from journal.services import JournalError, set_mark
from journal.timetable_template import remove_bell_period, save_bell_period
from tests import factories
from tests.alerts.test_views import CACHE_DOWN
from tests.journal.helpers import make_lesson

KEPT = override_settings(SCHOOL_SETUP_CACHE_SECONDS=300)
NINE, TEN, NOON = datetime.time(9), datetime.time(10), datetime.time(12)


def times(bell):
    return (bell.start_time, bell.end_time) if bell is not None else None


@KEPT
def test_bells_are_read_once_then_kept(school_class, django_assert_num_queries):
    BellPeriod.objects.create(school=school_class.school, number=1, start_time=NINE, end_time=TEN)
    lesson = make_lesson(school_class, timezone.localdate(), 1)
    with django_assert_num_queries(1):
        assert times(bell_of(lesson)) == (NINE, TEN)
    with django_assert_num_queries(0):
        assert times(bell_of(lesson)) == (NINE, TEN)


@KEPT
def test_a_changed_or_removed_bell_shows_at_once(school_class):
    school = school_class.school
    admin = factories.staff_user(Role.SCHOOL_ADMIN, school)
    lesson = make_lesson(school_class, timezone.localdate(), 1)
    assert bell_of(lesson) is None
    period = save_bell_period(
        school=school, number=1, start_time=NINE, end_time=TEN, acting_user=admin
    )
    assert times(bell_of(lesson)) == (NINE, TEN)
    save_bell_period(
        school=school, number=1, start_time=TEN, end_time=NOON, acting_user=admin, period=period
    )
    assert times(bell_of(lesson)) == (TEN, NOON)
    remove_bell_period(period=period, acting_user=admin)
    assert bell_of(lesson) is None


@KEPT
def test_a_later_bell_closes_marking_at_once(school_class):
    """A tap reads the kept bell: moving the period later closes the lesson at once."""
    student = factories.enrolled_student(school_class)
    lesson = make_lesson(school_class, timezone.localdate(), 1)
    period = BellPeriod.objects.create(
        school=school_class.school, number=1, start_time=datetime.time.min, end_time=NINE
    )
    set_mark(lesson=lesson, student_id=student.pk, kind="absent", acting_user=lesson.teacher)
    # The last minute of the day: not begun yet whenever the test runs.
    period.start_time, period.end_time = datetime.time(23, 59), datetime.time.max
    period.save()
    with pytest.raises(JournalError, match="Урок ещё не начался"):
        set_mark(lesson=lesson, student_id=student.pk, kind="late", acting_user=lesson.teacher)


@override_settings(SCHOOL_SETUP_CACHE_SECONDS=300, CACHES=CACHE_DOWN)
def test_bells_come_from_the_database_when_the_cache_is_down(school_class):
    BellPeriod.objects.create(school=school_class.school, number=1, start_time=NINE, end_time=TEN)
    lesson = make_lesson(school_class, timezone.localdate(), 1)
    assert times(bell_of(lesson)) == (NINE, TEN)
