"""Redis down while teachers mark: the marks are saved, and the evaluations they missed run
when Redis is back (celery beat's catch-up, a real worker)."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from alerts.models import Alert, PendingEvaluation, Rule
from journal.models import Mark

from .servers import CeleryProcess
from .world import fault_school, mark_absent

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def celery(redis, tmp_path):
    worker = CeleryProcess("worker", redis.url, tmp_path / "worker.log")
    beat = CeleryProcess(
        "beat",
        redis.url,
        tmp_path / "beat.log",
        args=["--schedule", str(tmp_path / "beat-schedule")],
        # The catch-up every second; beat queues its tasks rather than running them itself.
        env={"THRESHOLD_CATCH_UP_SECONDS": "1", "CELERY_TASK_ALWAYS_EAGER": "0"},
    )
    try:
        worker.wait_for("ready.", timeout=30)
        yield worker, beat
    finally:
        beat.stop()
        worker.stop()


def test_marks_saved_while_redis_is_down_are_evaluated_when_it_returns(redis, celery):
    worker, beat = celery
    world = fault_school(students=6, days=3)
    first, second, third = world.days
    absent, present = world.students[:4], world.students[4:]
    mark_absent(world, absent, [first, second])  # one more day makes a three-day streak
    client = Client()
    client.force_login(world.teacher)

    redis.stop()
    for lesson in world.lessons_on(third):
        for student in absent:
            started = time.monotonic()
            response = client.post(
                reverse("journal:lesson_mark", args=[lesson.pk]),
                {"student": student.pk, "kind": "absent"},
                HTTP_HX_REQUEST="true",
            )
            assert response.status_code == 200, response.content.decode()
            assert time.monotonic() - started < 10  # the broker's absence costs seconds
    marked = Mark.objects.filter(date=third, kind="absent")
    assert sorted(marked.values_list("student_id", flat=True)) == sorted(
        s.pk for s in absent for _lesson in world.lessons_on(third)
    )
    waiting = PendingEvaluation.objects.filter(school=world.school)
    assert sorted(waiting.values_list("student_id", flat=True)) == sorted(s.pk for s in absent)
    assert not Alert.objects.exists()

    redis.start()
    deadline = time.monotonic() + 45
    streaks = Alert.objects.filter(rule=Rule.STREAK_INVITE, status=Alert.Status.OPEN)
    while time.monotonic() < deadline and (streaks.count() < len(absent) or waiting.exists()):
        assert worker.process.poll() is None, worker.text()
        time.sleep(0.5)
    assert sorted(streaks.values_list("student_id", flat=True)) == sorted(s.pk for s in absent), (
        worker.text() + beat.text()
    )
    assert not waiting.exists()
    assert not Alert.objects.filter(student__in=present).exists()
    assert "alerts.tasks.catch_up_pending" in beat.text()
    assert "alerts.tasks.evaluate_pending" in worker.text()
