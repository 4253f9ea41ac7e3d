"""The school's pages of the parent messages: the template, the log, a refusal told to the
school, a retry."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from audit.models import AuditEntry
from notify import services, sms
from notify.models import Delivery, GuardianPreference, MessageTemplate
from tests import factories
from tests.notify.conftest import evening, mark_absent

pytestmark = pytest.mark.django_db

TEMPLATE = {
    "email_subject": "Пропуск: {ученик}",
    "email_body": "{ученик} не был(а) в школе {дата}. Ответьте: {ссылка}",
    "sms_body": "{ученик} {дата}: {ссылка}",
}


@pytest.fixture
def deputy(school):
    return factories.staff_user(Role.DEPUTY, school)


def test_the_deputy_edits_the_template_and_it_is_audited(client, deputy, school):
    client.force_login(deputy)
    page = client.get(reverse("notify:template", args=[school.pk])).content.decode()
    assert "{ссылка}" in page and "Так увидит родитель" in page
    response = client.post(reverse("notify:template", args=[school.pk]), TEMPLATE)
    assert response.status_code == 302
    template = MessageTemplate.objects.get(school=school)
    assert template.sms_body == TEMPLATE["sms_body"] and template.updated_by == deputy
    entry = AuditEntry.objects.get(action=services.ACTION_TEMPLATE)
    assert entry.actor == deputy and entry.data["new"]["sms_body"] == TEMPLATE["sms_body"]
    client.post(reverse("notify:template_reset", args=[school.pk]))
    assert not MessageTemplate.objects.exists()


@pytest.mark.parametrize(
    "field,value,error",
    [
        ("sms_body", "{ученик} пропустил(а) уроки", "{ссылка}"),
        ("email_body", "{фамилия}: {ссылка}", "Неизвестная подстановка: {фамилия}"),
    ],
)
def test_a_template_without_the_link_or_with_an_unknown_placeholder_is_refused(
    client, deputy, school, field, value, error
):
    client.force_login(deputy)
    response = client.post(reverse("notify:template", args=[school.pk]), {**TEMPLATE, field: value})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not MessageTemplate.objects.exists()


def test_a_class_teacher_may_not_edit_the_template(client, school, class_teacher):
    client.force_login(class_teacher)
    assert client.post(reverse("notify:template", args=[school.pk]), TEMPLATE).status_code == 403
    assert not MessageTemplate.objects.exists()


def _absences(school_class, school, today, count, period=1):
    from tests.journal.helpers import make_lesson

    lesson = make_lesson(school_class, today, period)
    for n in range(count):
        student = factories.enrolled_student(school_class, last_name=f"Ученик{n}")
        factories.GuardianFactory(student=student, email=f"p{n}@example.com")
        mark_absent(lesson, student)


def test_the_log_shows_each_delivery_in_a_fixed_number_of_queries(
    client, deputy, school, school_class, today
):
    _absences(school_class, school, today, 3)
    services.run_due(now=evening(today))
    client.force_login(deputy)
    url = reverse("notify:log", args=[school.pk])
    client.get(url)  # the session's first request
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert page.count('data-testid="delivery"') == 6  # a letter and an SMS each
    assert "отправлено: 6" in page
    _absences(school_class, school, today, 6, period=2)
    services.send_for_school(school, today)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert page.count('data-testid="delivery"') == 18
    assert len(many) == len(few)


def test_the_school_records_a_refusal_and_lifts_it(
    client, deputy, school, mother, lessons, student, today
):
    mark_absent(lessons[0], student)
    services.run_due(now=evening(today))
    client.force_login(deputy)
    opt_out = reverse("notify:guardian_opt_out", args=[school.pk, mother.pk])
    assert client.post(opt_out, {"opted_out": "1"}).status_code == 302
    preference = GuardianPreference.objects.get(guardian=mother)
    assert preference.opted_out and preference.changed_by == deputy
    page = client.get(reverse("notify:log", args=[school.pk])).content.decode()
    assert mother.full_name in page.split("Отказались от сообщений")[1]
    client.post(opt_out, {"opted_out": "0"})
    preference.refresh_from_db()
    assert not preference.opted_out


def test_a_guardian_of_another_school_is_not_found(client, deputy, school, other_school):
    stranger = factories.GuardianFactory(
        student=factories.enrolled_student(factories.SchoolClassFactory(school=other_school))
    )
    client.force_login(deputy)
    response = client.post(
        reverse("notify:guardian_opt_out", args=[school.pk, stranger.pk]), {"opted_out": "1"}
    )
    assert response.status_code == 404
    assert not GuardianPreference.objects.exists()


def test_a_failed_delivery_is_sent_again_from_the_log(
    client, deputy, school, mother, lessons, student, today, settings
):
    settings.NOTIFY_SMS_LOCMEM_REFUSE = [mother.phone]
    mark_absent(lessons[0], student)
    services.run_due(now=evening(today))
    failed = Delivery.objects.get(status=Delivery.Status.FAILED)
    settings.NOTIFY_SMS_LOCMEM_REFUSE = []
    client.force_login(deputy)
    client.post(reverse("notify:delivery_retry", args=[school.pk, failed.pk]))
    failed.refresh_from_db()
    assert failed.status == Delivery.Status.SENT
    assert len(sms.outbox) == 1
