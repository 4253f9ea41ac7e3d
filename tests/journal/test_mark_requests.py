"""Marks sent with a client's key (the API, the offline phone): each key acts once."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connections

from accounts.roles import Role
from audit.models import AuditEntry
from journal.models import Mark, MarkRequest
from journal.services import ClientKeyConflict, JournalError, set_mark, set_mark_once
from journal.services.history import ACTIONS
from tests import factories
from tests.journal.helpers import make_lesson

DAY = datetime.date(2025, 10, 14)


@pytest.fixture
def lesson(school_class):
    return make_lesson(school_class, DAY)


@pytest.fixture
def student(school_class):
    return factories.enrolled_student(school_class)


def _history(student) -> int:
    return AuditEntry.objects.filter(student=student, action__in=ACTIONS).count()


def test_same_key_twice_stores_one_mark_and_one_history_entry(lesson, student):
    first = set_mark_once(
        lesson=lesson,
        student_id=student.pk,
        kind="absent",
        acting_user=lesson.teacher,
        client_key="k-1",
    )
    again = set_mark_once(
        lesson=lesson,
        student_id=student.pk,
        kind="absent",
        acting_user=lesson.teacher,
        client_key="k-1",
    )
    assert (first.replayed, again.replayed) == (False, True)
    assert again.request.pk == first.request.pk
    assert Mark.objects.filter(lesson=lesson, student=student).count() == 1
    assert MarkRequest.objects.count() == 1
    assert _history(student) == 1


def test_a_late_repeat_does_not_undo_a_later_change(lesson, student):
    """The phone resends «absent» after the teacher has set «present» with another key."""
    teacher = lesson.teacher
    ask = {"lesson": lesson, "student_id": student.pk, "acting_user": teacher}
    set_mark_once(kind="absent", client_key="first", **ask)
    set_mark_once(kind="present", client_key="second", **ask)
    outcome = set_mark_once(kind="absent", client_key="first", **ask)
    assert outcome.replayed and outcome.mark is None
    assert not Mark.objects.filter(lesson=lesson, student=student).exists()
    assert _history(student) == 2


def test_the_same_key_with_another_mark_is_refused_and_changes_nothing(lesson, student):
    ask = {"lesson": lesson, "student_id": student.pk, "acting_user": lesson.teacher}
    set_mark_once(kind="absent", client_key="k", **ask)
    with pytest.raises(ClientKeyConflict, match="уже использован"):
        set_mark_once(kind="late", minutes_late=5, client_key="k", **ask)
    assert Mark.objects.get(lesson=lesson, student=student).kind == Mark.Kind.ABSENT


def test_keys_belong_to_their_user(lesson, student, school_class):
    deputy = factories.staff_user(Role.DEPUTY, school_class.school)
    set_mark_once(
        lesson=lesson,
        student_id=student.pk,
        kind="absent",
        acting_user=lesson.teacher,
        client_key="k",
    )
    outcome = set_mark_once(
        lesson=lesson, student_id=student.pk, kind="present", acting_user=deputy, client_key="k"
    )
    assert not outcome.replayed
    assert not Mark.objects.filter(lesson=lesson, student=student).exists()


def test_a_refused_mark_leaves_the_key_free(lesson, school_class):
    stranger = factories.enrolled_student(factories.SchoolClassFactory(school=school_class.school))
    ask = {"lesson": lesson, "acting_user": lesson.teacher, "kind": "absent", "client_key": "k"}
    with pytest.raises(JournalError, match="не числится"):
        set_mark_once(student_id=stranger.pk, **ask)
    assert not MarkRequest.objects.exists()
    student = factories.enrolled_student(school_class)
    assert not set_mark_once(student_id=student.pk, **ask).replayed


@pytest.mark.parametrize(
    ("key", "kind", "minutes"),
    [
        ("", "absent", None),
        ("  ", "absent", None),
        ("ключ", "absent", None),
        ("x" * 101, "absent", None),
        (None, "absent", None),
        ("k", "nonsense-kind", None),
        ("k", "late", 40000),
        ("k", "late", -1),
    ],
)
def test_bad_keys_kinds_and_minutes_are_refused_in_russian(lesson, student, key, kind, minutes):
    with pytest.raises(JournalError, match="[А-Яа-я]"):
        set_mark_once(
            lesson=lesson,
            student_id=student.pk,
            kind=kind,
            minutes_late=minutes,
            acting_user=lesson.teacher,
            client_key=key,
        )
    assert not MarkRequest.objects.exists()
    assert not Mark.objects.exists()


def test_a_repeat_by_a_user_who_may_not_mark_is_refused(lesson, student, school_class):
    set_mark_once(
        lesson=lesson,
        student_id=student.pk,
        kind="absent",
        acting_user=lesson.teacher,
        client_key="k",
    )
    lesson.teacher = factories.staff_user(Role.SUBJECT_TEACHER, school_class.school)
    lesson.save()
    former = MarkRequest.objects.get().user
    with pytest.raises(PermissionDenied):
        set_mark_once(
            lesson=lesson, student_id=student.pk, kind="absent", acting_user=former, client_key="k"
        )


def test_set_mark_without_a_key_is_unchanged(lesson, student):
    set_mark(lesson=lesson, student_id=student.pk, kind="absent", acting_user=lesson.teacher)
    assert not MarkRequest.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_mark_once():
    school_class = factories.SchoolClassFactory()
    lesson = make_lesson(school_class, DAY)
    student = factories.enrolled_student(school_class)
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def send():
        try:
            barrier.wait(timeout=10)
            outcomes.append(
                set_mark_once(
                    lesson=lesson,
                    student_id=student.pk,
                    kind="absent",
                    acting_user=lesson.teacher,
                    client_key="twin",
                )
            )
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert sorted(outcome.replayed for outcome in outcomes) == [False, True]
    assert Mark.objects.filter(lesson=lesson, student=student).count() == 1
    assert _history(student) == 1
