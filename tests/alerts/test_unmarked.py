"""Lessons left unmarked (issue #15 point 8, seed 002 §3.4): one reminder to the teacher
a set time after the lesson ends, the deputies' list at the end of the day."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from alerts import tasks
from alerts.models import Notification, UnmarkedLessonReminder, UnmarkedLessonsDigest
from alerts.unmarked import remind_unmarked
from journal.models import BellPeriod
from journal.services import confirm_attendance_taken, set_mark
from policy.models import PolicyValue
from tests import factories
from tests.journal.helpers import make_lesson

DAY = datetime.date(2025, 10, 14)  # a Tuesday


def at(hour: int, minute: int = 0, day: datetime.date = DAY) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def school(db):
    school = factories.SchoolFactory()
    for number, start in ((1, (8, 30)), (2, (9, 25)), (3, (10, 20))):
        begin = datetime.datetime.combine(DAY, datetime.time(*start))
        BellPeriod.objects.create(
            school=school,
            number=number,
            start_time=begin.time(),
            end_time=(begin + datetime.timedelta(minutes=45)).time(),
        )
    return school


@pytest.fixture
def school_class(school):
    return factories.SchoolClassFactory(school=school, grade=7, letter="Б")


@pytest.fixture
def teacher(school):
    return factories.staff_user(Role.SUBJECT_TEACHER, school, email="teacher@school.example")


@pytest.fixture
def deputy(school):
    return factories.staff_user(Role.DEPUTY, school, email="deputy@school.example")


@pytest.fixture
def lesson(school_class, teacher):
    return make_lesson(school_class, DAY, period=2, teacher=teacher)  # 09:25–10:10


def reminders_of(user):
    return Notification.objects.filter(user=user)


def run(now, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return remind_unmarked(now)


def test_one_reminder_after_the_set_time_even_when_run_again(
    lesson, teacher, deputy, django_capture_on_commit_callbacks
):
    # The lesson ends at 10:10; the school's default is 30 minutes after.
    assert run(at(10, 39), django_capture_on_commit_callbacks)["reminders"] == 0
    assert not reminders_of(teacher).exists()

    assert run(at(10, 40), django_capture_on_commit_callbacks)["reminders"] == 1
    assert run(at(10, 45), django_capture_on_commit_callbacks)["reminders"] == 0
    assert run(at(12, 0), django_capture_on_commit_callbacks)["reminders"] == 0

    reminder = reminders_of(teacher).get()
    assert reminder.link == reverse("journal:lesson", args=[lesson.pk])
    assert "2-й урок" in reminder.text and "7 «Б»" in reminder.text
    assert UnmarkedLessonReminder.objects.get().notification == reminder
    assert [message.to for message in mail.outbox] == [["teacher@school.example"]]
    assert reverse("journal:lesson", args=[lesson.pk]) in mail.outbox[0].body
    assert not reminders_of(deputy).exists()  # before the evening list


def test_the_task_run_twice_sends_one_reminder(lesson, teacher, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: at(11, 0))
    tasks.remind_unmarked.apply()
    tasks.remind_unmarked.apply()
    assert reminders_of(teacher).count() == 1
    assert UnmarkedLessonReminder.objects.count() == 1


def test_the_school_sets_the_delay(school, lesson, teacher, django_capture_on_commit_callbacks):
    PolicyValue.objects.create(key="journal.unmarked_reminder_minutes", school=school, value=90)
    assert run(at(11, 30), django_capture_on_commit_callbacks)["reminders"] == 0
    assert run(at(11, 40), django_capture_on_commit_callbacks)["reminders"] == 1


def test_a_marked_lesson_brings_no_reminder(
    school_class, lesson, teacher, deputy, django_capture_on_commit_callbacks
):
    other = make_lesson(school_class, DAY, period=3, teacher=teacher)
    student = factories.enrolled_student(school_class)
    set_mark(lesson=lesson, student_id=student.pk, kind="absent", acting_user=teacher)
    confirm_attendance_taken(lesson=other, acting_user=teacher)
    assert run(at(18, 0), django_capture_on_commit_callbacks) == {"reminders": 0, "digests": 0}
    assert not Notification.objects.exists()
    assert not UnmarkedLessonsDigest.objects.exists()


def test_the_deputy_gets_the_days_unmarked_lessons_once_in_the_evening(
    school,
    school_class,
    lesson,
    teacher,
    deputy,
    django_capture_on_commit_callbacks,
):
    marked = make_lesson(school_class, DAY, period=1, teacher=teacher)
    confirm_attendance_taken(lesson=marked, acting_user=teacher)
    other_teacher = factories.staff_user(Role.SUBJECT_TEACHER, school, last_name="Прохорова")
    late = make_lesson(school_class, DAY, period=3, teacher=other_teacher)
    director = factories.staff_user(Role.DIRECTOR, school)

    assert run(at(16, 59), django_capture_on_commit_callbacks)["digests"] == 0
    assert run(at(17, 0), django_capture_on_commit_callbacks)["digests"] == 1
    assert run(at(17, 5), django_capture_on_commit_callbacks)["digests"] == 0

    evening = reminders_of(deputy).get()
    assert "уроков без отметки посещаемости — 2" in evening.text
    assert "2-й урок" in evening.text and "3-й урок" in evening.text
    assert "1-й урок" not in evening.text
    assert "Прохорова" in evening.text
    assert evening.link == reverse("journal:unmarked") + "?date_from=2025-10-14&date_to=2025-10-14"
    digest = UnmarkedLessonsDigest.objects.get()
    assert sorted(digest.lessons) == sorted([lesson.pk, late.pk])
    assert digest.recipients == [deputy.pk]
    assert not reminders_of(director).exists()  # the school has a deputy
    deputy_mail = [message for message in mail.outbox if message.to == ["deputy@school.example"]]
    assert len(deputy_mail) == 1
    assert "Прохорова" in deputy_mail[0].body
    # Each teacher was reminded once as well, in the same run.
    assert reminders_of(teacher).count() == 1
    assert reminders_of(other_teacher).count() == 1


def test_without_a_deputy_the_director_gets_the_list(
    school, lesson, teacher, django_capture_on_commit_callbacks
):
    director = factories.staff_user(Role.DIRECTOR, school)
    run(at(17, 30), django_capture_on_commit_callbacks)
    assert reminders_of(director).count() == 1


def test_lessons_of_another_day_and_cancelled_lessons_are_left_alone(
    school_class, lesson, teacher, deputy, django_capture_on_commit_callbacks
):
    lesson.status = lesson.Status.CANCELLED
    lesson.save()
    make_lesson(school_class, DAY - datetime.timedelta(days=1), period=1, teacher=teacher)
    assert run(at(18, 0), django_capture_on_commit_callbacks) == {"reminders": 0, "digests": 0}
    assert not Notification.objects.exists()


def test_a_lesson_without_a_bell_period_is_only_on_the_evening_list(
    school_class, teacher, deputy, django_capture_on_commit_callbacks
):
    make_lesson(school_class, DAY, period=7, teacher=teacher)  # no bell period 7
    assert run(at(16, 0), django_capture_on_commit_callbacks)["reminders"] == 0
    assert run(at(17, 0), django_capture_on_commit_callbacks) == {"reminders": 0, "digests": 1}
    assert not reminders_of(teacher).exists()
    assert "7-й урок" in reminders_of(deputy).get().text
