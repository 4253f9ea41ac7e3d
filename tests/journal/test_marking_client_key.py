"""The marking page's tap with the page's own key (issue #15 point 6, static/js/lesson.js):
a tap kept on the phone and sent again after a lost answer is stored once."""

import datetime

import pytest
from django.urls import reverse

from accounts.roles import Role
from audit.models import AuditEntry
from journal.models import Mark, MarkRequest
from journal.services.history import MARK_CHANGED
from tests import factories
from tests.journal.helpers import make_lesson

DAY = datetime.date(2025, 10, 14)
HTMX = {"HTTP_HX_REQUEST": "true"}
KEY = "5f0c1a52-6a53-4c1e-9b8e-0d7f3c2a9e11"


@pytest.fixture
def teacher(school):
    return factories.staff_user(Role.SUBJECT_TEACHER, school)


@pytest.fixture
def lesson(school_class, teacher):
    return make_lesson(school_class, DAY, period=2, teacher=teacher)


@pytest.fixture
def student(school_class):
    return factories.enrolled_student(school_class)


def tap(client, lesson, student, kind, key=KEY, **extra):
    data = {"student": student.pk, "kind": kind, "client_key": key, **extra}
    return client.post(reverse("journal:lesson_mark", args=[lesson.pk]), data, **HTMX)


def history(lesson):
    return AuditEntry.objects.filter(action=MARK_CHANGED, object_id=str(lesson.pk))


def test_the_same_key_sent_twice_stores_the_mark_once(client, lesson, student, teacher):
    client.force_login(teacher)
    first = tap(client, lesson, student, "absent")
    again = tap(client, lesson, student, "absent")
    assert first.status_code == again.status_code == 200
    assert 'data-state="absent"' in again.content.decode()
    assert Mark.objects.filter(lesson=lesson, student=student).count() == 1
    assert MarkRequest.objects.get().client_key == KEY
    assert history(lesson).count() == 1


def test_a_late_resend_does_not_undo_a_later_change(client, lesson, student, teacher):
    """The answer to «Н» was lost, the teacher then tapped «присутствует»; the «Н» sent
    again with its key must not mark the student absent again."""
    client.force_login(teacher)
    tap(client, lesson, student, "absent")
    tap(client, lesson, student, "present", key="second-tap")
    response = tap(client, lesson, student, "absent")
    assert response.status_code == 200
    assert 'data-state="present"' in response.content.decode()
    assert not Mark.objects.filter(lesson=lesson).exists()
    assert history(lesson).count() == 2


def test_a_key_reused_for_another_mark_is_refused_next_to_the_row(client, lesson, student, teacher):
    client.force_login(teacher)
    tap(client, lesson, student, "absent")
    response = tap(client, lesson, student, "late", minutes_late=5)
    assert response.status_code == 422
    assert "уже использован" in response.content.decode()
    assert Mark.objects.get(lesson=lesson, student=student).kind == "absent"


@pytest.mark.parametrize("key", ["ключ", "a b", "x" * 101, "-starts-with-a-dash"])
def test_a_malformed_key_is_refused_and_changes_nothing(client, lesson, student, teacher, key):
    client.force_login(teacher)
    response = tap(client, lesson, student, "absent", key=key)
    assert response.status_code == 422
    assert not Mark.objects.exists() and not MarkRequest.objects.exists()


def test_without_a_key_the_tap_is_saved_as_before(client, lesson, student, teacher):
    client.force_login(teacher)
    response = tap(client, lesson, student, "absent", key="")
    assert response.status_code == 200
    assert Mark.objects.filter(lesson=lesson, student=student).count() == 1
    assert not MarkRequest.objects.exists()


def test_another_teachers_resend_of_a_key_is_not_a_replay(client, school, lesson, student):
    """Keys belong to their user: another teacher of the school may not mark this lesson."""
    other = factories.staff_user(Role.SUBJECT_TEACHER, school)
    client.force_login(other)
    response = tap(client, lesson, student, "absent")
    assert response.status_code in (403, 404)
    assert not Mark.objects.exists() and not MarkRequest.objects.exists()
