"""Real concurrent transactions on PostgreSQL (R-SEC «no lost work»)."""

import datetime
import threading

import pytest
from django.db import connections

from journal.models import Mark
from journal.services import set_mark
from tests import factories
from tests.journal.helpers import class_teacher_for, make_lesson

pytestmark = pytest.mark.django_db(transaction=True)


def _run_together(*calls):
    """Run each call in its own thread and database connection, released at the same moment."""
    barrier = threading.Barrier(len(calls))
    errors = []

    def runner(call):
        try:
            barrier.wait(timeout=10)
            call()
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors


@pytest.fixture
def lesson_with_students():
    school_class = factories.SchoolClassFactory()
    lesson = make_lesson(school_class, datetime.date(2025, 10, 14))
    students = [factories.enrolled_student(school_class) for _ in range(2)]
    return lesson, students, class_teacher_for(school_class)


def test_two_teachers_marking_different_students_keep_both_marks(lesson_with_students):
    lesson, (first, second), class_teacher = lesson_with_students
    for _ in range(5):
        Mark.objects.all().delete()
        _run_together(
            lambda: set_mark(
                lesson=lesson, student_id=first.pk, kind="absent", acting_user=lesson.teacher
            ),
            lambda: set_mark(
                lesson=lesson, student_id=second.pk, kind="late", acting_user=class_teacher
            ),
        )
        assert set(Mark.objects.values_list("student_id", "kind")) == {
            (first.pk, Mark.Kind.ABSENT),
            (second.pk, Mark.Kind.LATE),
        }


def test_double_submitted_form_stores_one_mark(lesson_with_students):
    lesson, (student, _), _ = lesson_with_students
    for _ in range(5):
        Mark.objects.all().delete()
        _run_together(
            *[
                lambda: set_mark(
                    lesson=lesson, student_id=student.pk, kind="absent", acting_user=lesson.teacher
                )
                for _ in range(3)
            ]
        )
        assert Mark.objects.filter(lesson=lesson, student=student).count() == 1
