"""Objects of the parent messages in the shared world (tests/accounts/world.py): a guardian
of the side's student with both contacts, their pending note about today, and today's
notice with a failed SMS (what the log's retry button sends again)."""

from django.utils import timezone

from journal.models import GuardianNote
from notify.models import AbsenceNotice, Delivery
from tests import factories


def build_notify(world, side) -> dict:
    today = timezone.localdate()
    guardian = factories.GuardianFactory(
        student=side.student, phone="+7 900 123-45-67", email="parent@example.com"
    )
    note = GuardianNote.objects.create(
        school=side.school,
        student=side.student,
        guardian=guardian,
        kind=GuardianNote.Kind.EXPLANATION,
        reason=GuardianNote.Reason.ILLNESS,
        start_date=today,
        end_date=today,
        comment="Температура",
    )
    notice = AbsenceNotice.objects.create(
        school=side.school, student=side.student, date=today, absences=1
    )
    delivery = Delivery.objects.create(
        notice=notice,
        guardian=guardian,
        channel=Delivery.Channel.SMS,
        recipient=guardian.phone,
        status=Delivery.Status.FAILED,
        error="gateway timeout",
    )
    return {"guardian": guardian, "note": note, "notice": notice, "delivery": delivery}
