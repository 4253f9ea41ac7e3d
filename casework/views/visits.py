"""Home visits and the act of inspection of living conditions (R-C-3)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from journal.forms import first_error
from printing.pdf import render_pdf

from .. import timeline
from ..forms.visits import CancelVisitForm, HomeVisitActForm, ParentsInformedForm, VisitPlanForm
from ..models import HomeVisit
from ..selectors import get_case_for_user
from ..selectors.visits import (
    act_context,
    act_initial,
    get_visit_for_user,
    school_staff,
    visits_of_case,
)
from ..services import CaseworkError
from ..services.visits import (
    agree_visit,
    cancel_visit,
    is_act_author,
    plan_visit,
    record_parents_informed,
    save_act,
)


def case_section(request: HttpRequest, case) -> dict:
    """Context for this topic's block on the case page (templates/casework/case/_visits.html)."""
    visits = visits_of_case(case)
    can_work = case.is_active and request.user.has_perm("casework.work_case", case)
    return {
        "visits": visits,
        "can_work": can_work,
        "can_plan": can_work and not any(v.status == HomeVisit.Status.PLANNED for v in visits),
    }


def _to_visit(visit: HomeVisit) -> HttpResponse:
    return redirect("casework:visit_detail", visit_id=visit.pk)


@login_required
def visit_plan(request: HttpRequest, case_id: int) -> HttpResponse:
    """Plan a visit to the family: date, purpose, the commission."""
    case = get_case_for_user(request.user, case_id, perm="casework.work_case")
    if not case.is_active:
        raise PermissionDenied
    staff = list(school_staff(case.school_id))
    initial = {"members": [request.user.pk]}
    school_class = timeline.class_of(case)
    if school_class is not None and school_class.class_teacher_id:
        initial["members"].append(school_class.class_teacher_id)
    form = VisitPlanForm(request.POST or None, staff=staff, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            visit = plan_visit(case=case, acting_user=request.user, **form.cleaned_data)
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Посещение запланировано и отправлено на согласование."))
            return _to_visit(visit)
    return render(request, "casework/visits/plan.html", {"case": case, "form": form})


@login_required
def visit_detail(request: HttpRequest, visit_id: int) -> HttpResponse:
    """The visit: status, commission, agreement, the parents told, the act."""
    visit = get_visit_for_user(request.user, visit_id)
    case, user = visit.case, request.user
    planned = visit.status == HomeVisit.Status.PLANNED
    can_work = case.is_active and user.has_perm("casework.work_case", case)
    context = {
        "case": case,
        "visit": visit,
        "can_work": can_work,
        "can_agree": planned
        and visit.agreed_at is None
        and user.has_perm("casework.agree_home_visit", case),
        "can_fill_act": can_work
        and (planned or (visit.status == HomeVisit.Status.DONE and is_act_author(visit, user))),
    }
    if planned and can_work:
        context["informed_form"] = ParentsInformedForm(
            initial={"on": visit.parents_informed_on or timezone.localdate()}
        )
        context["cancel_form"] = CancelVisitForm()
    return render(request, "casework/visits/detail.html", context)


@login_required
def visit_act(request: HttpRequest, visit_id: int) -> HttpResponse:
    """The act of inspection: filled in after the visit, corrected later by its authors."""
    visit = get_visit_for_user(request.user, visit_id, perm="casework.work_case")
    case = visit.case
    if not case.is_active or visit.status == HomeVisit.Status.CANCELLED:
        raise PermissionDenied
    if visit.status == HomeVisit.Status.DONE and not is_act_author(visit, request.user):
        raise PermissionDenied
    staff = list(school_staff(case.school_id))
    initial = act_initial(visit) if visit.status == HomeVisit.Status.PLANNED else {}
    form = HomeVisitActForm(request.POST or None, visit=visit, staff=staff, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save_act(visit=visit, data=form.act_data(), acting_user=request.user)
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Акт обследования сохранён."))
            return _to_visit(visit)
    if request.method == "POST" and not form.is_valid():
        messages.error(request, _("Акт не сохранён: исправьте отмеченные поля."))
    return render(request, "casework/visits/act.html", {"case": case, "visit": visit, "form": form})


@login_required
def visit_act_pdf(request: HttpRequest, visit_id: int) -> HttpResponse:
    """The act as the paper form (PDF); reading it is written to the audit log."""
    visit = get_visit_for_user(request.user, visit_id)
    if visit.status != HomeVisit.Status.DONE:
        raise Http404
    timeline.log_case_read(request.user, visit.case, what="visit_act")
    document = render_pdf(
        "casework/print/visit_act.html",
        act_context(visit),
        filename=_("Акт обследования ЖБУ %(name)s %(date)s.pdf")
        % {
            "name": visit.student_name or visit.case.student.short_name,
            "date": f"{visit.visited_on:%d.%m.%Y}",
        },
    )
    return document.as_response()


@login_required
@require_POST
def visit_agree(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = get_visit_for_user(request.user, visit_id, perm="casework.agree_home_visit")
    try:
        agree_visit(visit=visit, acting_user=request.user)
    except CaseworkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Посещение согласовано."))
    return _to_visit(visit)


@login_required
@require_POST
def visit_informed(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = get_visit_for_user(request.user, visit_id, perm="casework.work_case")
    form = ParentsInformedForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _to_visit(visit)
    try:
        record_parents_informed(visit=visit, on=form.cleaned_data["on"], acting_user=request.user)
    except CaseworkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Отмечено: родители предупреждены о посещении."))
    return _to_visit(visit)


@login_required
@require_POST
def visit_cancel(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = get_visit_for_user(request.user, visit_id, perm="casework.work_case")
    form = CancelVisitForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _to_visit(visit)
    try:
        cancel_visit(visit=visit, reason=form.cleaned_data["reason"], acting_user=request.user)
    except CaseworkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Посещение отменено."))
    return _to_visit(visit)


urlpatterns: list = [
    path("cases/<int:case_id>/visits/new/", visit_plan, name="visit_plan"),
    path("visits/<int:visit_id>/", visit_detail, name="visit_detail"),
    path("visits/<int:visit_id>/act/", visit_act, name="visit_act"),
    path("visits/<int:visit_id>/act.pdf", visit_act_pdf, name="visit_act_pdf"),
    path("visits/<int:visit_id>/agree/", visit_agree, name="visit_agree"),
    path("visits/<int:visit_id>/informed/", visit_informed, name="visit_informed"),
    path("visits/<int:visit_id>/cancel/", visit_cancel, name="visit_cancel"),
]
