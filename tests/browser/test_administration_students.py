"""The school administrator keeps the students from the app (issue #15): admits a new
student with family flags, records a guardian with a phone, transfers the child to another
class and then to another school. At 1280 and 390 px (a phone: no horizontal scrolling);
screenshots under ``var/screenshots/administration/``."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.roles import Role
from accounts.services import assign_role
from schools.models import Enrollment, LeavingCategory
from tests import factories
from tests.accounts.world import current_year_dates

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "administration"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1280, 390])
def test_school_admin_admits_transfers_and_withdraws_a_student(
    live_server, browser, sign_in, width
):
    school = factories.SchoolFactory(short_name="Школа № 5")
    start, end = current_year_dates(timezone.localdate())
    year = factories.AcademicYearFactory(
        school=school, name=f"{start.year}/{end.year}", start_date=start, end_date=end
    )
    factories.SchoolClassFactory(school=school, academic_year=year, grade=6, letter="А")
    factories.SchoolClassFactory(school=school, academic_year=year, grade=6, letter="Б")
    admin = factories.UserFactory(last_name="Админова")
    assign_role(user=admin, role=Role.SCHOOL_ADMIN, school=school, acting_user=None)
    today = timezone.localdate()
    birth = today.replace(year=today.year - 12, day=1)

    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ru-RU")
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, admin)
    page.goto(f"{live_server.url}/administration/")
    page.get_by_test_id("admin-students").click()

    # A new student, admitted to 6 «А».
    page.get_by_test_id("student-add").click()
    page.fill("input[name=last_name]", "Кузнецов")
    page.fill("input[name=first_name]", "Артём")
    page.fill("input[name=birth_date]", birth.isoformat())
    page.select_option("select[name=gender]", "m")
    page.get_by_label("Многодетная семья").check()
    page.select_option("select[name=school_class]", label=f"6 «А» ({year.name})")
    page.fill("input[name=basis]", "Приказ № 41-у")
    assert _no_horizontal_scroll(page)
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_text("Кузнецов Артём зачислен(а) в 6 «А».").wait_for()

    # A guardian with a phone.
    page.get_by_test_id("guardian-add").click()
    page.fill("input[name=full_name]", "Кузнецова Марина Игоревна")
    page.select_option("select[name=relation]", "mother")
    page.fill("input[name=phone]", "+7 (901) 222-33-44")
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_text("Представитель Кузнецова Марина Игоревна добавлен.").wait_for()
    assert page.get_by_role("link", name="+7 (901) 222-33-44").is_visible()
    _shot(page, f"student-card-{width}")
    assert _no_horizontal_scroll(page)

    # To 6 «Б» from tomorrow, then to another school after the day after tomorrow.
    tomorrow = today + datetime.timedelta(days=1)
    page.get_by_role("link", name="Перевести в другой класс").click()
    page.select_option("select[name=to_class]", label=f"6 «Б» ({year.name})")
    page.fill("input[name=on_date]", tomorrow.isoformat())
    page.get_by_role("button", name="Перевести").click()
    page.get_by_text("Обучающийся переведён в 6 «Б»").wait_for()
    page.get_by_role("link", name="Перевести в другую школу").click()
    page.fill("input[name=last_day]", (tomorrow + datetime.timedelta(days=1)).isoformat())
    page.fill("input[name=destination]", "МАОУ «Лицей № 27»")
    page.fill("input[name=reason]", "Заявление матери")
    # Without the confirmation: nothing happens, the form says why.
    page.get_by_role("button", name="Оформить выбытие").click()
    page.get_by_text("Подтвердите выбытие.").wait_for()
    page.get_by_label("Подтверждаю выбытие").check()
    _shot(page, f"student-withdraw-{width}")
    page.get_by_role("button", name="Оформить выбытие").click()
    page.get_by_text("Выбытие оформлено").wait_for()
    page.get_by_text("МАОУ «Лицей № 27»").wait_for()
    assert _no_horizontal_scroll(page)

    # The list: searched by name.
    page.get_by_role("link", name="К списку обучающихся").click()
    page.fill("input[name=q]", "кузн")
    page.get_by_role("button", name="Найти").click()
    page.get_by_test_id("student-list").get_by_text("Кузнецов Артём").wait_for()
    _shot(page, f"students-{width}")
    assert _no_horizontal_scroll(page)
    context.close()

    first, second = Enrollment.objects.filter(student__last_name="Кузнецов").order_by("start_date")
    assert first.end_date == today
    assert (second.start_date, second.end_date) == (tomorrow, tomorrow + datetime.timedelta(1))
    assert second.leaving_category == LeavingCategory.TRANSFERRED
