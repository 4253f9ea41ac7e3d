"""A tap after the session ended opens the sign-in page instead of swapping it into a row."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.sessions.models import Session

from tests.browser.test_marking import lesson_with_class  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_tap_after_the_session_ended_opens_the_sign_in_page(
    live_server,
    phone,
    sign_in,
    lesson_with_class,  # noqa: F811
):
    lesson, teacher, students = lesson_with_class
    sign_in(phone, teacher)
    phone.goto(f"{live_server.url}/journal/lessons/{lesson.pk}/")
    Session.objects.all().delete()  # as if SESSION_IDLE_MINUTES had passed

    with phone.expect_navigation():
        phone.locator(f"#mark-{students[0].pk}-absent").tap()

    url = urlsplit(phone.url)
    assert url.path == "/login/"
    assert parse_qs(url.query) == {"next": [f"/journal/lessons/{lesson.pk}/"]}
    assert phone.locator("#mark-list").count() == 0
    assert phone.locator("input[name=password]").count() == 1
