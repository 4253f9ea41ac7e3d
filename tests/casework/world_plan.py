"""The plan objects of one school side for the URL × role matrix (tests/accounts/world.py)."""

import datetime

from django.utils import timezone

from casework.models import MeasureKind, PlanMeasure, PreventionPlan


def build(world, side, case) -> dict:
    """An active plan of the side's case with one measure, the class teacher responsible."""
    today = timezone.localdate()
    plan = PreventionPlan.objects.create(
        case=case,
        school=side.school,
        goal="Вернуть к регулярному посещению",
        start_date=today,
        end_date=today + datetime.timedelta(days=90),
        created_by=side.class_teacher,
    )
    measure = PlanMeasure.objects.create(
        plan=plan,
        kind=MeasureKind.CONSULTATION,
        responsible=side.class_teacher,
        due_date=today + datetime.timedelta(days=14),
    )
    return {"plan": plan, "plan_measure": measure}
