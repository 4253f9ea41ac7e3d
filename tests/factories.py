"""Factories that keep related objects consistent: a class belongs to its school's year."""

import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from journal import models as journal
from schools import models as schools


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = schools.Region
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Тестовая область {n}")
    iso_code = "RU-KGN"


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = schools.Municipality

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Тестовый район {n}")


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = schools.School

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Муниципальное общеобразовательное учреждение «Школа № {n}»")
    short_name = factory.Sequence(lambda n: f"Школа № {n}")


class AcademicYearFactory(DjangoModelFactory):
    class Meta:
        model = schools.AcademicYear
        django_get_or_create = ("school", "name")

    school = factory.SubFactory(SchoolFactory)
    name = "2025/2026"
    start_date = datetime.date(2025, 9, 1)
    end_date = datetime.date(2026, 5, 31)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = factory.Sequence(lambda n: f"Учителева{n}")
    first_name = "Анна"
    patronymic = "Петровна"
    password = factory.django.Password("test-password-123")


class SchoolClassFactory(DjangoModelFactory):
    class Meta:
        model = schools.SchoolClass

    school = factory.SubFactory(SchoolFactory)
    academic_year = factory.LazyAttribute(lambda o: AcademicYearFactory(school=o.school))
    grade = 5
    # At most 4 characters, as the field allows, however many classes a test run creates.
    letter = factory.Sequence(
        lambda n: "АБВГДЕЖИКЛМН"[n % 12] + (str(n // 12 % 1000) if n >= 12 else "")
    )


class StudentFactory(DjangoModelFactory):
    class Meta:
        model = schools.Student

    last_name = factory.Sequence(lambda n: f"Ученикова{n}")
    first_name = "Мария"
    patronymic = "Ивановна"
    birth_date = datetime.date(2014, 3, 15)


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = schools.Enrollment

    student = factory.SubFactory(StudentFactory)
    school_class = factory.SubFactory(SchoolClassFactory)
    school = factory.SelfAttribute("school_class.school")
    start_date = factory.SelfAttribute("school_class.academic_year.start_date")


class SubjectFactory(DjangoModelFactory):
    class Meta:
        model = schools.Subject
        django_get_or_create = ("school", "name")

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Предмет {n}")


class RoleAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.SUBJECT_TEACHER
    school = factory.SubFactory(SchoolFactory)


def staff_user(role: str, school, **kwargs) -> User:
    """A user holding one school role."""
    user = UserFactory(**kwargs)
    RoleAssignment.objects.create(user=user, role=role, school=school)
    return user


def enrolled_student(school_class, **kwargs) -> schools.Student:
    student = StudentFactory(**kwargs)
    EnrollmentFactory(student=student, school_class=school_class)
    return student


# Journal: calendar and timetable.


class TermFactory(DjangoModelFactory):
    class Meta:
        model = journal.Term
        django_get_or_create = ("academic_year", "number")

    academic_year = factory.SubFactory(AcademicYearFactory)
    number = 1
    start_date = datetime.date(2025, 9, 1)
    end_date = datetime.date(2025, 10, 24)


class VacationFactory(DjangoModelFactory):
    class Meta:
        model = journal.Vacation

    academic_year = factory.SubFactory(AcademicYearFactory)
    name = "Осенние каникулы"
    start_date = datetime.date(2025, 10, 27)
    end_date = datetime.date(2025, 11, 4)


class QuarantineFactory(DjangoModelFactory):
    class Meta:
        model = journal.Quarantine

    school = factory.SubFactory(SchoolFactory)
    school_class = None
    start_date = datetime.date(2025, 12, 1)
    end_date = datetime.date(2025, 12, 7)
    reason = "Приказ о карантине по гриппу и ОРВИ"


class GradeBandWeekFactory(DjangoModelFactory):
    class Meta:
        model = journal.GradeBandWeek

    school = factory.SubFactory(SchoolFactory)
    grade_from = 1
    grade_to = 4
    week_length = schools.WeekLength.FIVE_DAYS


class CalendarOverrideFactory(DjangoModelFactory):
    class Meta:
        model = journal.CalendarOverride

    school = factory.SubFactory(SchoolFactory)
    date = datetime.date(2025, 9, 6)
    is_school_day = True
    reason = "Приказ директора"


class TimetableEntryFactory(DjangoModelFactory):
    """A template line; the subject and the teacher belong to the class's school."""

    class Meta:
        model = journal.TimetableEntry

    school_class = factory.SubFactory(SchoolClassFactory)
    weekday = 1
    period = 1
    subject = factory.LazyAttribute(lambda o: SubjectFactory(school=o.school_class.school))
    teacher = factory.LazyAttribute(
        lambda o: staff_user(Role.SUBJECT_TEACHER, o.school_class.school)
    )
    valid_from = factory.SelfAttribute("school_class.academic_year.start_date")


class LessonFactory(DjangoModelFactory):
    class Meta:
        model = journal.Lesson

    school_class = factory.SubFactory(SchoolClassFactory)
    school = factory.SelfAttribute("school_class.school")
    date = datetime.date(2025, 9, 1)
    period = 1
    subject = factory.LazyAttribute(lambda o: SubjectFactory(school=o.school_class.school))
    teacher = factory.LazyAttribute(
        lambda o: staff_user(Role.SUBJECT_TEACHER, o.school_class.school)
    )
    duration_minutes = factory.SelfAttribute("school.lesson_minutes")


# Guardians and casework.


class GuardianFactory(DjangoModelFactory):
    class Meta:
        model = schools.Guardian

    student = factory.SubFactory(StudentFactory)
    full_name = factory.Sequence(lambda n: f"Родителева Ольга Сергеевна {n}")
    relation = schools.Guardian.Relation.MOTHER
    phone = factory.Sequence(lambda n: f"+7 900 000-{n:04d}")


class ParentContactFactory(DjangoModelFactory):
    """A logged phone call; the school is the student's school of enrollment by default."""

    class Meta:
        model = "casework.ParentContact"

    student = factory.SubFactory(StudentFactory)
    school = factory.SubFactory(SchoolFactory)
    contact_type = "phone_call"
    contacted_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))
    guardian_name = "Родителева Ольга Сергеевна"
    summary = "Сообщили о пропуске"
    result = "reached"


