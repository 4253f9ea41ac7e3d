"""The individual prevention plan: measures and weekly control (R-C-6)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from journal.forms import first_error

from .. import timeline
from ..forms import CompletePlanForm, ControlForm, MeasureForm, MeasureOutcomeForm, PlanForm
from ..models import PlanControl, PreventionPlan
from ..selectors import get_case_for_user
from ..selectors.plan import get_measure_for_user, get_plan_for_user, plan_measures
from ..services import (
    CaseworkError,
    add_control,
    add_measure,
    complete_plan,
    create_plan,
    record_measure_outcome,
    update_measure,
    update_plan,
)
from ..services.plan import can_record_outcome, render_plan

CONTROL = "control"  # the control form's prefix: the case page has other forms with a date


def _staff_of(school_id: int) -> list[User]:
    """Who may be responsible for a measure: the active staff of the school."""
    return list(
        User.objects.filter(role_assignments__school_id=school_id, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "patronymic", "pk")
    )


def _to_plan(plan: PreventionPlan) -> HttpResponse:
    return redirect("casework:plan_detail", plan_id=plan.pk)


def _form_page(request, *, case, plan=None, form, title, **extra) -> HttpResponse:
    return render(
        request,
        "casework/plan/form.html",
        {"case": case, "plan": plan, "form": form, "title": title, **extra},
    )


@login_required
def plan_create(request: HttpRequest, case_id: int) -> HttpResponse:
    """Draw up the case's plan (seed 001 step 5): its goal and period; measures next."""
    case = get_case_for_user(request.user, case_id, perm="casework.manage_plan")
    today = timezone.localdate()
    # Till the end of the school year by default (31 May).
    year_end = datetime.date(today.year + (today.month >= 6), 5, 31)
    form = PlanForm(request.POST or None, initial={"start_date": today, "end_date": year_end})
    if request.method == "POST" and form.is_valid():
        try:
            plan = create_plan(case=case, acting_user=request.user, **form.cleaned_data)
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("План ИПР составлен. Добавьте мероприятия."))
            return redirect("casework:plan_measure_create", plan_id=plan.pk)
    return _form_page(
        request, case=case, form=form, title=_("План индивидуальной профилактической работы")
    )


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan: its measures (overdue in red), the outcome of each, the weekly control."""
    plan = get_plan_for_user(request.user, plan_id)
    case, user = plan.case, request.user
    today = timezone.localdate()
    measures = plan_measures(plan, today)
    can_manage = user.has_perm("casework.manage_plan", case)
    can_work = user.has_perm("casework.work_case", case)
    editable = case.is_active and plan.status == PreventionPlan.Status.ACTIVE
    if editable:
        for measure in measures:
            if can_manage or (can_work and measure.responsible_id == user.pk):
                measure.outcome_form = MeasureOutcomeForm(
                    prefix=f"m{measure.pk}",
                    initial={
                        "status": measure.status,
                        "done_on": measure.done_on,
                        "result": measure.result,
                    },
                )
    return render(
        request,
        "casework/plan/detail.html",
        {
            "case": case,
            "plan": plan,
            "school_class": timeline.class_of(case),
            "measures": measures,
            "controls": list(plan.controls.select_related("author")),
            "can_manage": can_manage and editable,
            "control_form": ControlForm(prefix=CONTROL) if can_work and editable else None,
            "complete_form": CompletePlanForm() if can_manage and editable else None,
            "today": today,
        },
    )


@login_required
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id, perm="casework.manage_plan")
    form = PlanForm(
        request.POST or None,
        initial={"goal": plan.goal, "start_date": plan.start_date, "end_date": plan.end_date},
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_plan(plan=plan, acting_user=request.user, **form.cleaned_data)
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("План ИПР сохранён."))
            return _to_plan(plan)
    return _form_page(request, case=plan.case, plan=plan, form=form, title=_("Изменить план ИПР"))


@login_required
@require_POST
def plan_complete(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id, perm="casework.manage_plan")
    form = CompletePlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _to_plan(plan)
    try:
        complete_plan(plan=plan, summary=form.cleaned_data["summary"], acting_user=request.user)
    except CaseworkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("План ИПР завершён."))
    return _to_plan(plan)


@login_required
def measure_create(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Add a measure: from the catalogue or «иное», the responsible, the deadline."""
    plan = get_plan_for_user(request.user, plan_id, perm="casework.manage_plan")
    form = MeasureForm(request.POST or None, staff=_staff_of(plan.school_id))
    if request.method == "POST" and form.is_valid():
        try:
            add_measure(plan=plan, acting_user=request.user, **form.cleaned_data)
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Мероприятие добавлено."))
            if "another" in request.POST:
                return redirect("casework:plan_measure_create", plan_id=plan.pk)
            return _to_plan(plan)
    return _form_page(
        request,
        case=plan.case,
        plan=plan,
        form=form,
        title=_("Мероприятие плана ИПР"),
        another=True,
        measures=plan_measures(plan),
    )


