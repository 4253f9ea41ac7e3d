import datetime

import pytest
from django.core import mail
from django.utils import timezone

from accounts.roles import Role
from journal.services import set_mark
from notify import sms
from tests import factories
from tests.journal.helpers import class_teacher_for, make_lesson


@pytest.fixture(autouse=True)
def clean_outboxes(settings):
    settings.NOTIFY_SMS_BACKEND = "notify.sms.LocmemSmsBackend"
    settings.NOTIFY_SITE_URL = "https://school.example"
    sms.outbox.clear()
    mail.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def class_teacher(school_class):
    return class_teacher_for(school_class)


@pytest.fixture
def student(school_class):
    return factories.enrolled_student(school_class, first_name="Маша", last_name="Иванова")


@pytest.fixture
def mother(student):
    return factories.GuardianFactory(
        student=student, phone="+7 900 111-22-33", email="mother@example.com"
    )


@pytest.fixture
def lessons(school_class, today):
    teacher = factories.staff_user(Role.SUBJECT_TEACHER, school_class.school)
    return [make_lesson(school_class, today, period, teacher=teacher) for period in (1, 2, 3)]


def mark_absent(lesson, student):
    return set_mark(lesson=lesson, student_id=student.pk, kind="absent", acting_user=lesson.teacher)


def evening(day: datetime.date, hour: int = 16, minute: int = 30) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
