"""Contacts with the parents (R-C-2): logged from the class day and from the case page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.inputs import InputError, parse_day, parse_id
from audit.services import log_read
from journal.forms import first_error
from schools.models import SchoolClass, Student
from schools.selectors import get_class_for_user, get_class_student_for_user

from ..forms import ParentContactForm
from ..selectors import get_case_for_user, untold_absences
from ..services import CaseworkError, log_parent_contact
from ..timeline import period_start


def _log(request: HttpRequest, *, student, school, absences=()) -> None:
    """Validate the posted contact and log it; the outcome goes to the messages."""
    form = ParentContactForm(
        request.POST, guardians=list(student.guardians.all()), absences=absences
    )
    if not form.is_valid():
        messages.error(request, first_error(form))
        return
    data = form.cleaned_data
    try:
        contact = log_parent_contact(
            student=student,
            school=school,
            acting_user=request.user,
            contact_type=data["contact_type"],
            contacted_at=data["contacted_at"],
            result=data["result"],
            guardian=data["guardian"],
            guardian_name=data["guardian_name"],
            summary=data["summary"],
            stated_reason=data["stated_reason"],
            next_step=data["next_step"],
            absences_told=data.get("absences_told", ()),
        )
    except CaseworkError as error:
        messages.error(request, str(error))
    else:
        done = sorted({task.get_kind_display() for task in contact.completed_tasks})
        if done:
            messages.success(
                request,
                _("Контакт с родителями записан. Выполнено: %(tasks)s.")
                % {"tasks": "; ".join(str(kind) for kind in done)},
            )
        else:
            messages.success(request, _("Контакт с родителями записан."))


def _class_and_student(
    request: HttpRequest, class_id: int, raw_student: str | None
) -> tuple[SchoolClass, Student | None]:
    """The class as its readers fetch it (404 elsewhere) and the student of it whose
    contacts the user keeps (403, 404); the student is None when the id is unreadable."""
    school_class = get_class_for_user(request.user, class_id, perm="journal.view_class_attendance")
    try:
        student_id = parse_id(raw_student)
    except InputError:
        return school_class, None
    student = get_class_student_for_user(
        request.user, school_class, student_id, perm="casework.log_parent_contact"
    )
    return school_class, student


@login_required
@require_GET
def class_day_contact_form(request: HttpRequest, class_id: int) -> HttpResponse:
    """The form to log a call to a student's parents, loaded on the class day page when its
    «Записать звонок родителям» is opened: the page does not build a form for every
    absent student it lists (issue 14, point 7)."""
    school_class, student = _class_and_student(request, class_id, request.GET.get("student"))
    if student is None:
        return HttpResponseBadRequest(_("Не указан обучающийся."))
    asked_day = request.GET.get("date")
    try:
        day = parse_day(asked_day) if asked_day else timezone.localdate()
    except InputError as error:
        return HttpResponseBadRequest(str(error))
    # The parents' names and phones are shown: logged as a read of the student (152-ФЗ).
    log_read(
        actor=request.user,
        action="casework.call_form.viewed",
        obj=student,
        school_id=school_class.school_id,
        student_id=student.pk,
    )
    form = ParentContactForm(
        # In the order the class day lists them.
        guardians=list(student.guardians.order_by("pk")),
        initial={"student": student.pk},
        auto_id=f"id_call_{student.pk}_%s",
    )
    context = {
        "form": form,
        "school_class": school_class,
        "day": day,
    }
    return render(request, "casework/_class_day_contact_form.html", context)


@login_required
@require_POST
def class_day_contact(request: HttpRequest, class_id: int) -> HttpResponse:
    """Log the call (or other contact) to the parents of a student of the class, from the
    class day page; back to that page."""
    school_class, student = _class_and_student(request, class_id, request.POST.get("student"))
    if student is None:
        return HttpResponseBadRequest(_("Не указан обучающийся."))
    _log(request, student=student, school=school_class.school)
    try:
        back = parse_day(request.POST.get("back"))
    except InputError:
        back = timezone.localdate()
    return redirect(f"{reverse('journal:class_day', args=[school_class.pk])}?date={back:%Y-%m-%d}")


@login_required
@require_POST
def case_contact(request: HttpRequest, case_id: int) -> HttpResponse:
    """Log a contact with the parents from the case page; back to it."""
    case = get_case_for_user(request.user, case_id, perm="casework.work_case")
    absences = untold_absences(case.student, case.school, since=period_start(case))
    _log(request, student=case.student, school=case.school, absences=absences)
    return redirect("casework:case_detail", case_id=case.pk)