@login_required
def measure_edit(request: HttpRequest, measure_id: int) -> HttpResponse:
    measure = get_measure_for_user(request.user, measure_id, perm="casework.manage_plan")
    plan = measure.plan
    form = MeasureForm(
        request.POST or None,
        staff=_staff_of(plan.school_id),
        initial={
            "kind": measure.kind,
            "description": measure.description,
            "responsible": measure.responsible_id,
            "due_date": measure.due_date,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_measure(measure=measure, acting_user=request.user, **form.cleaned_data)
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Мероприятие сохранено."))
            return _to_plan(plan)
    return _form_page(
        request, case=plan.case, plan=plan, form=form, title=_("Изменить мероприятие")
    )


@login_required
@require_POST
def measure_outcome(request: HttpRequest, measure_id: int) -> HttpResponse:
    """Mark a measure done (with its result) or cancelled: who manages the plan, or the
    measure's responsible person."""
    measure = get_measure_for_user(request.user, measure_id)
    if not can_record_outcome(request.user, measure):
        raise PermissionDenied
    form = MeasureOutcomeForm(request.POST, prefix=f"m{measure.pk}")
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _to_plan(measure.plan)
    try:
        record_measure_outcome(measure=measure, acting_user=request.user, **form.cleaned_data)
    except CaseworkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Отметка о выполнении сохранена."))
    return _to_plan(measure.plan)


@login_required
@require_POST
def plan_control(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The weekly control entry (seed 001 step 6), from the plan or the case page."""
    plan = get_plan_for_user(request.user, plan_id, perm="casework.work_case")
    form = ControlForm(request.POST, prefix=CONTROL)
    if not form.is_valid():
        messages.error(request, first_error(form))
    else:
        try:
            add_control(plan=plan, acting_user=request.user, **form.cleaned_data)
        except CaseworkError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Контроль выполнения плана записан."))
    if request.POST.get("back") == "case":
        return redirect("casework:case_detail", case_id=plan.case_id)
    return _to_plan(plan)


@login_required
def plan_pdf(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan's paper form for the case file; reading it is audited."""
    plan = get_plan_for_user(request.user, plan_id)
    document = render_plan(plan, school_class=timeline.class_of(plan.case))
    timeline.log_case_read(request.user, plan.case, what="plan")
    return document.as_response()


urlpatterns: list = [
    path("cases/<int:case_id>/plan/new/", plan_create, name="plan_create"),
    path("plans/<int:plan_id>/", plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/edit/", plan_edit, name="plan_edit"),
    path("plans/<int:plan_id>/complete/", plan_complete, name="plan_complete"),
    path("plans/<int:plan_id>/measures/new/", measure_create, name="plan_measure_create"),
    path("plans/<int:plan_id>/controls/", plan_control, name="plan_control"),
    path("plans/<int:plan_id>/pdf/", plan_pdf, name="plan_pdf"),
    path("plan-measures/<int:measure_id>/edit/", measure_edit, name="plan_measure_edit"),
    path("plan-measures/<int:measure_id>/outcome/", measure_outcome, name="plan_measure_outcome"),
]


def case_section(request: HttpRequest, case) -> dict:
    """Context for this topic's block on the case page (templates/casework/case/_plan.html):
    the active plan's measures (overdue flagged), its last control and the form for the
    next one; the earlier plans. Three queries at most."""
    plans = list(case.plans.all())
    active = next((p for p in plans if p.status == PreventionPlan.Status.ACTIVE), None)
    user = request.user
    section = {
        "plans": [p for p in plans if p is not active],
        "plan": active,
        "can_create": active is None
        and case.is_active
        and user.has_perm("casework.manage_plan", case),
    }
    if active is not None:
        today = timezone.localdate()
        measures = plan_measures(active, today)
        section |= {
            "measures": measures,
            "overdue": sum(1 for m in measures if m.overdue),
            "last_control": PlanControl.objects.filter(plan=active)
            .select_related("author")
            .first(),
            "today": today,
        }
        if case.is_active and user.has_perm("casework.work_case", case):
            section["control_form"] = ControlForm(prefix=CONTROL)
    return section
