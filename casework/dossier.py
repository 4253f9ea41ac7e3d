"""The case dossier (R-C-10): one PDF of the child's whole case for a КДН hearing —
attendance by month, contacts, visits, council protocols, plan progress, referrals, the
registry — built from the records, nothing retyped."""

from django.utils import timezone
from django.utils.translation import gettext as _

from printing.pdf import Document, render_pdf

from . import timeline
from .models import (
    Case,
    CouncilHearing,
    HomeVisit,
    ParentContact,
    PlanMeasure,
    PreventionPlan,
    Referral,
    RegistryPlacement,
)


def build(case: Case) -> dict:
    """Everything the dossier prints (a bounded number of queries)."""
    student = case.student
    months = timeline.monthly_absences(case)
    return {
        "case": case,
        "student": student,
        "school": case.school,
        "school_class": timeline.class_of(case),
        "guardians": list(student.guardians.all()),
        "responsible": list(case.responsible.all()),
        "months": months,
        "totals": {
            key: sum(row[key] for row in months)
            for key in ("invalid", "unknown", "valid", "late", "without_valid")
        },
        "contacts": list(
            ParentContact.objects.filter(student=student, school=case.school)
            .filter(contacted_at__date__gte=timeline.period_start(case))
            .select_related("staff")
            .order_by("contacted_at")
        ),
        "visits": list(
            HomeVisit.objects.filter(case=case).prefetch_related("members").order_by("planned_for")
        ),
        "hearings": list(
            CouncilHearing.objects.filter(case=case)
            .select_related("session", "conclusion")
            .prefetch_related("assignments__assignee")
            .order_by("session__date", "pk")
        ),
        "plans": list(
            PreventionPlan.objects.filter(case=case)
            .prefetch_related("measures__responsible", "controls")
            .order_by("start_date")
        ),
        "referrals": list(Referral.objects.filter(case=case).order_by("created_at")),
        "placements": list(
            RegistryPlacement.objects.filter(case=case)
            .prefetch_related("observations")
            .order_by("placed_on")
        ),
        "measure_done": PlanMeasure.Status.DONE,
        "today": timezone.localdate(),
    }


def render(case: Case) -> Document:
    student = case.student
    filename = _("Дело %(name)s %(date)s.pdf") % {
        "name": student.short_name,
        "date": f"{timezone.localdate():%d.%m.%Y}",
    }
    return render_pdf("casework/print/dossier.html", build(case), filename=filename)
