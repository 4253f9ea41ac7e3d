"""The triggers of ``alerts.facts`` keep class days and student days right on every write."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.roles import Role
from alerts import facts
from alerts.models import ClassDay, StudentDay
from journal.models import Lesson, Mark, ReasonStatus
from schools.models import ClassGroup, Enrollment
from tests import factories

DAY = datetime.date(2025, 10, 13)  # a Monday
NEXT_DAY = datetime.date(2025, 10, 14)
THIRD_DAY = datetime.date(2025, 10, 15)
IN_SYNC = {"alerts_classday": 0, "alerts_studentday": 0}

VALID, INVALID, UNKNOWN = ReasonStatus.VALID, ReasonStatus.INVALID, ReasonStatus.UNKNOWN


class Journal:
    """A class with one group, a subject and a teacher; helpers for lessons, students, marks."""

    def __init__(self):
        region = factories.RegionFactory(name="Test Region")
        self.school = factories.SchoolFactory(
            name="Test School",
            short_name="Test School",
            municipality__region=region,
            municipality__name="Test District",
        )
        self.year = factories.AcademicYearFactory(school=self.school)
        self.school_class = factories.SchoolClassFactory(
            school=self.school, academic_year=self.year, grade=5, letter="A"
        )
        self.subject = factories.SubjectFactory(school=self.school, name="Mathematics")
        self.teacher = factories.staff_user(
            Role.SUBJECT_TEACHER,
            self.school,
            username="facts-teacher",
            last_name="Teacher",
            first_name="Test",
            patronymic="",
        )
        self.group = ClassGroup.objects.create(school_class=self.school_class, name="Group 1")
        self.students = 0

    def lesson(self, period, *, day=DAY, group=None, status=Lesson.Status.SCHEDULED):
        return factories.LessonFactory(
            school_class=self.school_class,
            date=day,
            period=period,
            group=group,
            subject=self.subject,
            teacher=self.teacher,
            status=status,
        )

    def student(self, *, in_group=False, **enrollment):
        self.students += 1
        student = factories.StudentFactory(
            last_name=f"Student{self.students}", first_name="Test", patronymic=""
        )
        factories.EnrollmentFactory(student=student, school_class=self.school_class, **enrollment)
        if in_group:
            self.group.students.add(student)
        return student

    def mark(self, lesson, student, kind="absent", reason=UNKNOWN):
        mark = self.new_mark(lesson, student, kind, reason)
        mark.manual_reason_status = mark.reason_status
        mark.save()
        return mark

    def new_mark(self, lesson, student, kind="absent", reason=UNKNOWN):
        """An unsaved mark, for bulk_create."""
        return Mark(
            lesson=lesson,
            student=student,
            school=self.school,
            date=lesson.date,
            kind=kind,
            reason_status=reason if kind == "absent" else UNKNOWN,
        )


def student_days():
    """{(student, date): (valid, invalid, unknown, late, lessons)} of the maintained table."""
    return {
        (student, date): tuple(rest)
        for student, date, *rest in StudentDay.objects.values_list(
            "student_id", "date", "valid", "invalid", "unknown", "late", "lessons"
        )
    }


def class_days():
    """{(class, date): (whole, grouped)} of the maintained table."""
    return {
        (school_class, date): tuple(rest)
        for school_class, date, *rest in ClassDay.objects.values_list(
            "school_class_id", "date", "whole", "grouped"
        )
    }


def day_numbers():
    """The class days' numbers and the student days' copies of them."""
    return (
        dict(ClassDay.objects.values_list("date", "day_no")),
        {
            (s, date): n
            for s, date, n in StudentDay.objects.values_list("student_id", "date", "day_no")
        },
    )


def expected_day_numbers(class_days_, student_days_):
    """School days numbered in date order; a student day has its class day's number."""
    numbers = {date: n for n, (_klass, date) in enumerate(sorted(class_days_), start=1)}
    return numbers, {(student, date): numbers[date] for student, date in student_days_}