# Alerts: an alert of a student of the school, its tasks and the inbox.


def _local_today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


class AlertFactory(DjangoModelFactory):
    """An open alert; the student is enrolled in a class of the alert's school."""

    class Meta:
        model = "alerts.Alert"

    school = factory.SubFactory(SchoolFactory)
    student = factory.LazyAttribute(lambda o: enrolled_student(SchoolClassFactory(school=o.school)))
    rule = "streak_invite"
    episode = factory.Sequence(lambda n: f"episode-{n}")
    period_start = datetime.date(2025, 10, 13)
    period_end = datetime.date(2025, 10, 15)
    evidence = factory.LazyFunction(
        lambda: {"dates": ["2025-10-13", "2025-10-14", "2025-10-15"], "days": 3}
    )


class TaskFactory(DjangoModelFactory):
    """An open task of an alert, for the class teacher by default, due today."""

    class Meta:
        model = "alerts.Task"

    alert = factory.SubFactory(AlertFactory)
    school = factory.SelfAttribute("alert.school")
    student = factory.SelfAttribute("alert.student")
    kind = "invite_parents"
    assignee_role = Role.CLASS_TEACHER
    due_date = factory.LazyFunction(_local_today)
    sequence = factory.Sequence(lambda n: n % 30000 + 1)


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = "alerts.Notification"

    user = factory.SubFactory(UserFactory)
    alert = factory.SubFactory(AlertFactory)
    task = None
    text = factory.Sequence(lambda n: f"Уведомление {n}")
