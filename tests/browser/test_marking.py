"""The marking page on a 360 px phone: sign in, tap marks, reload, see them (R-J-1)."""

import os

import pytest
from django.utils import timezone

from accounts.roles import Role
from journal.models import Lesson, Mark
from tests import factories

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 360


@pytest.fixture
def lesson_with_class():
    school = factories.SchoolFactory()
    school_class = factories.SchoolClassFactory(school=school)
    teacher = factories.staff_user(Role.SUBJECT_TEACHER, school)
    students = [
        factories.enrolled_student(school_class, last_name=f"Константинопольская{n}")
        for n in range(6)
    ]
    lesson = Lesson.objects.create(
        school=school,
        school_class=school_class,
        date=timezone.localdate(),
        period=3,
        subject=factories.SubjectFactory(school=school, name="Литературное чтение"),
        teacher=teacher,
        duration_minutes=45,
    )
    return lesson, teacher, students


def row(page, student):
    return page.locator(f"#student-{student.pk}")


def tap_and_wait(page, student, kind):
    page.locator(f"#mark-{student.pk}-{kind}").tap()
    page.locator(f'#student-{student.pk}[data-state="{kind}"]').wait_for()


def screenshot(page, name):
    """Save a full-page screenshot when BROWSER_SCREENSHOTS names a directory (for review)."""
    directory = os.environ.get("BROWSER_SCREENSHOTS")
    if directory:
        page.screenshot(path=os.path.join(directory, f"{name}.png"), full_page=True)


def assert_no_horizontal_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"page is {width} px wide on a {PHONE_WIDTH} px screen"


def test_teacher_marks_two_absences_and_a_late_arrival_on_a_phone(
    live_server, phone, sign_in, lesson_with_class
):
    lesson, teacher, students = lesson_with_class
    sign_in(phone, teacher)
    phone.goto(f"{live_server.url}/journal/lessons/{lesson.pk}/")
    assert "Посещаемость ещё не отмечена" in phone.locator("#lesson-status").inner_text()
    assert_no_horizontal_scroll(phone)
    box = phone.locator(f"#mark-{students[0].pk}-absent").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44

    # A marker on window survives only if no tap reloads the page.
    phone.evaluate("window.__notReloaded = true")
    tap_and_wait(phone, students[0], "absent")
    tap_and_wait(phone, students[3], "absent")
    tap_and_wait(phone, students[4], "late")
    phone.fill(f"#minutes-{students[4].pk}", "7")
    phone.locator(f"#minutes-{students[4].pk}-save").tap()
    # A function, not an expression: Playwright evaluates an expression with eval, which the
    # CSP refuses.
    phone.wait_for_function(
        f"() => document.querySelector('#minutes-{students[4].pk}').defaultValue === '7'"
    )
    assert phone.evaluate("window.__notReloaded") is True
    assert "Посещаемость отмечена" in phone.locator("#lesson-status").inner_text()
    assert "Н: 2 · ОП: 1" in phone.locator("#lesson-status").inner_text()
    assert_no_horizontal_scroll(phone)

    screenshot(phone, "marking-phone")
    phone.reload()
    states = {s.pk: row(phone, s).get_attribute("data-state") for s in students}
    assert states == {
        students[0].pk: "absent",
        students[1].pk: "present",
        students[2].pk: "present",
        students[3].pk: "absent",
        students[4].pk: "late",
        students[5].pk: "present",
    }
    assert phone.locator(f"#mark-{students[3].pk}-absent").get_attribute("aria-pressed") == "true"
    assert phone.locator(f"#minutes-{students[4].pk}").input_value() == "7"
    assert_no_horizontal_scroll(phone)
    marks = dict(Mark.objects.filter(lesson=lesson).values_list("student_id", "kind"))
    assert marks == {students[0].pk: "absent", students[3].pk: "absent", students[4].pk: "late"}

    phone.locator("text=Мои уроки").first.tap()
    phone.wait_for_url("**/journal/lessons/?date=*")
    assert "отмечен: 2 отсутствуют" in phone.locator(".my-lesson").inner_text()
    screenshot(phone, "my-lessons-phone")
    assert_no_horizontal_scroll(phone)


def test_refused_lateness_is_shown_next_to_the_row(live_server, phone, sign_in, lesson_with_class):
    lesson, teacher, students = lesson_with_class
    sign_in(phone, teacher)
    phone.goto(f"{live_server.url}/journal/lessons/{lesson.pk}/")
    tap_and_wait(phone, students[1], "late")
    phone.fill(f"#minutes-{students[1].pk}", "30")
    phone.locator(f"#minutes-{students[1].pk}-save").tap()
    error = row(phone, students[1]).locator(".mark-row__error")
    error.wait_for()
    assert "меньше половины урока" in error.inner_text()
    assert Mark.objects.get(lesson=lesson).minutes_late is None


def test_keyboard_marks_with_number_keys(live_server, browser, sign_in, lesson_with_class):
    lesson, teacher, students = lesson_with_class
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        sign_in(page, teacher)
        page.goto(f"{live_server.url}/journal/lessons/{lesson.pk}/")
        page.focus(f"#mark-{students[2].pk}-present")
        page.keyboard.press("2")
        page.locator(f'#student-{students[2].pk}[data-state="absent"]').wait_for()
        # Focus stays on the row after it is re-rendered, so the next keys keep working.
        page.keyboard.press("ArrowDown")
        page.keyboard.press("3")
        page.locator(f'#student-{students[3].pk}[data-state="late"]').wait_for()
        page.locator("#confirm-attendance").click()
        page.locator("#lesson-status [data-attendance=taken]").wait_for()
    finally:
        context.close()
    marks = dict(Mark.objects.filter(lesson=lesson).values_list("student_id", "kind"))
    assert marks == {students[2].pk: "absent", students[3].pk: "late"}
