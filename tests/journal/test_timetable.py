"""Weekly template → lessons; cancellations and replacements (R-CAL-3)."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from audit.models import AuditEntry
from journal import timetable
from journal.models import Lesson, Mark
from journal.services.errors import JournalError
from schools.models import ClassGroup
from tests import factories

D = datetime.date


@pytest.fixture
def deputy(school):
    return factories.staff_user(Role.DEPUTY, school)


@pytest.fixture
def week_template(school_class):
    """Monday: periods 1–2; Tuesday–Friday: period 1; Saturday: period 1 (unused, 5-day school)."""
    entries = {
        (weekday, period): factories.TimetableEntryFactory(
            school_class=school_class, weekday=weekday, period=period
        )
        for weekday, period in [(1, 1), (1, 2), (2, 1), (3, 1), (4, 1), (5, 1), (6, 1)]
    }
    return entries


def lessons_by_date(school_class):
    result = {}
    for lesson in Lesson.objects.filter(school_class=school_class).order_by("date", "period"):
        result.setdefault(lesson.date, []).append(lesson.source_entry_id)
    return result


# --- Generation --------------------------------------------------------------------------


def test_generation_follows_the_template_on_ordinary_school_days(
    school, school_class, week_template
):
    created = timetable.generate_lessons(school=school, start=D(2025, 9, 8), end=D(2025, 9, 14))
    assert created == 6
    by_date = lessons_by_date(school_class)
    assert by_date[D(2025, 9, 8)] == [week_template[1, 1].pk, week_template[1, 2].pk]
    assert by_date[D(2025, 9, 10)] == [week_template[3, 1].pk]
    assert D(2025, 9, 13) not in by_date  # Saturday of a 5-day school


def test_moved_working_saturday_gets_the_monday_timetable(school, school_class, week_template):
    timetable.generate_lessons(school=school, start=D(2025, 10, 31), end=D(2025, 11, 5))
    by_date = lessons_by_date(school_class)
    assert by_date[D(2025, 11, 1)] == [week_template[1, 1].pk, week_template[1, 2].pk]
    saturday_lesson = Lesson.objects.get(school_class=school_class, date=D(2025, 11, 1), period=2)
    assert saturday_lesson.subject_id == week_template[1, 2].subject_id


def test_generation_skips_holidays_and_days_off(school, school_class, week_template):
    timetable.generate_lessons(school=school, start=D(2025, 12, 29), end=D(2026, 1, 13))
    assert sorted(lessons_by_date(school_class)) == [
        D(2025, 12, 29),
        D(2025, 12, 30),
        D(2026, 1, 12),
        D(2026, 1, 13),
    ]


def test_generation_skips_vacations_of_the_class_grade(school, week_template):
    fifth_grade = week_template[1, 1].school_class
    first_grade = factories.SchoolClassFactory(school=school, grade=1)
    factories.TimetableEntryFactory(school_class=first_grade, weekday=2, period=1)
    factories.VacationFactory(
        academic_year=first_grade.academic_year,
        start_date=D(2026, 2, 16),
        end_date=D(2026, 2, 22),
        grade_from=1,
        grade_to=1,
    )
    timetable.generate_lessons(school=school, start=D(2026, 2, 16), end=D(2026, 2, 22))
    assert not Lesson.objects.filter(school_class=first_grade).exists()
    assert Lesson.objects.filter(school_class=fifth_grade, date=D(2026, 2, 17)).exists()


def test_generation_skips_quarantine_of_the_class(school, school_class, week_template):
    factories.QuarantineFactory(
        school=school, school_class=school_class, start_date=D(2025, 12, 1), end_date=D(2025, 12, 3)
    )
    timetable.generate_lessons(school=school, start=D(2025, 12, 1), end=D(2025, 12, 5))
    assert sorted(lessons_by_date(school_class)) == [D(2025, 12, 4), D(2025, 12, 5)]


def test_generation_is_idempotent_and_keeps_changed_lessons(
    school, school_class, week_template, deputy
):
    week = {"school": school, "start": D(2025, 9, 8), "end": D(2025, 9, 12)}
    assert timetable.generate_lessons(**week) == 6
    monday = Lesson.objects.get(school_class=school_class, date=D(2025, 9, 8), period=1)
    timetable.cancel_lesson(lesson=monday, reason="Экскурсия", acting_user=deputy)

    assert timetable.generate_lessons(**week) == 0
    assert Lesson.objects.filter(school_class=school_class).count() == 6
    monday.refresh_from_db()
    assert monday.is_cancelled


def test_generation_fills_only_missing_slots(school, school_class, week_template):
    timetable.generate_lessons(school=school, start=D(2025, 9, 8), end=D(2025, 9, 9))
    assert timetable.generate_lessons(school=school, start=D(2025, 9, 8), end=D(2025, 9, 12)) == 3


def test_generated_lesson_takes_teacher_from_entry_and_duration_from_school(school_class):
    school = school_class.school
    school.lesson_minutes = 40
    school.save()
    entry = factories.TimetableEntryFactory(school_class=school_class, weekday=1, period=3)
    timetable.generate_lessons(school=school, start=D(2025, 9, 1), end=D(2025, 9, 1))
    lesson = Lesson.objects.get(school_class=school_class)
    assert (lesson.teacher_id, lesson.subject_id, lesson.period) == (
        entry.teacher_id,
        entry.subject_id,
        3,
    )
    assert lesson.duration_minutes == 40
    assert lesson.school_id == school.pk
    assert lesson.status == Lesson.Status.SCHEDULED


def test_generation_respects_entry_validity_dates(school, school_class):
    old = factories.TimetableEntryFactory(
        school_class=school_class, weekday=1, period=1, valid_to=D(2025, 9, 14)
    )
    new = factories.TimetableEntryFactory(
        school_class=school_class, weekday=1, period=1, valid_from=D(2025, 9, 15)
    )
    timetable.generate_lessons(school=school, start=D(2025, 9, 8), end=D(2025, 9, 22))
    by_date = lessons_by_date(school_class)
    assert by_date[D(2025, 9, 8)] == [old.pk]
    assert by_date[D(2025, 9, 15)] == [new.pk]
    assert by_date[D(2025, 9, 22)] == [new.pk]


def test_split_lessons_of_subgroups_share_a_period(school, school_class):
    groups = [ClassGroup.objects.create(school_class=school_class, name=n) for n in ("1", "2")]
    for group in groups:
        factories.TimetableEntryFactory(school_class=school_class, group=group, weekday=1, period=4)
    assert timetable.generate_lessons(school=school, start=D(2025, 9, 1), end=D(2025, 9, 1)) == 2
    assert {lesson.group_id for lesson in Lesson.objects.all()} == {g.pk for g in groups}


def test_generation_for_one_class_leaves_other_classes_alone(school, school_class, week_template):
    other = factories.SchoolClassFactory(school=school)
    factories.TimetableEntryFactory(school_class=other, weekday=1, period=1)
    timetable.generate_lessons(
        school=school, start=D(2025, 9, 1), end=D(2025, 9, 5), school_class=school_class
    )
    assert not Lesson.objects.filter(school_class=other).exists()
    assert Lesson.objects.filter(school_class=school_class).count() == 6


def test_generation_refuses_a_class_of_another_school(school, other_school):
    stranger = factories.SchoolClassFactory(school=other_school)
    with pytest.raises(JournalError):
        timetable.generate_lessons(
            school=school, start=D(2025, 9, 1), end=D(2025, 9, 5), school_class=stranger
        )


def test_generation_ignores_classes_of_other_schools(school, other_school, week_template):
    foreign = factories.TimetableEntryFactory(
        school_class=factories.SchoolClassFactory(school=other_school), weekday=1
    )
    timetable.generate_lessons(school=school, start=D(2025, 9, 1), end=D(2025, 9, 5))
    assert not Lesson.objects.filter(school_class=foreign.school_class).exists()


def test_generation_runs_a_bounded_number_of_queries(school):
    ContentType.objects.get_for_model(school)  # the audit entry's lookup, cached after first use

    def queries_for(class_count, start, end):
        for _ in range(class_count):
            school_class = factories.SchoolClassFactory(school=school)
            for weekday in range(1, 6):
                factories.TimetableEntryFactory(school_class=school_class, weekday=weekday)
        with CaptureQueriesContext(connection) as context:
            created = timetable.generate_lessons(school=school, start=start, end=end)
        assert created > 0
        return len(context)

    small = queries_for(1, D(2025, 9, 1), D(2025, 9, 5))
    large = queries_for(6, D(2025, 9, 8), D(2025, 10, 24))
    assert large == small


def test_generation_writes_one_audit_entry(school, school_class, week_template, deputy):
    timetable.generate_lessons(
        school=school, start=D(2025, 9, 1), end=D(2025, 9, 5), acting_user=deputy
    )
    entry = AuditEntry.objects.get(action="journal.lessons.generated")
    assert entry.actor == deputy and entry.school == school
    assert entry.data["created"] == 6


def test_generate_term_lessons_covers_the_term(school, school_class, week_template):
    term = factories.TermFactory(
        academic_year=school_class.academic_year, start_date=D(2025, 9, 1), end_date=D(2025, 9, 30)
    )
    created = timetable.generate_term_lessons(term=term)
    dates = sorted(lessons_by_date(school_class))
    assert dates[0] == D(2025, 9, 1) and dates[-1] == D(2025, 9, 30)
    # 22 school days in September 2025; Mondays (5 of them) have two lessons.
    assert len(dates) == 22 and created == 27


# --- Cancellation -------------------------------------------------------------------------


@pytest.fixture
def lesson(school_class):
    return factories.LessonFactory(school_class=school_class, date=D(2025, 9, 8))


def test_cancel_lesson_records_reason_and_audit(lesson, deputy):
    timetable.cancel_lesson(lesson=lesson, reason="  Карантин в классе ", acting_user=deputy)
    lesson.refresh_from_db()
    assert lesson.status == Lesson.Status.CANCELLED
    assert lesson.cancel_reason == "Карантин в классе"
    entry = AuditEntry.objects.get(action="journal.lesson.cancelled")
    assert entry.actor == deputy and entry.object_id == str(lesson.pk)
    assert entry.data == {"reason": "Карантин в классе"}


def test_cancel_lesson_twice_is_refused_without_a_second_audit_entry(lesson, deputy):
    timetable.cancel_lesson(lesson=lesson, reason="Экскурсия", acting_user=deputy)
    with pytest.raises(JournalError):
        timetable.cancel_lesson(lesson=lesson, reason="Экскурсия", acting_user=deputy)
    assert AuditEntry.objects.filter(action="journal.lesson.cancelled").count() == 1


def test_cancel_lesson_requires_a_reason(lesson, deputy):
    with pytest.raises(JournalError):
        timetable.cancel_lesson(lesson=lesson, reason="   ", acting_user=deputy)
    lesson.refresh_from_db()
    assert not lesson.is_cancelled


def test_cancel_lesson_with_attendance_marks_is_refused(lesson, deputy):
    student = factories.enrolled_student(lesson.school_class)
    Mark.objects.create(
        lesson=lesson,
        student=student,
        school=lesson.school,
        date=lesson.date,
        kind=Mark.Kind.ABSENT,
    )
    with pytest.raises(JournalError):
        timetable.cancel_lesson(lesson=lesson, reason="Экскурсия", acting_user=deputy)
    lesson.refresh_from_db()
    assert not lesson.is_cancelled


# --- Replacement -------------------------------------------------------------------------


def test_replace_teacher_keeps_the_planned_teacher(lesson, deputy):
    planned = lesson.teacher
    substitute = factories.staff_user(Role.SUBJECT_TEACHER, lesson.school)
    timetable.replace_teacher(lesson=lesson, teacher=substitute, acting_user=deputy)
    lesson.refresh_from_db()
    assert (lesson.teacher, lesson.replaced_teacher) == (substitute, planned)
    entry = AuditEntry.objects.get(action="journal.lesson.teacher_replaced")
    assert entry.data == {
        "teacher": substitute.pk,
        "previous_teacher": planned.pk,
        "planned_teacher": planned.pk,
    }


def test_second_substitute_still_replaces_the_planned_teacher(lesson, deputy):
    planned = lesson.teacher
    first, second = (factories.staff_user(Role.SUBJECT_TEACHER, lesson.school) for _ in range(2))
    timetable.replace_teacher(lesson=lesson, teacher=first, acting_user=deputy)
    timetable.replace_teacher(lesson=lesson, teacher=second, acting_user=deputy)
    lesson.refresh_from_db()
    assert (lesson.teacher, lesson.replaced_teacher) == (second, planned)


def test_giving_the_lesson_back_to_the_planned_teacher_clears_the_replacement(lesson, deputy):
    planned = lesson.teacher
    substitute = factories.staff_user(Role.SUBJECT_TEACHER, lesson.school)
    timetable.replace_teacher(lesson=lesson, teacher=substitute, acting_user=deputy)
    timetable.replace_teacher(lesson=lesson, teacher=planned, acting_user=deputy)
    lesson.refresh_from_db()
    assert (lesson.teacher, lesson.replaced_teacher) == (planned, None)


def test_replace_teacher_refuses_the_current_teacher(lesson, deputy):
    with pytest.raises(JournalError):
        timetable.replace_teacher(lesson=lesson, teacher=lesson.teacher, acting_user=deputy)
    assert not AuditEntry.objects.filter(action="journal.lesson.teacher_replaced").exists()


def test_replace_teacher_refuses_staff_of_another_school(lesson, deputy, other_school):
    outsider = factories.staff_user(Role.SUBJECT_TEACHER, other_school)
    with pytest.raises(JournalError):
        timetable.replace_teacher(lesson=lesson, teacher=outsider, acting_user=deputy)
    lesson.refresh_from_db()
    assert lesson.replaced_teacher is None


def test_replace_teacher_of_a_cancelled_lesson_is_refused(lesson, deputy):
    timetable.cancel_lesson(lesson=lesson, reason="Экскурсия", acting_user=deputy)
    substitute = factories.staff_user(Role.SUBJECT_TEACHER, lesson.school)
    with pytest.raises(JournalError):
        timetable.replace_teacher(lesson=lesson, teacher=substitute, acting_user=deputy)
