"""The demo's messages to parents (notify/): the last school day's evening messages in the
log, a refusal, and parents' notes waiting on the class day of classteacher1.

Rows are written directly, as a past evening left them: seeding sends nothing (the console
SMS gateway would print hundreds of messages into the demo's start-up)."""

import datetime
import random
from collections import Counter

from django.utils import timezone

from journal.models import GuardianNote, Mark, ReasonStatus
from notify.models import AbsenceNotice, Delivery, GuardianPreference
from schools.models import Enrollment, Guardian

NOTE_COMMENTS = (
    "Температура с утра, вызвали врача.",
    "Были на приёме у стоматолога, справку принесём.",
    "Семейные обстоятельства, подробнее расскажу по телефону.",
)


def _unknown(school, day: datetime.date):
    return Mark.objects.filter(
        school=school, date=day, kind=Mark.Kind.ABSENT, reason_status=ReasonStatus.UNKNOWN
    )


def seed_parent_messages(*, school, today: datetime.date, rng: random.Random) -> dict[str, int]:
    summary: Counter = Counter()
    last_day = (
        Mark.objects.filter(school=school, date__lt=today, kind=Mark.Kind.ABSENT)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    if last_day is not None:
        counts = Counter(_unknown(school, last_day).values_list("student_id", flat=True))
        evening = timezone.make_aware(datetime.datetime.combine(last_day, datetime.time(16, 0)))
        notices = AbsenceNotice.objects.bulk_create(
            AbsenceNotice(school=school, student_id=student_id, date=last_day, absences=n)
            for student_id, n in sorted(counts.items())
        )
        AbsenceNotice.objects.filter(pk__in=[n.pk for n in notices]).update(created_at=evening)
        guardians: dict[int, list[Guardian]] = {}
        for guardian in Guardian.objects.filter(student_id__in=counts).order_by("pk"):
            guardians.setdefault(guardian.student_id, []).append(guardian)
        deliveries = []
        for notice in notices:
            for guardian in guardians.get(notice.student_id, []):
                for channel, recipient in (
                    (Delivery.Channel.EMAIL, guardian.email),
                    (Delivery.Channel.SMS, guardian.phone),
                ):
                    if not recipient:
                        continue
                    failed = rng.random() < 0.05
                    deliveries.append(
                        Delivery(
                            notice=notice,
                            guardian=guardian,
                            channel=channel,
                            recipient=recipient,
                            status=Delivery.Status.FAILED if failed else Delivery.Status.SENT,
                            error="Абонент недоступен (ответ шлюза)" if failed else "",
                            sent_at=None if failed else evening,
                        )
                    )
        Delivery.objects.bulk_create(deliveries)
        summary["сообщений родителям"] += len(deliveries)
        # One family told the school they want no messages.
        refusing = next(iter(guardians.values()), [])
        if refusing:
            GuardianPreference.objects.create(guardian=refusing[0], opted_out=True)
    # Parents' notes waiting for the class teacher: about the week's absences still without
    # a reason (classteacher1's class first, so the demo's class teacher finds them), and
    # one absence announced for tomorrow.
    recent = Mark.objects.filter(
        school=school,
        date__gte=today - datetime.timedelta(days=7),
        date__lte=today,
        kind=Mark.Kind.ABSENT,
        reason_status=ReasonStatus.UNKNOWN,
    ).order_by("-date", "student_id")
    own = recent.filter(lesson__school_class__class_teacher__username="classteacher1")
    chosen: dict[int, datetime.date] = {}
    for student_id, day in [
        *own.values_list("student_id", "date"),
        *recent.values_list("student_id", "date")[:50],
    ]:
        chosen.setdefault(student_id, day)
        if len(chosen) == 2:
            break
    for student_id, day in chosen.items():
        if _note(school, student_id, day, GuardianNote.Kind.EXPLANATION, rng):
            summary["сообщений от родителей"] += 1
    led = Enrollment.objects.filter(
        school=school,
        school_class__class_teacher__username="classteacher1",
        school_class__academic_year__start_date__lte=today,
        school_class__academic_year__end_date__gte=today,
    ).exclude(student_id__in=chosen)
    announcing = led.order_by("student_id").values_list("student_id", flat=True).first()
    tomorrow = today + datetime.timedelta(days=1)
    if announcing is not None and _note(
        school, announcing, tomorrow, GuardianNote.Kind.ADVANCE, rng
    ):
        summary["сообщений от родителей"] += 1
    return dict(summary)


def _note(school, student_id: int, day: datetime.date, kind: str, rng) -> bool:
    guardian = Guardian.objects.filter(student_id=student_id).order_by("pk").first()
    if guardian is None:
        return False
    GuardianNote.objects.create(
        school=school,
        student_id=student_id,
        guardian=guardian,
        kind=kind,
        reason=(
            GuardianNote.Reason.APPOINTMENT
            if kind == GuardianNote.Kind.ADVANCE
            else rng.choice([GuardianNote.Reason.ILLNESS, GuardianNote.Reason.FAMILY])
        ),
        start_date=day,
        end_date=day,
        comment=rng.choice(NOTE_COMMENTS),
    )
    return True
