import datetime

import pytest

from accounts.roles import Role
from journal.models import Lesson, Mark, ReasonStatus, Term, TimetableEntry, Vacation
from journal.timetable import generate_lessons
from tests import factories

YEAR_START = datetime.date(2025, 9, 1)
YEAR_END = datetime.date(2026, 5, 31)


class World:
    """A school with the real 2025/2026 calendar, a class and a generated timetable."""

    def __init__(self, grade=5, lessons_per_day=6, autumn_vacation=True):
        self.school = factories.SchoolFactory()
        self.year = factories.AcademicYearFactory(
            school=self.school, name="2025/2026", start_date=YEAR_START, end_date=YEAR_END
        )
        Term.objects.create(
            academic_year=self.year,
            number=2,
            start_date=datetime.date(2025, 11, 10),
            end_date=datetime.date(2025, 12, 28),
        )
        Term.objects.create(
            academic_year=self.year,
            number=1,
            start_date=YEAR_START,
            end_date=datetime.date(2025, 10, 26),
        )
        if autumn_vacation:
            Vacation.objects.create(
                academic_year=self.year,
                name="Осенние каникулы",
                start_date=datetime.date(2025, 10, 27),
                end_date=datetime.date(2025, 11, 4),
            )
        self.deputy = factories.staff_user(Role.DEPUTY, self.school, email="deputy@example.org")
        self.social_pedagogue = factories.staff_user(Role.SOCIAL_PEDAGOGUE, self.school)
        self.class_teacher = factories.staff_user(Role.CLASS_TEACHER, self.school)
        self.school_class = factories.SchoolClassFactory(
            school=self.school,
            academic_year=self.year,
            grade=grade,
            class_teacher=self.class_teacher,
        )
        teacher = factories.staff_user(Role.SUBJECT_TEACHER, self.school)
        subject = factories.SubjectFactory(school=self.school, name="Математика")
        for weekday in range(1, 6):
            for period in range(1, lessons_per_day + 1):
                TimetableEntry.objects.create(
                    school_class=self.school_class,
                    weekday=weekday,
                    period=period,
                    subject=subject,
                    teacher=teacher,
                    valid_from=YEAR_START,
                )
        generate_lessons(school=self.school, start=YEAR_START, end=datetime.date(2026, 3, 31))
        self.student = factories.enrolled_student(self.school_class)

    def lessons_on(self, day):
        return list(
            Lesson.objects.filter(school_class=self.school_class, date=day).order_by("period")
        )

    def miss(self, days, reason=ReasonStatus.UNKNOWN, *, lessons=None, kind="absent", student=None):
        """Absence (or lateness) marks on every lesson — or the first ``lessons`` — of each day."""
        student = student or self.student
        for day in days:
            todays = self.lessons_on(day)
            assert todays, f"{day} is not a school day of the class"
            for lesson in todays[: lessons or len(todays)]:
                Mark.objects.update_or_create(
                    lesson=lesson,
                    student=student,
                    defaults={
                        "school": self.school,
                        "date": day,
                        "kind": kind,
                        "reason_status": reason if kind == "absent" else ReasonStatus.UNKNOWN,
                        "manual_reason_status": reason
                        if kind == "absent"
                        else ReasonStatus.UNKNOWN,
                    },
                )


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def make_world(db):
    return World