def snapshot():
    return (
        sorted(
            ClassDay.objects.values_list(
                "school_class_id", "date", "school_id", "whole", "grouped", "day_no"
            )
        ),
        sorted(
            StudentDay.objects.values_list(
                "student_id",
                "school_class_id",
                "date",
                "school_id",
                "valid",
                "invalid",
                "unknown",
                "late",
                "lessons",
                "day_no",
            )
        ),
    )


@pytest.fixture
def journal(db):
    return Journal()


@pytest.fixture
def day(journal):
    """DAY: whole-class lessons 1–3, a group lesson 4, a cancelled lesson 5; Anna is in the
    group, Boris is not.

    Anna: 1 absent valid, 2 absent invalid, 3 late, 4 absent unknown, 5 absent invalid.
    Boris: 1 absent unknown, 2 absent valid, 4 absent invalid (not his group), 5 late."""
    j = journal
    lessons = [j.lesson(1), j.lesson(2), j.lesson(3), j.lesson(4, group=j.group)]
    lessons.append(j.lesson(5, status=Lesson.Status.CANCELLED))
    anna = j.student(in_group=True)
    boris = j.student()
    marks = {
        "anna": [
            j.mark(lessons[0], anna, reason=VALID),
            j.mark(lessons[1], anna, reason=INVALID),
            j.mark(lessons[2], anna, kind="late"),
            j.mark(lessons[3], anna, reason=UNKNOWN),
            j.mark(lessons[4], anna, reason=INVALID),
        ],
        "boris": [
            j.mark(lessons[0], boris, reason=UNKNOWN),
            j.mark(lessons[1], boris, reason=VALID),
            j.mark(lessons[3], boris, reason=INVALID),
            j.mark(lessons[4], boris, kind="late"),
        ],
    }
    return j, lessons, anna, boris, marks


def expected_start(j, anna, boris):
    """The facts of the ``day`` fixture, worked out by hand."""
    return (
        {(j.school_class.pk, DAY): (3, 1)},
        {
            (anna.pk, DAY): (1, 1, 1, 1, 4),  # 3 whole-class lessons + her group's lesson
            (boris.pk, DAY): (1, 0, 1, 0, 3),
        },
    )


# 1. Exact values -------------------------------------------------------------------------


def test_the_facts_of_a_day_match_hand_computed_values(day):
    j, _lessons, anna, boris, _marks = day
    # Not counted: a student with a mark on the cancelled lesson only, one with a mark on
    # the group lesson only (not a member) and one whose enrollment ended the day before.
    cancelled_only = j.student()
    j.mark(_lessons[4], cancelled_only, reason=INVALID)
    not_in_group = j.student()
    j.mark(_lessons[3], not_in_group, reason=INVALID)
    left = j.student(end_date=DAY - datetime.timedelta(days=1))
    j.mark(_lessons[0], left, reason=INVALID)
    # A second day with lessons and no marks: a class day, no student days.
    j.lesson(1, day=NEXT_DAY)
    j.lesson(2, day=NEXT_DAY, group=j.group)

    expected_class_days, expected_student_days = expected_start(j, anna, boris)
    expected_class_days[(j.school_class.pk, NEXT_DAY)] = (1, 1)
    assert class_days() == expected_class_days
    assert student_days() == expected_student_days
    assert set(ClassDay.objects.values_list("school_id", flat=True)) == {j.school.pk}
    assert set(StudentDay.objects.values_list("school_id", "school_class_id")) == {
        (j.school.pk, j.school_class.pk)
    }
    assert facts.discrepancies() == IN_SYNC


# 2. Every change path --------------------------------------------------------------------


