import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError

from accounts.roles import Role
from audit.models import AuditEntry
from journal.models import Lesson, LockedWeek, Mark, ReasonStatus, ValidReason
from journal.services import JournalError, confirm_attendance_taken, set_mark, set_reasons
from journal.services.history import HistoryAction, history_action
from journal.services.marks import _insert_or_lock
from tests import factories
from tests.journal.helpers import class_teacher_for, make_lesson

DAY = datetime.date(2025, 10, 14)


@pytest.fixture
def lesson(school_class):
    return make_lesson(school_class, DAY)


@pytest.fixture
def student(school_class):
    return factories.enrolled_student(school_class)


def test_absence_is_stored_with_unknown_reason(lesson, student):
    mark = set_mark(lesson=lesson, student_id=student.pk, kind="absent", acting_user=lesson.teacher)
    assert mark.kind == Mark.Kind.ABSENT
    assert mark.reason_status == ReasonStatus.UNKNOWN
    assert mark.counts_as_invalid


def _unsaved_mark(lesson, student, **fields) -> Mark:
    return Mark(
        lesson=lesson,
        student=student,
        school_id=lesson.school_id,
        date=lesson.date,
        created_by=lesson.teacher,
        updated_by=lesson.teacher,
        **fields,
    )


def test_insert_or_lock_takes_a_duplicate_mark_for_the_concurrent_one(lesson, student):
    first = set_mark(lesson=lesson, student_id=student.pk, kind="late", acting_user=lesson.teacher)
    mark, created = _insert_or_lock(_unsaved_mark(lesson, student, kind=Mark.Kind.ABSENT))
    assert (mark.pk, mark.kind, created) == (first.pk, Mark.Kind.LATE, False)


def test_insert_or_lock_lets_another_constraints_error_through(lesson, student):
    """Only the one-mark-per-lesson constraint means «a concurrent request inserted it first»:
    any other (here a check; under load the student-day trigger's) is not a duplicate mark
    to look up, which answered Mark.DoesNotExist and hid the real cause."""
    wrong = _unsaved_mark(lesson, student, kind=Mark.Kind.ABSENT, minutes_late=5)
    with pytest.raises(IntegrityError, match="minutes_only_if_late"):
        _insert_or_lock(wrong)
    assert not Mark.objects.exists()


def test_present_stores_nothing_but_records_attendance_taken(lesson, student):
    assert (
        set_mark(lesson=lesson, student_id=student.pk, kind="present", acting_user=lesson.teacher)
        is None
    )
    lesson.refresh_from_db()
    assert not Mark.objects.exists()
    assert lesson.attendance_taken_by == lesson.teacher
    assert lesson.attendance_taken_at is not None


def test_marking_present_again_removes_the_mark_and_keeps_history(lesson, student):
    set_mark(lesson=lesson, student_id=student.pk, kind="absent", acting_user=lesson.teacher)
    set_mark(lesson=lesson, student_id=student.pk, kind="present", acting_user=lesson.teacher)
    assert not Mark.objects.exists()
    entries = AuditEntry.objects.filter(student=student).order_by("id")
    assert [history_action(e) for e in entries] == [
        HistoryAction.MARK_SET,
        HistoryAction.MARK_CLEARED,
    ]
    assert AuditEntry.objects.filter(action="journal.mark.changed").count() == 2


def test_same_mark_twice_stores_one_mark_and_one_history_entry(lesson, student):
    for _ in range(2):
        set_mark(lesson=lesson, student_id=student.pk, kind="absent", acting_user=lesson.teacher)
    assert Mark.objects.count() == 1
    assert AuditEntry.objects.filter(student=student).count() == 1


def test_late_keeps_minutes_and_rejects_more_than_half_the_lesson(lesson, student):
    mark = set_mark(
        lesson=lesson,
        student_id=student.pk,
        kind="late",
        minutes_late=10,
        acting_user=lesson.teacher,
    )
    assert mark.minutes_late == 10
    with pytest.raises(JournalError, match="половины урока"):
        set_mark(
            lesson=lesson,
            student_id=student.pk,
            kind="late",
            minutes_late=20,
            acting_user=lesson.teacher,
        )
    mark.refresh_from_db()
    assert mark.minutes_late == 10


def test_student_not_enrolled_on_the_date_cannot_be_marked(lesson, school_class):
    late_comer = factories.StudentFactory()
    factories.EnrollmentFactory(
        student=late_comer, school_class=school_class, start_date=DAY + datetime.timedelta(days=1)
    )
    with pytest.raises(JournalError, match="не числится"):
        set_mark(lesson=lesson, student_id=late_comer.pk, kind="absent", acting_user=lesson.teacher)
    assert not Mark.objects.exists()


def test_group_lesson_lists_only_group_members(school_class):
    from journal.selectors import lesson_roster
    from schools.models import ClassGroup

    member = factories.enrolled_student(school_class)
    other = factories.enrolled_student(school_class)
    group = ClassGroup.objects.create(school_class=school_class, name="Английский, 1 группа")
    group.students.add(member)
    lesson = make_lesson(school_class, DAY, group=group)
    assert list(lesson_roster(lesson)) == [member]
    with pytest.raises(JournalError):
        set_mark(lesson=lesson, student_id=other.pk, kind="absent", acting_user=lesson.teacher)


