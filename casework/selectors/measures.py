"""The measures taken for students, as reports list them (seed 002 App. 1 «Принятые меры»,
seed 003 App. 2 «Принятые меры … с указанием даты и результатов»).

One query per kind of record, whatever the number of students: contacts with the parents,
home visits, hearings at the prevention council, the registry, referrals and letters to
outside bodies, measures of the prevention plan done. Each line says what, when, and the
result where one is recorded.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    CouncilHearing,
    HomeVisit,
    ParentContact,
    PlanMeasure,
    Referral,
    RegistryPlacement,
)


@dataclass(frozen=True, order=True)
class Measure:
    date: datetime.date
    text: str

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} — {self.text}"


def measures_by_student(
    *, school_id: int, student_ids, since: datetime.date, until: datetime.date
) -> dict[int, list[Measure]]:
    """Every measure taken at ``school_id`` for each student of ``student_ids`` between
    ``since`` and ``until`` (inclusive), in date order."""
    ids = list(student_ids)
    found: dict[int, list[Measure]] = {pk: [] for pk in ids}
    if not ids:
        return found
    for student_id, measure in (
        *_contacts(school_id, ids, since, until),
        *_visits(school_id, ids, since, until),
        *_hearings(school_id, ids, since, until),
        *_placements(school_id, ids, since, until),
        *_referrals(school_id, ids, since, until),
        *_plan_measures(school_id, ids, since, until),
    ):
        found[student_id].append(measure)
    for measures in found.values():
        measures.sort()
    return found


def as_text(measures: list[Measure]) -> str:
    """The measures as one column's text: «12.11.2026 — …; 14.11.2026 — …»."""
    return "; ".join(str(measure) for measure in measures)


def _bounds(since: datetime.date, until: datetime.date):
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(since, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        until + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return start, end


def _contacts(school_id, ids, since, until):
    start, end = _bounds(since, until)
    contacts = ParentContact.objects.filter(
        school_id=school_id, student_id__in=ids, contacted_at__gte=start, contacted_at__lt=end
    ).only("student_id", "contacted_at", "contact_type", "result", "stated_reason")
    for contact in contacts:
        text = _("%(kind)s с родителями: %(result)s") % {
            "kind": contact.get_contact_type_display(),
            "result": contact.get_result_display(),
        }
        if contact.stated_reason:
            text += _(" («%(reason)s»)") % {"reason": contact.stated_reason}
        yield contact.student_id, Measure(timezone.localtime(contact.contacted_at).date(), text)


def _visits(school_id, ids, since, until):
    visits = HomeVisit.objects.filter(
        school_id=school_id,
        student_id__in=ids,
        status=HomeVisit.Status.DONE,
        visited_on__range=(since, until),
    ).only("student_id", "visited_on")
    for visit in visits:
        text = _("посещение семьи на дому, акт обследования жилищно-бытовых условий")
        yield visit.student_id, Measure(visit.visited_on, text)


def _hearings(school_id, ids, since, until):
    hearings = CouncilHearing.objects.filter(
        school_id=school_id,
        case__student_id__in=ids,
        held=True,
        session__date__range=(since, until),
    ).select_related("session", "case")
    for hearing in hearings:
        text = _("рассмотрение на Совете профилактики")
        if hearing.in_absentia:
            text += _(" (родители не явились)")
        if hearing.decision:
            text += f": {hearing.get_decision_display()}"
        yield hearing.case.student_id, Measure(hearing.session.date, text)


def _placements(school_id, ids, since, until):
    placements = RegistryPlacement.objects.filter(
        school_id=school_id, student_id__in=ids, placed_on__range=(since, until)
    ).only("student_id", "placed_on")
    for placement in placements:
        text = _("поставлен на внутришкольный учёт")
        yield placement.student_id, Measure(placement.placed_on, text)


def _referrals(school_id, ids, since, until):
    referrals = Referral.objects.filter(
        school_id=school_id,
        case__student_id__in=ids,
        sent_on__range=(since, until),
    ).select_related("case")
    for referral in referrals:
        text = _("направлена информация: %(body)s") % {"body": referral.get_body_display()}
        if referral.answer:
            text += _("; ответ: %(answer)s") % {"answer": referral.answer[:200]}
        yield referral.case.student_id, Measure(referral.sent_on, text)


def _plan_measures(school_id, ids, since, until):
    measures = PlanMeasure.objects.filter(
        plan__case__school_id=school_id,
        plan__case__student_id__in=ids,
        status=PlanMeasure.Status.DONE,
        done_on__range=(since, until),
    ).select_related("plan__case")
    for measure in measures:
        text = _("план ИПР: %(measure)s") % {"measure": measure}
        if measure.result:
            text += f": {measure.result}"
        yield measure.plan.case.student_id, Measure(measure.done_on, text)