def test_changing_a_reason_with_save_and_with_update(day):
    j, _lessons, anna, boris, marks = day
    mark = marks["anna"][0]  # absent, valid
    mark.reason_status = INVALID
    mark.save()
    assert student_days()[(anna.pk, DAY)] == (0, 2, 1, 1, 4)

    Mark.objects.filter(pk=marks["anna"][1].pk).update(reason_status=UNKNOWN)
    assert student_days()[(anna.pk, DAY)] == (0, 1, 2, 1, 4)

    # A reason on a late mark does not make it an absence.
    Mark.objects.filter(pk=marks["anna"][2].pk).update(reason_status=VALID)
    assert student_days()[(anna.pk, DAY)] == (0, 1, 2, 1, 4)

    # Turning a late arrival into an absence.
    Mark.objects.filter(pk=marks["anna"][2].pk).update(kind="absent")
    assert student_days()[(anna.pk, DAY)] == (1, 1, 2, 0, 4)
    assert student_days()[(boris.pk, DAY)] == (1, 0, 1, 0, 3)
    assert facts.discrepancies() == IN_SYNC


def test_deleting_marks_down_to_the_last_one(day):
    j, _lessons, anna, boris, marks = day
    marks["boris"][0].delete()  # absent unknown
    assert student_days()[(boris.pk, DAY)] == (1, 0, 0, 0, 3)
    Mark.objects.filter(pk=marks["boris"][2].pk).delete()  # the uncounted group lesson
    assert student_days()[(boris.pk, DAY)] == (1, 0, 0, 0, 3)
    marks["boris"][1].delete()  # his last counted mark; one on a cancelled lesson remains
    assert (boris.pk, DAY) not in student_days()
    assert student_days() == {(anna.pk, DAY): (1, 1, 1, 1, 4)}
    Mark.objects.filter(student=anna).delete()
    assert student_days() == {}
    assert class_days() == {(j.school_class.pk, DAY): (3, 1)}


def test_cancelling_and_restoring_a_lesson(day):
    j, lessons, anna, boris, _marks = day
    lesson = lessons[0]  # Anna absent valid, Boris absent unknown
    lesson.status = Lesson.Status.CANCELLED
    lesson.save()
    assert class_days() == {(j.school_class.pk, DAY): (2, 1)}
    assert student_days() == {
        (anna.pk, DAY): (0, 1, 1, 1, 3),
        (boris.pk, DAY): (1, 0, 0, 0, 2),
    }

    # The group lesson, with a queryset update.
    Lesson.objects.filter(pk=lessons[3].pk).update(status=Lesson.Status.CANCELLED)
    assert class_days() == {(j.school_class.pk, DAY): (2, 0)}
    assert student_days() == {
        (anna.pk, DAY): (0, 1, 0, 1, 2),
        (boris.pk, DAY): (1, 0, 0, 0, 2),
    }

    # Restoring the cancelled lesson 5: Anna's invalid absence and Boris's late mark count.
    Lesson.objects.filter(pk=lessons[4].pk).update(status=Lesson.Status.SCHEDULED)
    assert class_days() == {(j.school_class.pk, DAY): (3, 0)}
    assert student_days() == {
        (anna.pk, DAY): (0, 2, 0, 1, 3),
        (boris.pk, DAY): (1, 0, 0, 1, 3),
    }

    # Cancelling every lesson: no class day, no student days.
    Lesson.objects.filter(school_class=j.school_class).update(status=Lesson.Status.CANCELLED)
    assert class_days() == {}
    assert student_days() == {}
    assert facts.discrepancies() == IN_SYNC


def test_deleting_lessons(day):
    j, lessons, anna, boris, _marks = day
    lessons[1].delete()  # Anna absent invalid, Boris absent valid
    assert class_days() == {(j.school_class.pk, DAY): (2, 1)}
    assert student_days() == {
        (anna.pk, DAY): (1, 0, 1, 1, 3),
        (boris.pk, DAY): (0, 0, 1, 0, 2),
    }
    # A lesson without marks of Boris still changes his lessons count.
    lessons[2].delete()  # Anna late
    assert class_days() == {(j.school_class.pk, DAY): (1, 1)}
    assert student_days() == {
        (anna.pk, DAY): (1, 0, 1, 0, 2),
        (boris.pk, DAY): (0, 0, 1, 0, 1),
    }
    Lesson.objects.filter(pk=lessons[3].pk).delete()  # the group lesson
    assert class_days() == {(j.school_class.pk, DAY): (1, 0)}
    assert student_days() == {
        (anna.pk, DAY): (1, 0, 0, 0, 1),
        (boris.pk, DAY): (0, 0, 1, 0, 1),
    }
    Lesson.objects.filter(school_class=j.school_class).delete()
    assert class_days() == {}
    assert student_days() == {}


