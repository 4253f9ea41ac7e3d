"""The social pedagogue fills the act of a home visit on a phone and downloads its PDF
(R-C-3; issue 12's acceptance: "fills the act on a phone-sized viewport")."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.roles import Role
from alerts.models import Task
from casework.models import HomeVisit
from casework.services import open_case, plan_visit
from schools.models import Guardian
from tests import factories
from tests.browser.survey import MEASURE_JS, PHONE, TAP_TARGET_MIN, run_axe
from tests.journal.helpers import class_teacher_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def planned_visit():
    school = factories.SchoolFactory()
    school_class = factories.SchoolClassFactory(school=school, grade=7, letter="Б")
    teacher = class_teacher_for(school_class)
    pedagogue = factories.staff_user(
        Role.SOCIAL_PEDAGOGUE, school, last_name="Соцпедагогова", first_name="Анна"
    )
    student = factories.enrolled_student(
        school_class,
        last_name="Прогульщиков",
        first_name="Пётр",
        patronymic="Ильич",
        actual_address="г. Курган, ул. Ленина, д. 1, кв. 2",
    )
    factories.GuardianFactory(
        student=student,
        full_name="Прогульщикова Ольга Петровна",
        relation=Guardian.Relation.MOTHER,
        workplace="ООО «Ромашка»",
    )
    case = open_case(
        student_id=student.pk, school_id=school.pk, reason="Пропуски", responsible=[teacher.pk]
    )
    task = Task.objects.create(
        school=school,
        student=student,
        kind=Task.Kind.HOME_VISIT,
        assignee_role=Role.CLASS_TEACHER,
        assignee=teacher,
        due_date=timezone.localdate(),
    )
    visit = plan_visit(
        case=case,
        planned_for=timezone.localdate() + datetime.timedelta(days=1),
        members=[teacher, pedagogue],
        acting_user=pedagogue,
    )
    return visit, pedagogue, task


def _check_phone_page(page, name):
    """No serious axe violation, fingers fit the targets, nothing scrolls sideways."""
    violations = run_axe(page)
    assert not violations, f"{name}: {violations}"
    measured = page.evaluate(MEASURE_JS, TAP_TARGET_MIN)
    assert not measured["small"], f"{name}: {measured['small']}"
    assert measured["scrollWidth"] <= measured["clientWidth"], f"{name}: {measured['wide']}"


def test_social_pedagogue_fills_the_act_on_a_phone_and_downloads_the_pdf(
    live_server, browser, sign_in, planned_visit, tmp_path
):
    visit, pedagogue, task = planned_visit
    context = browser.new_context(
        viewport=PHONE, has_touch=True, locale="ru-RU", accept_downloads=True
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        sign_in(page, pedagogue)
        page.goto(f"{live_server.url}/casework/cases/{visit.case_id}/")
        visits = page.locator("[data-testid=case-visits]")
        directory = os.environ.get("BROWSER_SCREENSHOTS")
        if directory:
            visits.screenshot(path=os.path.join(directory, "case-visits-phone.png"))
        with page.expect_navigation():
            visits.get_by_role("link", name="Заполнить акт").tap()

        # Prefilled from the records; every section of the form is there.
        assert page.locator("#id_student_name").input_value() == "Прогульщиков Пётр Ильич"
        assert page.locator("#id_mother_name").input_value() == "Прогульщикова Ольга Петровна"
        assert page.locator("#id_class_name").input_value() == "7 «Б»"
        _check_phone_page(page, "act form")
        if directory:
            page.screenshot(path=os.path.join(directory, "visit-act-phone.png"), full_page=True)

        page.locator("#id_visited_on").fill(f"{timezone.localdate()}")
        page.locator("#id_family_income").fill("заработная плата матери, детское пособие")
        page.get_by_label("многоквартирный дом", exact=True).check()
        page.locator("#id_housing").fill("2 комнаты, 48 кв. м, благоустроенная")
        page.get_by_label("удовлетворительное", exact=True).check()
        page.get_by_label("место для сна", exact=True).check()
        page.get_by_label("место для занятий", exact=True).check()
        page.locator("#id_daily_routine").fill("Ложится после полуночи, уроки не делает.")
        page.get_by_label("посещают по вызову", exact=True).check()
        page.get_by_label("нерегулярный", exact=True).check()
        page.get_by_label("доброжелательные", exact=True).check()
        page.get_by_label("недостаточная психолого-педагогическая грамотность").check()
        page.locator("#id_responsibility_explained").check()
        page.locator("#id_measures_proposed").fill("Обеспечить ежедневное посещение школы.")
        page.locator("#id_parents_present").fill("Прогульщикова Ольга Петровна")
        with page.expect_navigation():
            page.locator("[data-testid=act-save]").tap()

        assert page.locator("[data-testid=visit-status]").inner_text() == "проведено"
        _check_phone_page(page, "visit page")
        if directory:
            page.screenshot(path=os.path.join(directory, "visit-phone.png"), full_page=True)

        with page.expect_download() as download_info:
            page.locator("[data-testid=visit-act-pdf]").tap()
        download = download_info.value
        target = tmp_path / "act.pdf"
        download.save_as(target)
        content = Path(target).read_bytes()
        assert content.startswith(b"%PDF")
        assert download.suggested_filename.endswith(".pdf")
    finally:
        context.close()

    visit.refresh_from_db()
    task.refresh_from_db()
    assert (visit.status, visit.sanitary_state, visit.act_by) == (
        HomeVisit.Status.DONE,
        "satisfactory",
        pedagogue,
    )
    assert visit.child_conditions == ["sleeping_place", "study_place"]
    assert (task.status, task.result) == (Task.Status.DONE, visit)
