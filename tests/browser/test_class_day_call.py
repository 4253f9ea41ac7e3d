"""The class day's call to the parents (issue 14, point 7): its form is loaded when the
class teacher opens «Записать звонок родителям», on a phone, and the call it sends is
logged and shown for the day."""

import datetime

import pytest
from django.urls import reverse

from casework.models import ParentContact
from journal.services import set_mark
from tests import factories
from tests.journal.helpers import class_teacher_for, make_lesson

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MON = datetime.date(2025, 10, 13)


@pytest.fixture
def absent_pupil(school_class):
    teacher = class_teacher_for(school_class)
    pupil = factories.enrolled_student(school_class, last_name="Орлов", first_name="Игорь")
    mother = factories.GuardianFactory(student=pupil, full_name="Орлова Вера Павловна")
    lesson = make_lesson(school_class, MON, 1)
    set_mark(lesson=lesson, student_id=pupil.pk, kind="absent", acting_user=lesson.teacher)
    return teacher, pupil, mother


@pytest.fixture
def class_day(live_server, browser, sign_in, school_class, absent_pupil):
    """The class teacher's class day on a phone, signed in."""
    teacher = absent_pupil[0]
    context = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, teacher)
    url = reverse("journal:class_day", args=[school_class.pk])
    page.goto(f"{live_server.url}{url}?date={MON:%Y-%m-%d}")
    yield page
    context.close()


def test_call_form_loads_when_opened_and_logs_the_call(class_day, absent_pupil):
    teacher, pupil, mother = absent_pupil
    page = class_day

    details = page.get_by_test_id("call-details")
    assert page.get_by_test_id("call-form").count() == 0
    details.locator("summary").click()
    form = page.get_by_test_id("call-form")
    form.wait_for()
    form.locator("select[name=guardian]").select_option(str(mother.pk))
    form.locator("input[name=contacted_at]").fill(f"{MON:%Y-%m-%d}T10:15")
    form.locator("select[name=result]").select_option("reached")
    form.locator("input[name=stated_reason]").fill("болезнь")
    with page.expect_navigation():
        form.get_by_role("button", name="Записать").click()

    contact = ParentContact.objects.get()
    assert (contact.student, contact.guardian, contact.staff) == (pupil, mother, teacher)
    assert f"?date={MON:%Y-%m-%d}" in page.url
    assert "Орлова Вера Павловна" in page.get_by_test_id("contact-logged").inner_text()


def test_call_form_that_failed_to_load_says_so_and_loads_at_the_next_opening(class_day):
    page = class_day
    # The first load is lost (no connection); the next goes through.
    refused = []

    def lose_the_first(route):
        if refused:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/day/contact/form/**", lose_the_first)

    summary = page.get_by_test_id("call-details").locator("summary")
    summary.click()
    failed = page.get_by_test_id("call-details").get_by_role("alert")
    failed.wait_for()
    assert "Форма не загрузилась" in failed.inner_text()
    assert page.get_by_test_id("call-form").count() == 0

    summary.click()  # closed
    summary.click()  # opened again
    page.get_by_test_id("call-form").wait_for()
    assert len(refused) == 1
    assert page.get_by_test_id("call-form").locator("select[name=guardian]").count() == 1