def test_adding_lessons_to_a_class_day(day):
    j, _lessons, anna, boris, _marks = day
    j.lesson(6)
    assert class_days() == {(j.school_class.pk, DAY): (4, 1)}
    assert student_days() == {
        (anna.pk, DAY): (1, 1, 1, 1, 5),
        (boris.pk, DAY): (1, 0, 1, 0, 4),
    }
    j.lesson(7, group=j.group)  # only Anna's lessons count rises
    assert class_days() == {(j.school_class.pk, DAY): (4, 2)}
    assert student_days() == {
        (anna.pk, DAY): (1, 1, 1, 1, 6),
        (boris.pk, DAY): (1, 0, 1, 0, 4),
    }
    j.lesson(8, status=Lesson.Status.CANCELLED)  # a cancelled lesson changes nothing
    assert class_days() == {(j.school_class.pk, DAY): (4, 2)}
    assert student_days()[(anna.pk, DAY)] == (1, 1, 1, 1, 6)
    # A lesson on another day makes a class day of its own.
    j.lesson(1, day=NEXT_DAY)
    assert class_days() == {(j.school_class.pk, DAY): (4, 2), (j.school_class.pk, NEXT_DAY): (1, 0)}
    assert facts.discrepancies() == IN_SYNC


def test_class_days_are_numbered_in_date_order(day):
    """A school day added before others renumbers them and their student days; removing
    it numbers them back. Numbers are what a streak counts as consecutive."""
    j, _lessons, anna, boris, _marks = day
    later = j.lesson(1, day=THIRD_DAY)
    j.mark(later, anna, "absent", UNKNOWN)
    assert day_numbers() == (
        {DAY: 1, THIRD_DAY: 2},
        {(anna.pk, DAY): 1, (boris.pk, DAY): 1, (anna.pk, THIRD_DAY): 2},
    )
    between = j.lesson(1, day=NEXT_DAY)
    assert day_numbers() == (
        {DAY: 1, NEXT_DAY: 2, THIRD_DAY: 3},
        {(anna.pk, DAY): 1, (boris.pk, DAY): 1, (anna.pk, THIRD_DAY): 3},
    )
    between.status = Lesson.Status.CANCELLED  # the day has no lessons any more
    between.save()
    assert day_numbers()[1][(anna.pk, THIRD_DAY)] == 2
    assert facts.discrepancies() == IN_SYNC


def test_group_membership(day):
    j, _lessons, anna, boris, _marks = day
    j.group.students.add(boris)  # his invalid absence on the group lesson counts now
    assert student_days()[(boris.pk, DAY)] == (1, 1, 1, 0, 4)
    j.group.students.remove(anna)  # her unknown absence on it stops counting
    assert student_days()[(anna.pk, DAY)] == (1, 1, 0, 1, 3)
    boris.class_groups.clear()
    assert student_days()[(boris.pk, DAY)] == (1, 0, 1, 0, 3)
    anna.class_groups.add(j.group)
    assert student_days() == expected_start(j, anna, boris)[1]

    # A student whose only mark is on the group lesson: the row comes and goes.
    clara = j.student()
    j.mark(_marks["anna"][3].lesson, clara, reason=VALID)
    assert (clara.pk, DAY) not in student_days()
    j.group.students.add(clara)
    assert student_days()[(clara.pk, DAY)] == (1, 0, 0, 0, 4)
    j.group.students.set([anna])
    assert (clara.pk, DAY) not in student_days()
    assert student_days()[(anna.pk, DAY)] == (1, 1, 1, 1, 4)
    assert facts.discrepancies() == IN_SYNC


