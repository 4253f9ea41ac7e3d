import datetime

import pytest
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from alerts.models import Alert, Rule, Task
from journal.models import BellPeriod
from tests import factories
from tests.journal.helpers import make_lesson


@pytest.fixture
def api():
    return Client()


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def lesson(school_class, today):
    """Today's first lesson, open for marking since midnight."""
    BellPeriod.objects.create(
        school=school_class.school,
        number=1,
        start_time=datetime.time(0, 0),
        end_time=datetime.time(0, 45),
    )
    return make_lesson(school_class, today)


def add_students(school_class, count: int) -> list:
    return [factories.enrolled_student(school_class) for _ in range(count)]


def add_alerts_and_tasks(school, students, today, assignee) -> None:
    for student in students:
        alert = Alert.objects.create(
            school=school,
            student=student,
            rule=Rule.UNKNOWN_REASON,
            episode=f"{today}",
            period_start=today,
            period_end=today,
        )
        Task.objects.create(
            school=school,
            student=student,
            alert=alert,
            kind=Task.Kind.PHONE_PARENTS,
            assignee_role=Role.CLASS_TEACHER,
            assignee=assignee,
            due_date=today,
        )
