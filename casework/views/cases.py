"""The case page and the list of cases (R-C-1)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.selectors import school_ids_for_user
from alerts.models import Task
from journal.forms import first_error
from schools.models import Enrollment
from schools.selectors import get_student_for_user

from .. import timeline
from ..forms import (
    CaseFilterForm,
    CaseResponsibleForm,
    CaseStatusForm,
    FamilyCentreForm,
    OpenCaseForm,
    ParentContactForm,
)
from ..models import Case
from ..selectors import get_case_for_user, untold_absences, visible_cases
from ..services import (
    CaseworkError,
    change_case_status,
    open_case_by_hand,
    set_family_centre_status,
    set_responsible,
)
from . import council, documents, plan, referrals, visits

# Each topic's block on the case page, in the order of the work (seed 003's algorithm).
SECTIONS = {
    "visits": visits.case_section,
    "council": council.case_section,
    "plan": plan.case_section,
    "referrals": referrals.case_section,
    "documents": documents.case_section,
}
PAGE_SIZE = 50


def _staff_of(school_id: int) -> list[User]:
    return list(
        User.objects.filter(role_assignments__school_id=school_id, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "patronymic", "pk")
    )


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases the user may read, filtered by status and class."""
    if not request.user.has_perm("casework.view_cases"):
        raise PermissionDenied
    cases = visible_cases(request.user)
    form = CaseFilterForm(request.GET or None, cases=cases)
    cases = form.filter(cases)
    page = Paginator(
        cases.select_related("student", "school").prefetch_related("responsible"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    timeline.attach_classes(page.object_list)
    return render(request, "casework/case_list.html", {"form": form, "page": page})


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """Everything about the child in one place: the state, the tasks, the timeline, and
    each topic's block (visits, council, plan, referrals, documents)."""
    case = get_case_for_user(request.user, case_id)
    timeline.log_case_read(request.user, case)
    user = request.user
    guardians = list(case.student.guardians.all())
    context = {
        "case": case,
        "school_class": timeline.class_of(case),
        "guardians": guardians,
        "tasks": timeline.open_tasks(case),
        "events": timeline.events(case),
        "months": timeline.monthly_absences(case),
        "can_manage": user.has_perm("casework.manage_case", case),
        "can_work": user.has_perm("casework.work_case", case),
        "sections": {name: section(request, case) for name, section in SECTIONS.items()},
        "today": timezone.localdate(),
    }
    if case.is_active and context["can_work"]:
        context["contact_form"] = ParentContactForm(
            guardians=guardians,
            initial={"student": case.student_id},
            absences=untold_absences(case.student, case.school, since=timeline.period_start(case)),
        )
        # Seed 001 step 3: only where criterion №22 asked to track it (or it was recorded).
        tracked = case.family_centre_status or any(
            task.kind == Task.Kind.FAMILY_CENTRE_STATUS for task in context["tasks"]
        )
        if tracked:
            context["family_centre_form"] = FamilyCentreForm(
                initial={"status": case.family_centre_status}
            )
    if case.is_active and context["can_manage"]:
        context["status_form"] = CaseStatusForm(case=case)
        staff = _staff_of(case.school_id)
        context["responsible_form"] = CaseResponsibleForm(
            staff=staff, initial={"responsible": [u.pk for u in case.responsible.all()]}
        )
    return render(request, "casework/case_detail.html", context)


def _back(case: Case) -> HttpResponse:
    return redirect("casework:case_detail", case_id=case.pk)


@login_required
@require_POST
def case_status(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, case_id, perm="casework.manage_case")
    form = CaseStatusForm(request.POST, case=case)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _back(case)
    try:
        change_case_status(
            case=case,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
            acting_user=request.user,
        )
    except CaseworkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Статус дела изменён."))
    return _back(case)


@login_required
@require_POST
def case_responsible(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, case_id, perm="casework.manage_case")
    form = CaseResponsibleForm(request.POST, staff=_staff_of(case.school_id))
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _back(case)
    try:
        set_responsible(case=case, users=form.cleaned_data["responsible"], acting_user=request.user)
    except CaseworkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Ответственные назначены."))
    return _back(case)


@login_required
@require_POST
def case_family_centre(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, case_id, perm="casework.work_case")
    form = FamilyCentreForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _back(case)
    try:
        set_family_centre_status(
            case=case, status=form.cleaned_data["status"], acting_user=request.user
        )
    except CaseworkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Статус в семейном центре записан."))
    return _back(case)


def _school_of(user, student):
    """The school in which the user works with the student: the student's current one."""
    today = timezone.localdate()
    enrollments = Enrollment.objects.filter(student=student).select_related("school")
    if not user.is_superuser:
        enrollments = enrollments.filter(school_id__in=school_ids_for_user(user))
    current = enrollments.on(today).first() or enrollments.order_by("-start_date").first()
    return current.school if current else None


@login_required
def student_case(request: HttpRequest, student_id: int) -> HttpResponse:
    """The student's active case; without one, who may open it sees the form to (POST)."""
    student = get_student_for_user(request.user, student_id, perm="schools.view_student")
    school = _school_of(request.user, student)
    active = Case.objects.filter(student=student, school=school).exclude(status=Case.Status.CLOSED)
    case = active.first()
    if case is not None and request.method == "GET":
        get_case_for_user(request.user, case.pk)  # 404 unless they may read it
        return redirect("casework:case_detail", case_id=case.pk)
    if not request.user.has_perm("casework.open_case", student):
        raise PermissionDenied
    form = OpenCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = open_case_by_hand(
                student=student,
                school=school,
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Дело открыто."))
            return redirect("casework:case_detail", case_id=case.pk)
    closed = Case.objects.filter(student=student, school=school, status=Case.Status.CLOSED)
    return render(
        request,
        "casework/open_case.html",
        {
            "student": student,
            "school": school,
            "form": form,
            "closed_cases": closed,
            "back": reverse("journal:student_card", args=[student.pk]),
        },
    )
