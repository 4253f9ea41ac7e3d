"""PostgreSQL restarted while a teacher marks: the request in flight answers 503 in words,
nothing of it is written, and the teacher's retry saves the mark.

The suite's own PostgreSQL is restarted (``pg_ctl restart -m fast``); the test after it
checks that the database serves the rest of the session.
"""

import contextlib
import threading
import time

import psycopg2
import pytest
from django.db import InterfaceError, connection, connections
from django.test import Client, RequestFactory
from django.urls import reverse

from alerts import facts
from attendance_portal.errors import server_error
from audit.models import AuditEntry
from journal.models import Lesson, Mark
from journal.services.history import MARK_CHANGED

from .servers import restart_postgres
from .world import fault_school, mark_absent

pytestmark = pytest.mark.django_db(transaction=True)
UNAVAILABLE = "База данных временно недоступна, повторите через минуту."


def _connect():
    db = connection.settings_dict
    return psycopg2.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"])


def _wait_for_lock_wait(watcher, blocker_pid: int) -> None:
    """Until another backend waits for the lock ``blocker_pid`` holds."""
    deadline = time.monotonic() + 20
    with watcher.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE %s = ANY(pg_blocking_pids(pid)) AND query ILIKE %s",
                [blocker_pid, "%journal_lesson%"],
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    pytest.fail("the mark's request never reached the lesson's row")


def test_a_mark_in_flight_when_postgresql_restarts_answers_503_and_the_retry_saves_it():
    world = fault_school(students=3, days=2)
    lesson = world.lessons_on(world.days[-1])[0]
    student, other = world.students[:2]
    mark_absent(world, [other], world.days)  # rows the restart must leave as they are
    client = Client(raise_request_exception=False)
    client.force_login(world.teacher)
    url = reverse("journal:lesson_mark", args=[lesson.pk])
    data = {"student": student.pk, "kind": "absent"}
    history = AuditEntry.objects.filter(action=MARK_CHANGED)
    before = (
        sorted(Mark.objects.values_list("pk", "student_id", "lesson_id", "kind")),
        history.count(),
    )

    # The lesson's row is held, so the request stops inside its transaction: the mark and
    # its fact rows are written, «attendance taken» on the lesson is not yet.
    blocker, watcher = _connect(), _connect()
    watcher.autocommit = True
    answers = {}

    def tap():
        try:
            answers["htmx"] = client.post(url, data, HTTP_HX_REQUEST="true")
        finally:
            connections.close_all()

    try:
        with blocker.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            blocker_pid = cursor.fetchone()[0]
            cursor.execute(
                "SELECT 1 FROM journal_lesson WHERE id = %s FOR NO KEY UPDATE", [lesson.pk]
            )
        request = threading.Thread(target=tap)
        request.start()
        _wait_for_lock_wait(watcher, blocker_pid)
        restart_postgres()
        request.join(timeout=60)
        assert not request.is_alive()
    finally:
        for raw in (blocker, watcher):
            with contextlib.suppress(psycopg2.Error):
                raw.close()

    response = answers["htmx"]
    assert response.status_code == 503
    assert response.content.decode() == f"{UNAVAILABLE} Изменение не сохранено."
    assert response["Retry-After"] == "60"
    assert (
        sorted(Mark.objects.values_list("pk", "student_id", "lesson_id", "kind")),
        history.count(),
    ) == before
    assert Lesson.objects.get(pk=lesson.pk).attendance_taken_at is None
    assert facts.discrepancies() == {"alerts_classday": 0, "alerts_studentday": 0}

    # The teacher taps again: saved once, facts in line with the journal.
    retry = client.post(url, data, HTTP_HX_REQUEST="true")
    assert retry.status_code == 200
    assert list(Mark.objects.filter(lesson=lesson, student=student).values_list("kind")) == [
        ("absent",)
    ]
    assert history.count() == before[1] + 1
    assert facts.discrepancies() == {"alerts_classday": 0, "alerts_studentday": 0}


def test_the_database_serves_the_tests_after_a_restart(client):
    world = fault_school(students=1, days=1)
    client.force_login(world.teacher)
    lesson = world.lessons_on(world.days[0])[0]
    response = client.post(
        reverse("journal:lesson_mark", args=[lesson.pk]),
        {"student": world.students[0].pk, "kind": "late", "minutes_late": 5},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert Mark.objects.get(lesson=lesson).kind == "late"


@pytest.mark.parametrize(
    ("headers", "content_type", "expected"),
    [
        ({}, "text/html", UNAVAILABLE),
        ({"Accept": "application/json"}, "application/json", '"saved": false'),
        ({"HX-Request": "true"}, "text/plain", UNAVAILABLE),
    ],
    ids=["page", "json", "htmx"],
)
def test_a_database_error_answers_503_in_words_without_reading_the_database(
    headers, content_type, expected
):
    request = RequestFactory().post("/journal/lessons/1/mark/", headers=headers)
    try:
        raise InterfaceError("connection already closed")
    except InterfaceError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Content-Type"].startswith(content_type)
    assert expected in response.content.decode()


def test_any_other_error_keeps_the_server_error_page():
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Ошибка сервера" in response.content.decode()
