"""The school administrator runs the school from the app, not the Django admin (issue #15):
opens a class, takes on a person as class teacher, makes them the class's class teacher.
Screenshots at 1280 and 390 px are saved under ``var/screenshots/administration/``."""

from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import RoleAssignment
from accounts.roles import Role
from accounts.services import assign_role
from schools.models import SchoolClass
from tests import factories
from tests.accounts.world import current_year_dates

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "administration"


@pytest.fixture
def school_admin():
    school = factories.SchoolFactory(short_name="Школа № 7")
    start, end = current_year_dates(timezone.localdate())
    factories.AcademicYearFactory(
        school=school, name=f"{start.year}/{end.year}", start_date=start, end_date=end
    )
    admin = factories.UserFactory(last_name="Админова")
    assign_role(user=admin, role=Role.SCHOOL_ADMIN, school=school, acting_user=None)
    return admin


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_school_admin_opens_a_class_and_gives_it_a_new_class_teacher(
    live_server, browser, sign_in, school_admin, width
):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ru-RU")
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, school_admin)
    page.goto(f"{live_server.url}/administration/")

    # A class.
    page.get_by_role("link", name="Классы и классные руководители").click()
    page.get_by_test_id("class-add").click()
    page.select_option("select[name=grade]", "5")
    page.fill("input[name=letter]", "в")
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_text("Класс 5 «В» открыт.").wait_for()
    _shot(page, f"classes-{width}")

    # A person, with the class teacher's role.
    page.get_by_role("link", name="Сотрудники").first.click()
    page.get_by_test_id("staff-add").click()
    page.fill("input[name=last_name]", "Смирнова")
    page.fill("input[name=first_name]", "Елена")
    page.fill("input[name=patronymic]", "Викторовна")
    page.fill("input[name=username]", f"smirnova{width}")
    page.fill("input[name=email]", "smirnova@example.org")
    page.get_by_label("Классный руководитель").check()
    _shot(page, f"staff-form-{width}")
    page.get_by_role("button", name="Сохранить").click()
    password = page.get_by_test_id("new-password").inner_text()
    assert len(password) == 14
    _shot(page, f"staff-created-{width}")

    # The class gets its class teacher.
    page.goto(f"{live_server.url}/administration/")
    page.get_by_role("link", name="Классы и классные руководители").click()
    page.get_by_role("link", name="Изменить").click()
    page.select_option(
        "select[name=class_teacher]", label=f"Смирнова Елена Викторовна (smirnova{width})"
    )
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_text("Классный руководитель: Смирнова Елена Викторовна").wait_for()
    _shot(page, f"classes-with-teacher-{width}")
    no_horizontal_scroll = page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth"
    )
    context.close()

    school_class = SchoolClass.objects.get(grade=5, letter="В")
    assert school_class.class_teacher.username == f"smirnova{width}"
    assert school_class.class_teacher.check_password(password)
    assert no_horizontal_scroll


@pytest.mark.parametrize("width", [1280, 390])
def test_municipal_specialist_appoints_a_deputy(live_server, browser, sign_in, width):
    school = factories.SchoolFactory(short_name="Школа № 9")
    teacher = factories.staff_user(
        Role.SUBJECT_TEACHER, school, last_name="Петрова", first_name="Ирина", patronymic=""
    )
    municipal = factories.UserFactory()
    RoleAssignment.objects.create(
        user=municipal, role=Role.MUNICIPAL, municipality=school.municipality
    )
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ru-RU")
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, municipal)
    page.goto(f"{live_server.url}/administration/")
    page.get_by_test_id("admin-municipalities").get_by_role("link").click()
    page.select_option("select[name=appoint-school]", label="Школа № 9")
    page.select_option("select[name=appoint-role]", "deputy")
    page.select_option("select[name=appoint-person]", label=f"Петрова Ирина ({teacher.username})")
    page.get_by_test_id("appoint-form").get_by_role("button", name="Назначить").click()
    page.get_by_text("Назначение сохранено").wait_for()
    _shot(page, f"leadership-{width}")
    context.close()
    assert RoleAssignment.objects.filter(user=teacher, role=Role.DEPUTY, school=school).exists()