def test_cancelled_lesson_cannot_be_marked(lesson, student):
    lesson.status = Lesson.Status.CANCELLED
    lesson.save()
    with pytest.raises(JournalError, match="отменён"):
        set_mark(lesson=lesson, student_id=student.pk, kind="absent", acting_user=lesson.teacher)


def test_teacher_of_another_lesson_cannot_mark(lesson, student, school):
    stranger = factories.staff_user(Role.SUBJECT_TEACHER, school)
    with pytest.raises(PermissionDenied):
        set_mark(lesson=lesson, student_id=student.pk, kind="absent", acting_user=stranger)
    assert not Mark.objects.exists()


def test_class_teacher_can_correct_a_mark(lesson, student, school_class):
    set_mark(lesson=lesson, student_id=student.pk, kind="absent", acting_user=lesson.teacher)
    class_teacher = class_teacher_for(school_class)
    mark = set_mark(lesson=lesson, student_id=student.pk, kind="late", acting_user=class_teacher)
    assert mark.kind == Mark.Kind.LATE
    assert mark.updated_by == class_teacher


def test_locked_week_only_deputy_edits(lesson, student, school_class, school):
    set_mark(lesson=lesson, student_id=student.pk, kind="absent", acting_user=lesson.teacher)
    LockedWeek.objects.create(
        school_class=school_class, week_start=DAY - datetime.timedelta(days=DAY.weekday())
    )
    with pytest.raises(PermissionDenied, match="Неделя закрыта"):
        set_mark(lesson=lesson, student_id=student.pk, kind="present", acting_user=lesson.teacher)
    deputy = factories.staff_user(Role.DEPUTY, school)
    set_mark(lesson=lesson, student_id=student.pk, kind="present", acting_user=deputy)
    assert not Mark.objects.exists()


@pytest.mark.parametrize(
    ("rule", "days", "locked"), [("days_after_lesson", 3, True), ("never", 0, False)]
)
def test_edit_lock_follows_the_schools_setting(lesson, student, school, rule, days, locked):
    from policy.services import set_setting

    admin = factories.staff_user(Role.SCHOOL_ADMIN, school)
    set_setting(key="journal.mark_edit_lock", value=rule, acting_user=admin, school=school)
    set_setting(
        key="journal.mark_edit_lock_days", value=max(days, 1), acting_user=admin, school=school
    )
    LockedWeek.objects.create(
        school_class=lesson.school_class, week_start=DAY - datetime.timedelta(days=DAY.weekday())
    )
    if locked:  # the lesson was long ago: editable by the deputy only
        with pytest.raises(PermissionDenied, match="Неделя закрыта"):
            set_mark(
                lesson=lesson, student_id=student.pk, kind="absent", acting_user=lesson.teacher
            )
    else:  # «never» ignores even an approved week
        set_mark(lesson=lesson, student_id=student.pk, kind="absent", acting_user=lesson.teacher)
        assert Mark.objects.filter(lesson=lesson).exists()


def test_confirm_attendance_taken_without_marks(lesson):
    confirm_attendance_taken(lesson=lesson, acting_user=lesson.teacher)
    lesson.refresh_from_db()
    assert lesson.attendance_taken_at is not None


def test_class_teacher_sets_reason_for_a_whole_day(school_class, student):
    lessons = [make_lesson(school_class, DAY, period) for period in (1, 2, 3)]
    marks = [
        set_mark(lesson=lesson, student_id=student.pk, kind="absent", acting_user=lesson.teacher)
        for lesson in lessons
    ]
    class_teacher = class_teacher_for(school_class)
    set_reasons(
        marks=marks,
        status=ReasonStatus.VALID,
        valid_reason=ValidReason.FAMILY_EMERGENCY,
        note="Мама сообщила по телефону",
        acting_user=class_teacher,
    )
    assert set(Mark.objects.values_list("reason_status", "valid_reason")) == {
        (ReasonStatus.VALID, ValidReason.FAMILY_EMERGENCY)
    }
    assert AuditEntry.objects.filter(action="journal.reason.set", student=student).count() == 3


def test_valid_reason_needs_its_kind(lesson, student, school_class):
    mark = set_mark(lesson=lesson, student_id=student.pk, kind="absent", acting_user=lesson.teacher)
    with pytest.raises(JournalError, match="вид уважительной причины"):
        set_reasons(
            marks=[mark], status=ReasonStatus.VALID, acting_user=class_teacher_for(school_class)
        )
    mark.refresh_from_db()
    assert mark.reason_status == ReasonStatus.UNKNOWN


def test_subject_teacher_cannot_set_reasons(lesson, student):
    mark = set_mark(lesson=lesson, student_id=student.pk, kind="absent", acting_user=lesson.teacher)
    with pytest.raises(PermissionDenied):
        set_reasons(marks=[mark], status=ReasonStatus.INVALID, acting_user=lesson.teacher)
