"""A long roster on a phone: «Все остальные присутствуют» is on screen without scrolling."""

import os

import pytest
from django.utils import timezone

from accounts.roles import Role
from journal.models import Lesson
from tests import factories
from tests.browser.conftest import PHONE_VIEWPORT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def long_lesson():
    school = factories.SchoolFactory()
    school_class = factories.SchoolClassFactory(school=school)
    teacher = factories.staff_user(Role.SUBJECT_TEACHER, school)
    for n in range(32):
        factories.enrolled_student(school_class, last_name=f"Константинопольская{n}")
    lesson = Lesson.objects.create(
        school=school,
        school_class=school_class,
        date=timezone.localdate(),
        period=2,
        subject=factories.SubjectFactory(school=school, name="Математика"),
        teacher=teacher,
        duration_minutes=45,
    )
    return lesson, teacher


def test_confirm_button_is_in_the_viewport_of_a_phone_without_scrolling(
    live_server, phone, sign_in, long_lesson
):
    lesson, teacher = long_lesson
    sign_in(phone, teacher)
    missing = []
    phone.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    phone.goto(f"{live_server.url}/journal/lessons/{lesson.pk}/")
    phone.wait_for_load_state("networkidle")
    assert phone.evaluate("document.documentElement.scrollHeight") > 2 * PHONE_VIEWPORT["height"]
    assert phone.evaluate("window.scrollY") == 0

    button = phone.locator("#confirm-attendance")
    box = button.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE_VIEWPORT["height"], box
    assert box["height"] >= 44
    # Nothing covers it: the point at its centre is the button.
    assert (
        phone.evaluate(
            "([x, y]) => document.elementFromPoint(x, y).id",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
        )
        == "confirm-attendance"
    )
    # The rows behind it do not show through.
    background = phone.locator(".mark-confirm").evaluate(
        "form => getComputedStyle(form).backgroundColor"
    )
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    assert missing == [], f"404 while loading the page: {missing}"

    directory = os.environ.get("BROWSER_SCREENSHOTS")
    if directory:
        phone.screenshot(path=os.path.join(directory, "lesson-phone-top.png"))

    button.tap()
    phone.locator("#lesson-status [data-attendance=taken]").wait_for()
    lesson.refresh_from_db()
    assert lesson.attendance_taken_by == teacher
