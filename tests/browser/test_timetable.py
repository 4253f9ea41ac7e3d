"""On a phone, the school administrator builds a class's week, generates the term's lessons
after looking at the preview, and previews the year-end rollover (issue #15 points 1 and
2). Screenshots at 390 px are saved under ``var/screenshots/administration/``."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.roles import Role
from accounts.services import assign_role
from journal.models import BellPeriod, Lesson, Term
from schools.models import AcademicYear
from tests import factories
from tests.accounts.world import current_year_dates

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "administration"


@pytest.fixture
def school():
    school = factories.SchoolFactory(short_name="Школа № 7")
    start, end = current_year_dates(timezone.localdate())
    year = factories.AcademicYearFactory(
        school=school, name=f"{start.year}/{end.year}", start_date=start, end_date=end
    )
    Term.objects.create(
        academic_year=year, number=1, start_date=start, end_date=start + datetime.timedelta(27)
    )
    for number in (1, 2):
        BellPeriod.objects.create(
            school=school,
            number=number,
            start_time=datetime.time(8 + number, 0),
            end_time=datetime.time(8 + number, 45),
        )
    school_class = factories.SchoolClassFactory(
        school=school, academic_year=year, grade=11, letter="А"
    )
    factories.enrolled_student(school_class, last_name="Выпускникова")
    factories.SubjectFactory(school=school, name="Физика")
    teacher = factories.staff_user(Role.SUBJECT_TEACHER, school, last_name="Ньютонова")
    admin = factories.UserFactory(last_name="Админова")
    assign_role(user=admin, role=Role.SCHOOL_ADMIN, school=school, acting_user=None)
    return school, school_class, teacher, admin


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_admin_builds_the_week_generates_lessons_and_previews_the_rollover(
    live_server, browser, sign_in, school
):
    school_obj, school_class, teacher, admin = school
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU")
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, admin)
    page.goto(f"{live_server.url}/administration/school/{school_obj.pk}/classes/")
    page.get_by_test_id("admin-tab-timetable").click()
    page.get_by_role("link", name="11 «А»").click()

    form = page.get_by_test_id("entry-form")
    form.locator("select[name=weekday]").select_option("1")
    form.locator("select[name=period]").select_option("2")
    form.locator("select[name=subject]").select_option(label="Физика")
    form.locator("select[name=teacher]").select_option(index=1)
    form.locator("input[name=room]").fill("31")
    form.get_by_role("button", name="Добавить").click()
    page.get_by_text("Добавлено: понедельник, 2-й урок — Физика.").wait_for()
    assert "Ньютонова" in page.get_by_test_id("timetable-day-1").inner_text()
    _shot(page, "timetable-class-390")

    page.get_by_test_id("generation-link").click()
    page.get_by_test_id("generation-form").get_by_role("button").click()
    preview = page.get_by_test_id("generation-preview")
    mondays = int(preview.get_by_test_id("count-add").inner_text())
    assert mondays == 4 and not Lesson.objects.exists()  # a preview changes nothing
    _shot(page, "lesson-generation-preview-390")
    page.get_by_test_id("generation-apply").get_by_role("button").click()
    page.get_by_test_id("plan-empty").wait_for()
    assert Lesson.objects.filter(school_class=school_class, teacher=teacher).count() == 4

    page.get_by_test_id("admin-tab-rollover").click()
    rollover = page.get_by_test_id("rollover-preview")
    assert "выпуск" in rollover.inner_text()
    _shot(page, "rollover-preview-390")
    assert AcademicYear.objects.filter(school=school_obj).count() == 1
    page.get_by_test_id("rollover-apply").get_by_role("button").click()
    page.get_by_test_id("rollover-done").wait_for()
    assert AcademicYear.objects.filter(school=school_obj).count() == 2
    context.close()