def test_group_membership_rewritten_by_raw_sql(day):
    """Bulk SQL moving a membership from Anna to Boris (Django itself never updates it)."""
    j, _lessons, anna, boris, _marks = day
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE schools_classgroup_students SET student_id = %s "
            "WHERE classgroup_id = %s AND student_id = %s",
            [boris.pk, j.group.pk, anna.pk],
        )
    assert student_days() == {
        (anna.pk, DAY): (1, 1, 0, 1, 3),
        (boris.pk, DAY): (1, 1, 1, 0, 4),
    }
    assert facts.discrepancies() == IN_SYNC


def test_enrollment_dates(day):
    j, _lessons, anna, boris, _marks = day
    enrollment = Enrollment.objects.get(student=boris)
    enrollment.end_date = DAY - datetime.timedelta(days=1)
    enrollment.save()
    assert student_days() == {(anna.pk, DAY): (1, 1, 1, 1, 4)}
    enrollment.end_date = DAY  # the last day counts
    enrollment.save()
    assert student_days()[(boris.pk, DAY)] == (1, 0, 1, 0, 3)
    Enrollment.objects.filter(student=anna).update(start_date=DAY + datetime.timedelta(days=1))
    assert (anna.pk, DAY) not in student_days()
    Enrollment.objects.filter(student=anna).update(start_date=DAY)
    assert student_days()[(anna.pk, DAY)] == (1, 1, 1, 1, 4)
    Enrollment.objects.filter(student=boris).delete()
    assert student_days() == {(anna.pk, DAY): (1, 1, 1, 1, 4)}
    # Enrolled again (a new enrollment from that day): his marks count again.
    factories.EnrollmentFactory(student=boris, school_class=j.school_class, start_date=DAY)
    assert student_days()[(boris.pk, DAY)] == (1, 0, 1, 0, 3)
    assert facts.discrepancies() == IN_SYNC


def test_deleting_a_student(day):
    j, _lessons, anna, boris, _marks = day
    boris.delete()
    assert student_days() == {(anna.pk, DAY): (1, 1, 1, 1, 4)}
    assert not StudentDay.objects.filter(student_id=boris.pk).exists()
    anna.delete()
    assert student_days() == {}
    assert class_days() == {(j.school_class.pk, DAY): (3, 1)}


def test_bulk_create_and_queryset_update_of_marks(journal):
    j = journal
    lessons = [j.lesson(1), j.lesson(2), j.lesson(3, group=j.group), j.lesson(1, day=NEXT_DAY)]
    anna = j.student(in_group=True)
    boris = j.student()
    Mark.objects.bulk_create(
        [
            j.new_mark(lessons[0], anna, reason=INVALID),
            j.new_mark(lessons[1], anna, kind="late"),
            j.new_mark(lessons[2], anna, reason=VALID),
            j.new_mark(lessons[3], anna, reason=UNKNOWN),
            j.new_mark(lessons[0], boris, reason=UNKNOWN),
            j.new_mark(lessons[2], boris, reason=UNKNOWN),  # not his group
        ]
    )
    assert class_days() == {
        (j.school_class.pk, DAY): (2, 1),
        (j.school_class.pk, NEXT_DAY): (1, 0),
    }
    assert student_days() == {
        (anna.pk, DAY): (1, 1, 0, 1, 3),
        (anna.pk, NEXT_DAY): (0, 0, 1, 0, 1),
        (boris.pk, DAY): (0, 0, 1, 0, 2),
    }

    Mark.objects.filter(kind="absent").update(reason_status=VALID)
    assert student_days() == {
        (anna.pk, DAY): (2, 0, 0, 1, 3),
        (anna.pk, NEXT_DAY): (1, 0, 0, 0, 1),
        (boris.pk, DAY): (1, 0, 0, 0, 2),
    }
    Mark.objects.filter(student=anna, date=DAY).update(reason_status=INVALID)
    assert student_days() == {
        (anna.pk, DAY): (0, 2, 0, 1, 3),
        (anna.pk, NEXT_DAY): (1, 0, 0, 0, 1),
        (boris.pk, DAY): (1, 0, 0, 0, 2),
    }
    Mark.objects.filter(date=DAY).delete()
    assert student_days() == {(anna.pk, NEXT_DAY): (1, 0, 0, 0, 1)}
    assert facts.discrepancies() == IN_SYNC


