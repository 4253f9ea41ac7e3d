"""403, 404 and 500 answer a styled page in Russian, not Django's bare text."""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from accounts.roles import Role
from tests import factories
from tests.journal.helpers import make_lesson

STYLESHEET = "bootstrap.min.css"


def test_forbidden_page_is_styled_and_russian(client, school):
    client.force_login(factories.staff_user(Role.PSYCHOLOGIST, school))
    response = client.get(reverse("journal:unmarked"))
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-testid="error-page"' in html
    assert "Доступ запрещён" in html
    assert STYLESHEET in html
    assert reverse("home:home") in html


def test_forbidden_page_shows_the_reason_the_service_gave(client, school_class):
    # A social pedagogue reads a lesson but may not mark it: the service's refusal is shown.
    lesson = make_lesson(school_class, datetime.date(2025, 10, 14))
    student = factories.enrolled_student(school_class)
    client.force_login(factories.staff_user(Role.SOCIAL_PEDAGOGUE, school_class.school))
    response = client.post(
        reverse("journal:lesson_mark", args=[lesson.pk]), {"student": student.pk, "kind": "late"}
    )
    assert response.status_code == 403
    assert "Вы не можете отмечать посещаемость этого урока." in response.content.decode()


@pytest.mark.parametrize("signed_in", [True, False], ids=["signed-in", "anonymous"])
def test_not_found_page_is_styled_and_russian(client, school, signed_in):
    if signed_in:
        client.force_login(factories.staff_user(Role.CLASS_TEACHER, school))
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-testid="error-page"' in html
    assert "Страница не найдена" in html
    assert STYLESHEET in html


def test_server_error_page_is_styled_and_russian_without_a_database():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Ошибка сервера" in html
    assert STYLESHEET in html
