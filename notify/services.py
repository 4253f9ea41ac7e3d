"""The evening message to parents (issue #15 point 7, seed 002 §3.4, §4.1).

At the school's time (``notify.parent_message_time``) every child whose absence of the day
still has no reason gets one :class:`AbsenceNotice`; each guardian with a contact who has
not refused gets a letter and an SMS carrying their own signed link. A reason settled
before that time (by the class teacher, an excuse document, a confirmed parent's note)
means no message. The unique notice per child and day is what keeps it to one message
when the task runs again, or twice at once.
"""

import datetime
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from audit.services import log_action
from journal.models import Mark, ReasonStatus
from policy.services import get_setting
from schools.models import Guardian, School, Student

from . import sms, texts
from .links import guardian_url
from .models import AbsenceNotice, Delivery, GuardianPreference, MessageTemplate

logger = logging.getLogger(__name__)

ENABLED_SETTING = "notify.parent_messages"
TIME_SETTING = "notify.parent_message_time"
# Nobody gets a message about school late in the evening: the task keeps trying until then.
QUIET_FROM = datetime.time(21, 0)
# A delivery still queued this long after its notice was made lost its sender (a worker
# that died between the commit and the send): the next run sends it.
STALE_QUEUED = datetime.timedelta(minutes=15)
MIN_PHONE_DIGITS = 10

ACTION_SENT = "notify.parents_messaged"
ACTION_TEMPLATE = "notify.template.changed"
ACTION_OPT_OUT = "notify.guardian.opt_out"


@dataclass
class RunResult:
    schools: int = 0
    notices: int = 0
    sent: int = 0
    failed: int = 0

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def _unknown_absences(day: datetime.date):
    return Mark.objects.filter(date=day, kind=Mark.Kind.ABSENT, reason_status=ReasonStatus.UNKNOWN)


def is_due(school, now: datetime.datetime) -> bool:
    """The school's time has come today and it is not yet too late to write."""
    if not get_setting(ENABLED_SETTING, school=school):
        return False
    local = timezone.localtime(now).time()
    return get_setting(TIME_SETTING, school=school) <= local < QUIET_FROM


def run_due(now: datetime.datetime | None = None) -> RunResult:
    """Message the families of every school whose time has come (the beat task)."""
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    result = RunResult()
    waiting = (
        _unknown_absences(day)
        .exclude(student__absence_notices__date=day)
        .values_list("school_id", flat=True)
        .distinct()
    )
    for school in School.objects.filter(pk__in=list(waiting)).select_related("municipality"):
        if not is_due(school, now):
            continue
        result.schools += 1
        partial = send_for_school(school, day)
        result.notices += partial.notices
        result.sent += partial.sent
        result.failed += partial.failed
    if timezone.localtime(now).time() < QUIET_FROM:
        partial = send_stale_queued(day, now)
        result.sent += partial.sent
        result.failed += partial.failed
    return result


def send_stale_queued(day: datetime.date, now: datetime.datetime) -> RunResult:
    """Send the day's deliveries left queued by a sender that died before sending."""
    result = RunResult()
    stale = Delivery.objects.filter(
        status=Delivery.Status.QUEUED,
        notice__date=day,
        created_at__lt=now - STALE_QUEUED,
    ).select_related("notice")
    for delivery in stale.order_by("pk"):
        # Claimed by one run only: the row is skipped by a run that finds it locked.
        with transaction.atomic():
            claimed = (
                Delivery.objects.select_for_update(skip_locked=True)
                .filter(pk=delivery.pk, status=Delivery.Status.QUEUED)
                .first()
            )
            if claimed is None:
                continue
            school = School.objects.select_related("message_template").get(
                pk=delivery.notice.school_id
            )
            _deliver(claimed, delivery.notice, texts.wording_for(school), school)
        if claimed.status == Delivery.Status.SENT:
            result.sent += 1
        else:
            result.failed += 1
    return result


