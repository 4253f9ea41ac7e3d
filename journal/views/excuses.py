"""Excuse documents of a student (R-J-3): list, register, withdraw, download the scan.

Scans are stored outside any URL under random names; the only way to read one is
``excuse_scan``, which checks the permission, logs the read and sends the file as an
attachment with the type found by content at upload time.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit.services import log_read

from ..forms import ExcuseDocumentForm, WithdrawExcuseForm
from ..models import ExcuseDocument
from ..selectors import get_excuse_for_user, get_student_enrollment_for_user
from ..services import JournalError, register_excuse, withdraw_excuse
from ..uploads import download_name, served_content_type


def _list_url(student_id: int) -> str:
    return reverse("journal:excuse_list", args=[student_id])


def _excuses(student, school_id: int):
    return (
        ExcuseDocument.objects.filter(student=student, school_id=school_id)
        .select_related("received_by", "withdrawn_by")
        .prefetch_related("lessons__subject")
        .order_by("-start_date", "-pk")
    )


@login_required
def excuse_list(request: HttpRequest, student_id: int) -> HttpResponse:
    student, enrollment = get_student_enrollment_for_user(request.user, student_id)
    # The documents name illnesses and family matters: every read is logged (R-SEC).
    log_read(
        actor=request.user,
        action="journal.excuses.viewed",
        obj=student,
        school_id=enrollment.school_id,
        student_id=student.pk,
    )
    context = {
        "student": student,
        "school_class": enrollment.school_class,
        "excuses": _excuses(student, enrollment.school_id),
        "can_settle": request.user.has_perm("journal.settle_reasons", enrollment.school_class),
        "withdraw_form": WithdrawExcuseForm(),
    }
    return render(request, "journal/excuses/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def excuse_add(request: HttpRequest, student_id: int) -> HttpResponse:
    student, enrollment = get_student_enrollment_for_user(request.user, student_id)
    school_class = enrollment.school_class
    if not request.user.has_perm("journal.settle_reasons", school_class):
        raise PermissionDenied
    if request.method == "POST":
        form = ExcuseDocumentForm(request.POST, request.FILES, school_class=school_class)
        # «Показать уроки» re-renders the form with the lessons of the chosen period.
        if "show_lessons" not in request.POST and form.is_valid():
            data = form.cleaned_data
            try:
                register_excuse(
                    student=student,
                    school=school_class.school,
                    kind=data["kind"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    acting_user=request.user,
                    lessons=data["lessons"],
                    scan=data["scan"],
                    valid_reason=data["valid_reason"],
                    number=data["number"],
                    issued_by=data["issued_by"],
                    issued_on=data["issued_on"],
                    note=data["note"],
                )
            except JournalError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Документ зарегистрирован."))
                return redirect(_list_url(student.pk))
    else:
        form = ExcuseDocumentForm(school_class=school_class)
    context = {"student": student, "school_class": school_class, "form": form}
    return render(request, "journal/excuses/form.html", context)


@login_required
@require_POST
def excuse_withdraw(request: HttpRequest, excuse_id: int) -> HttpResponse:
    excuse = get_excuse_for_user(request.user, excuse_id, perm="journal.settle_reasons")
    form = WithdrawExcuseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Укажите причину отзыва документа."))
    else:
        try:
            withdraw_excuse(
                excuse=excuse, acting_user=request.user, reason=form.cleaned_data["reason"]
            )
        except JournalError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Документ отозван, причины пропусков восстановлены."))
    return redirect(_list_url(excuse.student_id))


@login_required
def excuse_scan(request: HttpRequest, excuse_id: int) -> FileResponse:
    excuse = get_excuse_for_user(request.user, excuse_id, perm="journal.view_class_attendance")
    if not excuse.scan:
        raise Http404
    try:
        handle = excuse.scan.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    # A medical certificate is personal data: every read is logged (R-SEC).
    log_read(
        actor=request.user,
        action="journal.excuse.scan_downloaded",
        obj=excuse,
        school_id=excuse.school_id,
        student_id=excuse.student_id,
        data={"student_id": excuse.student_id},
    )
    # Name and type follow the content found at upload: a PDF uploaded as «poly.html» is
    # sent as «poly.pdf», application/pdf (rows stored before kept the uploaded name).
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(excuse.scan_original_name, excuse.scan_content_type),
        content_type=served_content_type(excuse.scan_content_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
