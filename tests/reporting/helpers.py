"""A school with a class, its staff and marks on exact dates, for the report tests."""

import datetime
from dataclasses import dataclass

from accounts.roles import Role
from journal.models import Mark, ReasonStatus, TimetableEntry
from schools.models import ClassGroup, School, SchoolClass
from tests import factories
from tests.journal.helpers import class_teacher_for, make_lesson

# A past week: Monday 2 November 2026 … Sunday 8 November 2026.
WEEK = datetime.date(2026, 11, 2)
WEEK_END = WEEK + datetime.timedelta(days=6)


@dataclass
class SchoolSetup:
    school: School
    school_class: SchoolClass
    class_teacher: object
    deputy: object
    director: object
    social_pedagogue: object


def school_setup(
    *, grade: int = 7, start: datetime.date = datetime.date(2026, 9, 1)
) -> SchoolSetup:
    school = factories.SchoolFactory(
        name="Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 3»",
        short_name="МБОУ СШ № 3",
        director_name="Соколова Ирина Павловна",
    )
    year = factories.AcademicYearFactory(
        school=school, start_date=start, end_date=datetime.date(start.year + 1, 5, 31)
    )
    school_class = factories.SchoolClassFactory(
        school=school, academic_year=year, grade=grade, letter="А"
    )
    return SchoolSetup(
        school=school,
        school_class=school_class,
        class_teacher=class_teacher_for(school_class),
        deputy=factories.staff_user(Role.DEPUTY, school),
        director=factories.staff_user(Role.DIRECTOR, school),
        social_pedagogue=factories.staff_user(Role.SOCIAL_PEDAGOGUE, school),
    )


def lessons_on(school_class, day: datetime.date, count: int) -> list:
    teacher = factories.staff_user(Role.SUBJECT_TEACHER, school_class.school)
    subject = factories.SubjectFactory(school=school_class.school, name="Математика")
    return [
        make_lesson(school_class, day, period, teacher=teacher, subject=subject)
        for period in range(1, count + 1)
    ]


def mark_absent(
    lessons, student, *, reason: str = ReasonStatus.UNKNOWN, note: str = ""
) -> list[Mark]:
    return [
        Mark.objects.create(
            lesson=lesson,
            student=student,
            school=lesson.school,
            date=lesson.date,
            kind=Mark.Kind.ABSENT,
            manual_reason_status=reason,
            reason_status=reason,
            reason_note=note,
            created_by=lesson.teacher,
        )
        for lesson in lessons
    ]


# ------------------------------------------------ random timetables for hypothesis tests


def random_timetable(setup: SchoolSetup, periods, group_period: bool):
    """A weekly timetable of ``periods[i]`` lessons on weekday i + 1; with ``group_period``
    each day's last lesson is for a group (returned, without members yet)."""
    school_class = setup.school_class
    teacher = factories.staff_user(Role.SUBJECT_TEACHER, setup.school)
    subject = factories.SubjectFactory(school=setup.school, name="Чтение")
    group = ClassGroup.objects.create(school_class=school_class, name="1 группа")
    for weekday, count in enumerate(periods, start=1):
        for period in range(1, count + 1):
            TimetableEntry.objects.create(
                school_class=school_class,
                weekday=weekday,
                period=period,
                subject=subject,
                teacher=teacher,
                valid_from=school_class.academic_year.start_date,
                group=group if group_period and period == count else None,
            )
    return group


def enroll_for_days(school_class, first_day: datetime.date, enrollment_days) -> list:
    """A student per (first, last) day offsets from ``first_day`` (last None: still there)."""
    students = []
    for first, last in enrollment_days:
        student = factories.StudentFactory()
        start = first_day + datetime.timedelta(days=first)
        end = None if last is None else max(start, first_day + datetime.timedelta(days=last))
        factories.EnrollmentFactory(
            student=student, school_class=school_class, start_date=start, end_date=end
        )
        students.append(student)
    return students


def mark_random_absences(setup: SchoolSetup, first_day, students, absences, lessons) -> None:
    """Absence marks from hypothesis' (first, length, reason, per_day) tuples: the student
    (in turn) misses ``per_day`` lessons (all when 0) a day for ``length`` days."""
    marks = {}
    for index, (first, length, reason, per_day) in enumerate(absences):
        student = students[index % len(students)]
        for offset in range(length):
            day = first_day + datetime.timedelta(days=first + offset)
            for lesson in lessons.get(day, [])[: per_day or None]:
                marks[(lesson.pk, student.pk)] = Mark(
                    lesson=lesson,
                    student=student,
                    school=setup.school,
                    date=day,
                    kind="absent",
                    reason_status=reason,
                )
    Mark.objects.bulk_create(marks.values())
