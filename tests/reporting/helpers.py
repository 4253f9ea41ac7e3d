"""A school with a class, its staff and marks on exact dates, for the report tests."""

import datetime
from dataclasses import dataclass

from accounts.roles import Role
from journal.models import Mark, ReasonStatus
from schools.models import School, SchoolClass
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
