"""Reads of the prevention plan and of the case's documents (memo, characteristic), scoped
through their case: another school's plan, measure or memo answers 404 like its case."""

from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils import timezone

from ..models import Case, Characteristic, MeasureKind, Memo, PlanMeasure, PreventionPlan
from . import get_case_for_user


def measure_text(measure: PlanMeasure) -> str:
    """What the measure is, as the plan's table and the inbox say it."""
    if measure.kind == MeasureKind.OTHER:
        return measure.description
    title = measure.get_kind_display()
    return f"{title}: {measure.description}" if measure.description else str(title)


def _through_case(user, queryset: QuerySet, pk, *, perm: str) -> Model:
    """The object of ``queryset`` with ``pk``, if the user may read its case (else 404) and
    holds ``perm`` on it (else 403); its ``case`` is the one checked."""
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    obj.case = get_case_for_user(user, obj.case_id, perm=perm)
    return obj


def get_plan_for_user(user, plan_id, *, perm: str = "casework.view_case") -> PreventionPlan:
    return _through_case(user, PreventionPlan.objects.select_related("school"), plan_id, perm=perm)


def get_measure_for_user(user, measure_id, *, perm: str = "casework.view_case") -> PlanMeasure:
    measure = (
        PlanMeasure.objects.select_related("plan__school", "responsible")
        .filter(pk=measure_id)
        .first()
    )
    if measure is None:
        raise Http404
    measure.plan.case = get_case_for_user(user, measure.plan.case_id, perm=perm)
    return measure


def get_memo_for_user(user, memo_id, *, perm: str = "casework.view_case") -> Memo:
    return _through_case(user, Memo.objects.select_related("school", "author"), memo_id, perm=perm)


def get_characteristic_for_user(
    user, characteristic_id, *, perm: str = "casework.view_case"
) -> Characteristic:
    return _through_case(
        user,
        Characteristic.objects.select_related("school", "author"),
        characteristic_id,
        perm=perm,
    )


def active_plan(case: Case) -> PreventionPlan | None:
    return case.plans.filter(status=PreventionPlan.Status.ACTIVE).first()


def plan_measures(plan: PreventionPlan, today=None) -> list[PlanMeasure]:
    """The plan's measures with their responsible, each marked ``overdue`` (one query)."""
    today = today or timezone.localdate()
    measures = list(plan.measures.select_related("responsible"))
    for measure in measures:
        measure.overdue = measure.is_overdue(today)
        measure.text = measure_text(measure)
    return measures