def test_rebuild_restores_a_tampered_table(day):
    """``discrepancies`` notices rows the triggers did not write; ``rebuild`` fixes them."""
    j, _lessons, anna, boris, _marks = day
    expected = snapshot()
    StudentDay.objects.filter(student=anna).update(invalid=7)
    ClassDay.objects.all().delete()
    assert facts.discrepancies() == {"alerts_classday": 1, "alerts_studentday": 2}
    facts.rebuild()
    assert snapshot() == expected
    assert facts.discrepancies() == IN_SYNC


def test_the_command_reports_and_repairs_differences(day):
    StudentDay.objects.all().update(unknown=9)
    with pytest.raises(CommandError, match="--rebuild"):
        call_command("attendance_facts", stdout=io.StringIO())
    out = io.StringIO()
    call_command("attendance_facts", "--rebuild", stdout=out)
    assert out.getvalue().strip() == "alerts_classday: 0, alerts_studentday: 0"
    assert facts.discrepancies() == IN_SYNC


# 3. Random sequences of writes -----------------------------------------------------------

KINDS = st.sampled_from(
    [("absent", UNKNOWN), ("absent", VALID), ("absent", INVALID), ("late", UNKNOWN)]
)
STUDENT = st.integers(0, 2)
LESSON = st.integers(0, 50)  # an index into the current lessons, modulo their number
DAYS = [DAY, NEXT_DAY, THIRD_DAY]

operation = st.one_of(
    st.tuples(st.just("mark"), STUDENT, LESSON, KINDS),
    st.tuples(st.just("bulk_marks"), STUDENT, st.integers(0, 2), KINDS),
    st.tuples(st.just("update_reasons"), STUDENT, st.sampled_from([VALID, INVALID, UNKNOWN])),
    st.tuples(st.just("unmark"), STUDENT, LESSON),
    st.tuples(st.just("cancel"), LESSON),
    st.tuples(st.just("restore"), LESSON),
    st.tuples(st.just("add_lesson"), st.integers(0, 2), st.booleans()),
    st.tuples(st.just("delete_lesson"), LESSON),
    st.tuples(st.just("join"), STUDENT),
    st.tuples(st.just("leave"), STUDENT),
    st.tuples(st.just("end_enrollment"), STUDENT, st.sampled_from([None, -1, 0, 1])),
    st.tuples(st.just("unenroll"), STUDENT),
    st.tuples(st.just("enroll"), STUDENT, st.sampled_from([0, 1, 2])),
)


