"""The evening message to parents (issue #15 point 7, seed 002 §3.4, §4.1)."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from audit.models import AuditEntry
from journal.models import ReasonStatus, ValidReason
from journal.services import register_excuse, set_reasons
from notify import services, sms
from notify.links import read_token
from notify.models import AbsenceNotice, Delivery, GuardianPreference, MessageTemplate
from notify.tasks import message_parents_due
from policy.models import PolicyValue
from tests import factories
from tests.notify.conftest import evening, mark_absent

pytestmark = pytest.mark.django_db


@pytest.fixture
def absent_today(lessons, student, mother):
    return [mark_absent(lesson, student) for lesson in lessons[:2]]


def test_one_message_per_child_per_day_however_often_the_task_runs(
    absent_today, student, mother, today
):
    first = services.run_due(now=evening(today))
    second = services.run_due(now=evening(today, 18))
    message_parents_due.apply()

    assert first.notices == 1 and second.notices == 0
    assert AbsenceNotice.objects.filter(student=student, date=today).count() == 1
    # One letter and one SMS to the mother, and nothing more after the second and third runs.
    assert len(mail.outbox) == 1
    assert len(sms.outbox) == 1
    letter = mail.outbox[0]
    assert letter.to == ["mother@example.com"]
    assert "Маша" in letter.subject and f"{today:%d.%m.%Y}" in letter.subject
    assert "https://school.example/messages/p/" in letter.body
    phone, text = sms.outbox[0]
    assert phone == "+7 900 111-22-33" and "Маша" in text and "https://school.example" in text
    # The surname never goes out.
    assert "Иванова" not in letter.body + letter.subject + text


def test_the_unique_constraint_refuses_a_second_notice(absent_today, student, school, today):
    services.send_for_school(school, today)
    with pytest.raises(IntegrityError), transaction.atomic():
        AbsenceNotice.objects.create(school=school, student=student, date=today, absences=1)


def test_before_the_schools_time_nothing_is_sent(absent_today, school, today):
    PolicyValue.objects.create(key="notify.parent_message_time", school=school, value="17:30")
    assert services.run_due(now=evening(today, 17, 0)).notices == 0
    assert services.run_due(now=evening(today, 21, 30)).notices == 0  # too late to write
    assert not mail.outbox and not sms.outbox
    assert services.run_due(now=evening(today, 17, 40)).notices == 1


def test_a_school_that_switched_the_messages_off_sends_none(absent_today, school, today):
    PolicyValue.objects.create(key="notify.parent_messages", school=school, value=False)
    assert services.run_due(now=evening(today)).notices == 0
    assert not AbsenceNotice.objects.exists()


def test_no_message_when_the_reason_was_settled_before_the_evening(
    absent_today, class_teacher, today
):
    set_reasons(
        marks=absent_today,
        status=ReasonStatus.VALID,
        valid_reason=ValidReason.ILLNESS,
        acting_user=class_teacher,
    )
    assert services.run_due(now=evening(today)).notices == 0
    assert not mail.outbox and not sms.outbox and not AbsenceNotice.objects.exists()


def test_no_message_when_an_excuse_document_covers_the_day(
    absent_today, student, school, class_teacher, today
):
    register_excuse(
        student=student,
        school=school,
        kind="medical_certificate",
        start_date=today,
        end_date=today,
        acting_user=class_teacher,
    )
    assert services.run_due(now=evening(today)).notices == 0
    assert not mail.outbox


def test_one_absence_still_unknown_is_enough(absent_today, class_teacher, today):
    set_reasons(
        marks=absent_today[:1],
        status=ReasonStatus.VALID,
        valid_reason=ValidReason.ILLNESS,
        acting_user=class_teacher,
    )
    services.run_due(now=evening(today))
    assert AbsenceNotice.objects.get().absences == 1


def test_a_guardian_who_refused_gets_nothing_the_other_does(absent_today, student, mother, today):
    father = factories.GuardianFactory(
        student=student, relation="father", phone="+7 900 444-55-66", email=""
    )
    services.set_opt_out(guardian=mother, opted_out=True)
    services.run_due(now=evening(today))

    assert not mail.outbox
    assert sms.outbox == [(father.phone, sms.outbox[0][1])]
    deliveries = Delivery.objects.all()
    assert [(d.guardian_id, d.channel) for d in deliveries] == [(father.pk, "sms")]
    # The refusal is audited: the guardian themselves, through the link (no user).
    entry = AuditEntry.objects.get(action=services.ACTION_OPT_OUT)
    assert entry.actor is None and entry.data["new"] == {"opted_out": True}
    assert GuardianPreference.objects.get(guardian=mother).opted_out


def test_guardians_without_contacts_get_nothing_but_the_day_is_logged(lessons, student, today):
    factories.GuardianFactory(student=student, phone="", email="")
    mark_absent(lessons[0], student)
    services.run_due(now=evening(today))
    notice = AbsenceNotice.objects.get()
    assert notice.deliveries.count() == 0
    assert not mail.outbox and not sms.outbox


def test_every_delivery_is_logged_with_its_status_and_error(
    absent_today, student, mother, today, settings
):
    settings.NOTIFY_SMS_LOCMEM_REFUSE = [mother.phone]
    short = factories.GuardianFactory(student=student, relation="father", phone="12-34", email="")
    services.run_due(now=evening(today))

    rows = {(d.guardian_id, d.channel): d for d in Delivery.objects.all()}
    assert rows[(mother.pk, "email")].status == Delivery.Status.SENT
    assert rows[(mother.pk, "email")].sent_at is not None
    refused = rows[(mother.pk, "sms")]
    assert refused.status == Delivery.Status.FAILED and "refused" in refused.error
    assert refused.sent_at is None
    bad = rows[(short.pk, "sms")]
    assert bad.status == Delivery.Status.FAILED and "неполный" in bad.error
    # Retried once the gateway takes the number: sent, the error cleared.
    settings.NOTIFY_SMS_LOCMEM_REFUSE = []
    services.retry_failed(refused)
    refused.refresh_from_db()
    assert refused.status == Delivery.Status.SENT and refused.error == ""
    entry = AuditEntry.objects.get(action=services.ACTION_SENT)
    assert entry.student_id == student.pk


def test_the_schools_own_template_is_used(absent_today, school, today):
    MessageTemplate.objects.create(
        school=school,
        email_subject="Школа {школа}: {ученик}",
        email_body="{ученик} пропустил(а) {уроков} ур. {дата}. Ответьте: {ссылка}",
        sms_body="{ученик}, {дата}: {ссылка}",
    )
    services.run_due(now=evening(today))
    body = mail.outbox[0].body
    assert body.startswith(f"Маша пропустил(а) 2 ур. {today:%d.%m.%Y}. Ответьте: https://")
    assert mail.outbox[0].subject == f"Школа {school.short_name}: Маша"
    assert sms.outbox[0][1].startswith(f"Маша, {today:%d.%m.%Y}: https://school.example/")


def test_each_guardian_gets_their_own_link(absent_today, student, mother, today):
    father = factories.GuardianFactory(student=student, relation="father", email="f@example.com")
    services.run_due(now=evening(today))
    links = {
        letter.to[0]: letter.body.split("https://school.example/messages/p/")[1].split("/")[0]
        for letter in mail.outbox
    }
    assert read_token(links["mother@example.com"]).guardian_id == mother.pk
    assert read_token(links["f@example.com"]).guardian_id == father.pk
    assert read_token(links["f@example.com"]).day == today


def test_yesterdays_absences_are_not_messaged_today(lessons, student, mother, today):
    from tests.journal.helpers import make_lesson

    yesterday = today - datetime.timedelta(days=1)
    mark_absent(make_lesson(lessons[0].school_class, yesterday, 1), student)
    assert services.run_due(now=evening(today)).notices == 0


def test_the_command_messages_every_school_now_and_nothing_twice(absent_today, today):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("message_parents", "--now", stdout=out)
    assert "детей: 1, отправлено: 2" in out.getvalue()
    out = StringIO()
    call_command("message_parents", "--now", stdout=out)
    assert "детей: 0, отправлено: 0" in out.getvalue()
    assert len(mail.outbox) == 1 and len(sms.outbox) == 1


def test_a_delivery_left_queued_by_a_dead_sender_goes_out_on_a_later_run(
    absent_today, student, mother, school, today
):
    notice = AbsenceNotice.objects.create(school=school, student=student, date=today, absences=2)
    delivery = Delivery.objects.create(
        notice=notice, guardian=mother, channel=Delivery.Channel.SMS, recipient=mother.phone
    )
    Delivery.objects.filter(pk=delivery.pk).update(created_at=evening(today, 19, 30))
    # Not yet stale ten minutes later.
    assert services.run_due(now=evening(today, 19, 40)).sent == 0
    result = services.run_due(now=evening(today, 20, 0))
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and result.sent == 1
    assert len(sms.outbox) == 1 and result.notices == 0
