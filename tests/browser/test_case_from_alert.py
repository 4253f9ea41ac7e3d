"""The class teacher's way through a case (issue #12): the dashboard shows the alert, the
alert leads to the child's case (opened there), a phone call logged on the case page
completes the call task."""

import pytest
from django.utils import timezone

from accounts.roles import Role
from alerts.models import Alert, Rule, Task
from casework.models import Case, ParentContact
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def class_with_alert():
    school = factories.SchoolFactory()
    today = timezone.localdate()
    year = factories.AcademicYearFactory(
        school=school,
        start_date=today.replace(month=1, day=1),
        end_date=today.replace(month=12, day=31),
    )
    teacher = factories.staff_user(Role.CLASS_TEACHER, school)
    school_class = factories.SchoolClassFactory(
        school=school, academic_year=year, class_teacher=teacher
    )
    student = factories.enrolled_student(school_class)
    mother = factories.GuardianFactory(student=student, full_name="Сидорова Ольга Петровна")
    alert = Alert.objects.create(
        school=school,
        student=student,
        rule=Rule.UNKNOWN_REASON,
        episode=f"{today}",
        period_start=today,
        period_end=today,
    )
    task = Task.objects.create(
        school=school,
        student=student,
        alert=alert,
        kind=Task.Kind.PHONE_PARENTS,
        assignee_role=Role.CLASS_TEACHER,
        assignee=teacher,
        due_date=today,
    )
    return teacher, student, mother, alert, task


def test_class_teacher_opens_a_case_from_an_alert_and_a_call_completes_the_task(
    live_server, browser, sign_in, class_with_alert
):
    teacher, student, mother, alert, task = class_with_alert
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, teacher)
    assert "/start/class_teacher/" in page.url

    page.click(f"main a[href$='/alerts/{alert.pk}/']")
    page.click("[data-testid=alert-case]")
    page.fill("input[name=reason]", "Пропуски без уважительной причины, родители не отвечают")
    page.click("main form button[type=submit]")
    case = Case.objects.get(student=student)
    assert page.url.endswith(f"/casework/cases/{case.pk}/")
    assert page.locator(f"[data-testid=case-tasks] [data-task='{task.pk}']").count() == 1

    form = page.locator("[data-testid=case-contact-form]")
    form.locator("select[name=guardian]").select_option(str(mother.pk))
    form.locator("select[name=result]").select_option("reached")
    form.locator("input[name=stated_reason]").fill("болел, справка будет завтра")
    form.locator("button[type=submit]").click()

    assert "Выполнено: Позвонить родителям" in page.locator("main").inner_text()
    assert page.locator(f"[data-testid=case-tasks] [data-task='{task.pk}']").count() == 0
    task.refresh_from_db()
    contact = ParentContact.objects.get(student=student)
    assert task.status == Task.Status.DONE and task.result == contact
    assert "болел, справка будет завтра" in page.locator("[data-testid=timeline]").inner_text()
    context.close()