def send_for_school(school: School, day: datetime.date) -> RunResult:
    """One notice per child of ``school`` whose absences of ``day`` have no reason now."""
    result = RunResult(schools=1)
    counts = dict(
        _unknown_absences(day)
        .filter(school=school)
        .values_list("student_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    already = set(
        AbsenceNotice.objects.filter(student_id__in=counts, date=day).values_list(
            "student_id", flat=True
        )
    )
    wording = texts.wording_for(School.objects.select_related("message_template").get(pk=school.pk))
    for student_id, absences in sorted(counts.items()):
        if student_id in already:
            continue
        notice = _create_notice(school, student_id, day, absences)
        if notice is None:
            continue  # another run made it a moment ago
        result.notices += 1
        for delivery in notice.deliveries.select_related("guardian").order_by("pk"):
            _deliver(delivery, notice, wording, school)
            if delivery.status == Delivery.Status.SENT:
                result.sent += 1
            else:
                result.failed += 1
    return result


def _create_notice(school, student_id: int, day, absences: int) -> AbsenceNotice | None:
    """The notice and its queued deliveries, in one transaction; None if it exists."""
    try:
        with transaction.atomic():
            notice = AbsenceNotice.objects.create(
                school=school, student_id=student_id, date=day, absences=absences
            )
            deliveries = []
            for guardian in recipients_of(student_id):
                if guardian.email:
                    deliveries.append(
                        Delivery(
                            notice=notice,
                            guardian=guardian,
                            channel=Delivery.Channel.EMAIL,
                            recipient=guardian.email,
                        )
                    )
                if guardian.phone:
                    deliveries.append(
                        Delivery(
                            notice=notice,
                            guardian=guardian,
                            channel=Delivery.Channel.SMS,
                            recipient=guardian.phone,
                        )
                    )
            Delivery.objects.bulk_create(deliveries)
            log_action(
                actor=None,
                action=ACTION_SENT,
                obj=notice,
                school=school,
                student_id=student_id,
                data={
                    "date": day,
                    "absences": absences,
                    "deliveries": [[d.channel, d.guardian_id] for d in deliveries],
                },
            )
    except IntegrityError:
        return None
    return notice


def recipients_of(student_id: int) -> list[Guardian]:
    """The child's guardians with a contact who have not refused the messages."""
    return [
        guardian
        for guardian in Guardian.objects.filter(student_id=student_id)
        .select_related("message_preference")
        .order_by("pk")
        if (guardian.email or guardian.phone) and not is_opted_out(guardian)
    ]


def is_opted_out(guardian: Guardian) -> bool:
    try:
        return guardian.message_preference.opted_out
    except GuardianPreference.DoesNotExist:
        return False


def message_values(notice: AbsenceNotice, guardian_id: int, school) -> dict[str, str]:
    student = Student.objects.only("first_name").get(pk=notice.student_id)
    return {
        "ученик": student.first_name,
        "дата": f"{notice.date:%d.%m.%Y}",
        "уроков": str(notice.absences),
        "школа": school.short_name,
        "ссылка": guardian_url(guardian_id, notice.date),
    }


def _deliver(delivery: Delivery, notice, wording: texts.Wording, school) -> None:
    values = message_values(notice, delivery.guardian_id, school)
    try:
        if delivery.channel == Delivery.Channel.EMAIL:
            EmailMessage(
                subject=texts.render(wording.email_subject, values).replace("\n", " "),
                body=texts.render(wording.email_body, values),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[delivery.recipient],
            ).send()
        else:
            phone = delivery.recipient
            if len(re.sub(r"\D", "", phone)) < MIN_PHONE_DIGITS:
                raise sms.SmsError(f"номер телефона «{phone}» неполный")
            sms.get_backend().send(phone, texts.render(wording.sms_body, values))
    except Exception as error:  # noqa: BLE001 — any refusal is recorded, the rest go on
        logger.warning("parent message %s failed: %s", delivery.pk, error)
        delivery.status, delivery.error = Delivery.Status.FAILED, str(error)[:2000]
    else:
        delivery.status, delivery.sent_at = Delivery.Status.SENT, timezone.now()
    delivery.save(update_fields=["status", "error", "sent_at"])


def retry_failed(delivery: Delivery) -> Delivery:
    """Send a failed delivery again (the log page's button)."""
    if delivery.status != Delivery.Status.FAILED or delivery.guardian_id is None:
        return delivery
    notice = delivery.notice
    school = School.objects.select_related("message_template").get(pk=notice.school_id)
    delivery.error = ""
    _deliver(delivery, notice, texts.wording_for(school), school)
    return delivery


def save_template(*, school, acting_user, email_subject, email_body, sms_body) -> MessageTemplate:
    with transaction.atomic():
        template = MessageTemplate.objects.select_for_update().filter(school=school).first()
        old = (
            texts.wording_for(school)
            if template is None
            else texts.Wording(template.email_subject, template.email_body, template.sms_body)
        )
        template = template or MessageTemplate(school=school)
        template.email_subject, template.email_body, template.sms_body = (
            email_subject,
            email_body,
            sms_body,
        )
        template.updated_by = acting_user
        template.save()
        log_action(
            actor=acting_user,
            action=ACTION_TEMPLATE,
            obj=template,
            school=school,
            data={
                "old": old.__dict__,
                "new": texts.Wording(email_subject, email_body, sms_body).__dict__,
            },
        )
    return template


def reset_template(*, school, acting_user) -> None:
    with transaction.atomic():
        template = MessageTemplate.objects.select_for_update().filter(school=school).first()
        if template is None:
            return
        log_action(
            actor=acting_user,
            action=ACTION_TEMPLATE,
            obj=template,
            school=school,
            data={
                "old": texts.Wording(
                    template.email_subject, template.email_body, template.sms_body
                ).__dict__,
                "new": "default",
            },
        )
        template.delete()


def set_opt_out(*, guardian: Guardian, opted_out: bool, acting_user=None, school=None) -> bool:
    """Refuse or accept the messages; ``acting_user`` None: the guardian through the link.
    Returns whether anything changed."""
    actor = acting_user if getattr(acting_user, "is_authenticated", False) else None
    with transaction.atomic():
        preference, _created = GuardianPreference.objects.select_for_update().get_or_create(
            guardian=guardian
        )
        if preference.opted_out == opted_out:
            return False
        was = preference.opted_out
        preference.opted_out, preference.changed_by = opted_out, actor
        preference.save()
        log_action(
            actor=actor,
            action=ACTION_OPT_OUT,
            obj=preference,
            school=school,
            student_id=guardian.student_id,
            data={
                "guardian_id": guardian.pk,
                "old": {"opted_out": was},
                "new": {"opted_out": opted_out},
            },
        )
    return was != opted_out
