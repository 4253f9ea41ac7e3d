"""Schools of the current academic year whose students missed the last school days: what a
real worker evaluates as of today (its tasks take no «now»)."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.roles import Role
from journal.calendar import school_days
from journal.models import Lesson, Mark, TimetableEntry
from journal.timetable import generate_lessons
from schools.models import Enrollment, Student
from tests import factories


@dataclass
class FaultSchool:
    school: object
    school_class: object
    teacher: object
    class_teacher: object
    days: list  # the last school days before today, oldest first
    students: list = field(default_factory=list)

    def lessons_on(self, day) -> list[Lesson]:
        return list(
            Lesson.objects.filter(school_class=self.school_class, date=day).order_by("period")
        )


def _year_start(today: datetime.date) -> datetime.date:
    return datetime.date(today.year if today.month >= 9 else today.year - 1, 9, 1)


def fault_school(*, students: int, days: int = 4, periods: int = 2) -> FaultSchool:
    """A class with ``students`` enrolled, lessons of ``periods`` periods a day on its last
    ``days`` school days before today, and no marks yet."""
    today = timezone.localdate()
    start = _year_start(today)
    school = factories.SchoolFactory()
    year = factories.AcademicYearFactory(
        school=school,
        name=f"{start.year}/{start.year + 1}",
        start_date=start,
        end_date=datetime.date(start.year + 1, 5, 31),
    )
    class_teacher = factories.staff_user(Role.CLASS_TEACHER, school)
    factories.staff_user(Role.DEPUTY, school)
    factories.staff_user(Role.SOCIAL_PEDAGOGUE, school)
    school_class = factories.SchoolClassFactory(
        school=school, academic_year=year, grade=6, class_teacher=class_teacher
    )
    teacher = factories.staff_user(Role.SUBJECT_TEACHER, school)
    subject = factories.SubjectFactory(school=school, name="История")
    for weekday in range(1, 6):
        for period in range(1, periods + 1):
            TimetableEntry.objects.create(
                school_class=school_class,
                weekday=weekday,
                period=period,
                subject=subject,
                teacher=teacher,
                valid_from=start,
            )
    recent = school_days(school_class, start, today - datetime.timedelta(days=1))[-days:]
    assert len(recent) == days, "too early in the academic year for the fault tests"
    generate_lessons(school=school, start=recent[0], end=recent[-1])
    made = Student.objects.bulk_create(
        [
            Student(
                last_name=f"Отказоустойчивая{n}",
                first_name="Мария",
                patronymic="Ивановна",
                birth_date=datetime.date(2013, 3, 15),
            )
            for n in range(students)
        ]
    )
    Enrollment.objects.bulk_create(
        [
            Enrollment(student=s, school_class=school_class, school=school, start_date=start)
            for s in made
        ]
    )
    return FaultSchool(school, school_class, teacher, class_teacher, recent, made)


def mark_absent(world: FaultSchool, students, days) -> None:
    """Absences without a known reason on every lesson of ``days``, written in bulk."""
    marks = [
        Mark(lesson=lesson, student=student, school=world.school, date=day, kind="absent")
        for day in days
        for lesson in world.lessons_on(day)
        for student in students
    ]
    Mark.objects.bulk_create(marks)
