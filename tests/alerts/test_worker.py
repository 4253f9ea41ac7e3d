"""A real Celery worker and Redis: saving a mark produces the alert and tasks by itself."""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from accounts.roles import Role
from alerts.models import Alert, Rule, Task
from attendance_portal.celery import app
from journal.calendar import school_days
from journal.models import Mark, TimetableEntry
from journal.services import set_mark
from journal.timetable import generate_lessons
from tests import factories

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker():
    broker = os.environ.get("CELERY_BROKER_URL")
    assert broker, "CELERY_BROKER_URL is not set: run the suite through scripts/test.sh"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "attendance_portal.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "attendance_portal",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    eager, url = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = broker
    try:
        yield process
    finally:
        app.conf.task_always_eager, app.conf.broker_url = eager, url
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _recent_school_days(school_class, count):
    today = timezone.localdate()
    days = school_days(
        school_class, school_class.academic_year.start_date, today - datetime.timedelta(days=1)
    )
    assert len(days) >= count
    return days[-count:]


def test_saving_a_mark_fires_the_alert_through_the_worker(worker):
    today = timezone.localdate()
    start = datetime.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    school = factories.SchoolFactory()
    year = factories.AcademicYearFactory(
        school=school,
        name=f"{start.year}/{start.year + 1}",
        start_date=start,
        end_date=datetime.date(start.year + 1, 5, 31),
    )
    class_teacher = factories.staff_user(Role.CLASS_TEACHER, school)
    school_class = factories.SchoolClassFactory(
        school=school, academic_year=year, grade=6, class_teacher=class_teacher
    )
    teacher = factories.staff_user(Role.SUBJECT_TEACHER, school)
    subject = factories.SubjectFactory(school=school, name="История")
    for weekday in range(1, 6):
        TimetableEntry.objects.create(
            school_class=school_class,
            weekday=weekday,
            period=1,
            subject=subject,
            teacher=teacher,
            valid_from=start,
        )
    first, second, third = _recent_school_days(school_class, 3)
    generate_lessons(school=school, start=first, end=third)
    student = factories.enrolled_student(school_class)
    lessons = {lesson.date: lesson for lesson in school_class.lessons.all()}
    for day in (first, second):
        Mark.objects.create(
            lesson=lessons[day], student=student, school=school, date=day, kind="absent"
        )

    set_mark(lesson=lessons[third], student_id=student.pk, kind="absent", acting_user=teacher)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        alert = Alert.objects.filter(student=student, rule=Rule.STREAK_INVITE).first()
        if alert is not None and alert.tasks.exists():
            break
        assert worker.poll() is None, worker.stdout.read()
        time.sleep(0.5)
    else:
        worker.terminate()
        pytest.fail("no alert within 60 s; worker log:\n" + worker.communicate(timeout=20)[0])
    assert alert.evidence["dates"] == [d.isoformat() for d in (first, second, third)]
    task = alert.tasks.get()
    assert (task.kind, task.assignee) == (Task.Kind.INVITE_PARENTS, class_teacher)
    worker.terminate()
    log = worker.communicate(timeout=20)[0]
    assert "alerts.tasks.evaluate_pending" in log and "succeeded" in log, log