def apply(j, students, op):
    lessons = list(Lesson.objects.filter(school_class=j.school_class).order_by("date", "period"))
    name, *args = op
    if name == "mark":
        student, index, (kind, reason) = students[args[0]], args[1], args[2]
        if lessons:
            lesson = lessons[index % len(lessons)]
            Mark.objects.update_or_create(
                lesson=lesson,
                student=student,
                defaults={
                    "school": j.school,
                    "date": lesson.date,
                    "kind": kind,
                    "reason_status": reason,
                },
            )
    elif name == "bulk_marks":
        student, day, (kind, reason) = students[args[0]], DAYS[args[1]], args[2]
        Mark.objects.bulk_create(
            [j.new_mark(lesson, student, kind, reason) for lesson in lessons if lesson.date == day],
            ignore_conflicts=True,
        )
    elif name == "update_reasons":
        Mark.objects.filter(student=students[args[0]]).update(reason_status=args[1])
    elif name == "unmark":
        if lessons:
            lesson = lessons[args[1] % len(lessons)]
            Mark.objects.filter(lesson=lesson, student=students[args[0]]).delete()
    elif name in ("cancel", "restore") and lessons:
        lesson = lessons[args[0] % len(lessons)]
        lesson.status = Lesson.Status.CANCELLED if name == "cancel" else Lesson.Status.SCHEDULED
        lesson.save()
    elif name == "add_lesson":
        day, grouped = DAYS[args[0]], args[1]
        period = max((x.period for x in lessons if x.date == day), default=0) + 1
        j.lesson(period, day=day, group=j.group if grouped else None)
    elif name == "delete_lesson" and lessons:
        lessons[args[0] % len(lessons)].delete()
    elif name == "join":
        j.group.students.add(students[args[0]])
    elif name == "leave":
        j.group.students.remove(students[args[0]])
    elif name == "end_enrollment":  # of the enrollments that start by then
        end = None if args[1] is None else DAY + datetime.timedelta(days=args[1])
        enrollments = Enrollment.objects.filter(student=students[args[0]])
        if end is not None:
            enrollments = enrollments.filter(start_date__lte=end)
        enrollments.update(end_date=end)
    elif name == "unenroll":
        Enrollment.objects.filter(student=students[args[0]]).delete()
    elif name == "enroll":  # a further enrollment, from DAY - 1, DAY or NEXT_DAY
        factories.EnrollmentFactory(
            student=students[args[0]],
            school_class=j.school_class,
            start_date=DAY + datetime.timedelta(days=args[1] - 1),
        )


def expected_facts(j):
    """Both tables computed in Python from the journal, by the definitions."""
    lessons = list(Lesson.objects.filter(school_class=j.school_class, status="scheduled"))
    members = set(j.group.students.values_list("pk", flat=True))
    enrollments = list(Enrollment.objects.filter(school_class=j.school_class))

    def enrolled(student_id, day):
        return any(
            e.student_id == student_id
            and e.start_date <= day
            and (e.end_date is None or day <= e.end_date)
            for e in enrollments
        )

    class_days_ = {}
    for lesson in lessons:
        whole, grouped = class_days_.get((j.school_class.pk, lesson.date), (0, 0))
        class_days_[(j.school_class.pk, lesson.date)] = (
            (whole + 1, grouped) if lesson.group_id is None else (whole, grouped + 1)
        )
    scheduled = {lesson.pk: lesson for lesson in lessons}
    counts = {}
    for mark in Mark.objects.all():
        lesson = scheduled.get(mark.lesson_id)
        if lesson is None or not enrolled(mark.student_id, mark.date):
            continue
        if lesson.group_id is not None and mark.student_id not in members:
            continue
        valid, invalid, unknown, late = counts.get((mark.student_id, mark.date), (0, 0, 0, 0))
        if mark.kind == "late":
            late += 1
        elif mark.reason_status == VALID:
            valid += 1
        elif mark.reason_status == INVALID:
            invalid += 1
        else:
            unknown += 1
        counts[(mark.student_id, mark.date)] = (valid, invalid, unknown, late)
    student_days_ = {}
    for (student_id, day), row in counts.items():
        whole, _grouped = class_days_[(j.school_class.pk, day)]
        own = sum(1 for x in lessons if x.date == day and x.group_id and student_id in members)
        student_days_[(student_id, day)] = (*row, whole + own)
    return class_days_, student_days_


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=1, max_size=15))
def test_random_writes_keep_the_facts_in_sync(operations):
    with transaction.atomic():
        j = Journal()
        for day in DAYS:
            for period in (1, 2, 3):
                j.lesson(period, day=day)
            j.lesson(4, day=day, group=j.group)
        students = [j.student(in_group=True), j.student(), j.student()]
        for op in operations:
            apply(j, students, op)

        assert facts.discrepancies() == IN_SYNC
        expected = expected_facts(j)
        assert (class_days(), student_days()) == expected
        assert day_numbers() == expected_day_numbers(*expected)
        before = snapshot()
        facts.rebuild()
        assert snapshot() == before
        transaction.set_rollback(True)
