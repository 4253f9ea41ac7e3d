"""Real concurrent transactions on PostgreSQL (R-SEC «no lost work»)."""

import datetime
import functools
import threading
import time

import pytest
from django.db import connections, transaction

from accounts.roles import Role
from alerts import facts
from alerts.models import StudentDay
from journal.models import Mark
from journal.services import set_mark
from tests import factories
from tests.journal.helpers import class_teacher_for, make_lesson

pytestmark = pytest.mark.django_db(transaction=True)


def _run_together(*calls):
    """Run each call in its own thread and database connection, released at the same moment."""
    errors = _together(*calls)
    assert not errors, errors


def _together(*calls) -> list[Exception]:
    """The exceptions of ``calls`` run as ``_run_together`` runs them."""
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
    return errors


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


def test_two_lessons_of_one_day_marking_one_student_at_once_keep_both_marks():
    """Two teachers tap the same student in two lessons of the same day at the same moment.

    Each tap writes the student's day row (alerts_studentday, by the marks' trigger); the two
    writes must not collide on the row (the tap answered 500 and the mark was lost), and the
    row must count both marks."""
    school_class = factories.SchoolClassFactory()
    day = datetime.date(2025, 10, 14)
    first = make_lesson(school_class, day, period=1)
    second = make_lesson(
        school_class,
        day,
        period=2,
        teacher=factories.staff_user(Role.SUBJECT_TEACHER, school_class.school),
    )
    student = factories.enrolled_student(school_class)
    # Each round both teachers change the mark: even rounds start from a day without marks
    # (no day row yet, both insert it), odd rounds from the previous round's marks (both
    # replace the row).
    kinds = [("absent", "late"), ("late", "present"), ("absent", "absent"), ("present", "late")]
    errors, wrong, stale = [], [], []
    for round_no in range(120):
        if round_no % 2 == 0:
            Mark.objects.all().delete()
        kind_first, kind_second = kinds[round_no % len(kinds)]
        errors += _together(
            *[
                functools.partial(
                    set_mark,
                    lesson=lesson,
                    student_id=student.pk,
                    kind=kind,
                    acting_user=lesson.teacher,
                )
                for lesson, kind in ((first, kind_first), (second, kind_second))
            ]
        )
        stored = sorted(Mark.objects.values_list("lesson_id", "kind"))
        expected = sorted(
            (lesson.pk, kind)
            for lesson, kind in ((first, kind_first), (second, kind_second))
            if kind != "present"
        )
        if stored != expected:
            wrong.append((round_no, stored, expected))
        # The day row counts both marks (a row written from a view that missed the other
        # transaction's mark would be stale).
        if facts.discrepancies() != {"alerts_classday": 0, "alerts_studentday": 0}:
            stale.append(round_no)
    failed = sorted({type(error).__name__ for error in errors})
    assert (len(errors), len(wrong), len(stale)) == (0, 0, 0), (
        f"{len(errors)} of 240 taps failed ({', '.join(failed)}), "
        f"{len(wrong)} of 120 rounds stored other marks, "
        f"{len(stale)} of 120 rounds left a stale day row"
    )
    assert StudentDay.objects.filter(student=student).count() == 1


def test_rebuilding_the_facts_while_a_teacher_marks_loses_nothing():
    """``manage.py attendance_facts --rebuild`` during lessons: a tap's transaction holding
    the student's day row makes the rebuild wait, and neither fails on ``one_student_day``."""
    school_class = factories.SchoolClassFactory()
    day = datetime.date(2025, 10, 14)
    first, second = (make_lesson(school_class, day, period=period) for period in (1, 2))
    student = factories.enrolled_student(school_class)
    set_mark(lesson=first, student_id=student.pk, kind="absent", acting_user=first.teacher)
    marked = threading.Event()

    def tap():
        with transaction.atomic():
            set_mark(lesson=second, student_id=student.pk, kind="late", acting_user=second.teacher)
            marked.set()
            time.sleep(0.5)  # the rebuild starts meanwhile and waits for this transaction

    def rebuild():
        assert marked.wait(timeout=10)
        facts.rebuild()

    assert _together(tap, rebuild) == []
    assert Mark.objects.filter(student=student).count() == 2
    assert facts.discrepancies() == {"alerts_classday": 0, "alerts_studentday": 0}


def _advisory_locks_held() -> dict[str, int]:
    """The advisory locks this connection holds, by mode."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT mode, count(*) FROM pg_locks WHERE locktype = 'advisory' "
            "AND pid = pg_backend_pid() GROUP BY mode"
        )
        return dict(cursor.fetchall())


def test_a_statement_with_many_keys_takes_one_bulk_lock_not_one_per_key():
    """A term's lessons written in one statement took a lock per student and day and ran
    PostgreSQL's shared lock table out of memory; beyond the limit one exclusive lock is
    taken, and a tap holds it shared besides its own keys' locks."""
    school_class = factories.SchoolClassFactory()
    students = [factories.enrolled_student(school_class) for _ in range(3)]
    teacher = factories.staff_user(Role.SUBJECT_TEACHER, school_class.school)
    subject = factories.SubjectFactory(school=school_class.school)
    start = datetime.date(2025, 9, 1)
    days = [start + datetime.timedelta(days=n) for n in range(150)]
    with transaction.atomic():
        from journal.models import Lesson

        Lesson.objects.bulk_create(
            Lesson(
                school=school_class.school,
                school_class=school_class,
                date=day,
                period=1,
                subject=subject,
                teacher=teacher,
                duration_minutes=40,
            )
            for day in days
        )
        # 150 class days and 450 student days: over the limit, one lock for both.
        assert len(days) * len(students) > facts.LOCK_KEYS_LIMIT
        assert _advisory_locks_held() == {"ExclusiveLock": 1}
    assert facts.discrepancies() == {"alerts_classday": 0, "alerts_studentday": 0}

    lesson = make_lesson(school_class, datetime.date(2025, 10, 14), period=2, teacher=teacher)
    with transaction.atomic():
        set_mark(lesson=lesson, student_id=students[0].pk, kind="absent", acting_user=teacher)
        # The bulk lock shared; the student's day exclusive (the class day was not changed).
        assert _advisory_locks_held() == {"ShareLock": 1, "ExclusiveLock": 1}


def test_a_bulk_write_waits_for_a_tap_under_way():
    """The bulk lock and the taps' shared hold of it exclude each other: a term's lessons
    generated while a teacher's transaction is open wait for it to commit."""
    from django.db import connection

    school_class = factories.SchoolClassFactory()
    student = factories.enrolled_student(school_class)
    teacher = factories.staff_user(Role.SUBJECT_TEACHER, school_class.school)
    lesson = make_lesson(school_class, datetime.date(2025, 10, 14), teacher=teacher)
    tapped, order = threading.Event(), []

    def tap():
        with transaction.atomic():
            set_mark(lesson=lesson, student_id=student.pk, kind="absent", acting_user=teacher)
            tapped.set()
            time.sleep(0.5)
            order.append("tap committed")
        connections.close_all()

    def bulk():
        tapped.wait(timeout=10)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT pg_advisory_xact_lock({facts._BULK_LOCK})"  # what a bulk trigger takes
            )
            order.append("bulk locked")
        connections.close_all()

    threads = [threading.Thread(target=tap), threading.Thread(target=bulk)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert order == ["tap committed", "bulk locked"]
