"""The reports' own pages: the list, opening a report, one report with its versions and
workflow, the rendering of its files (spec §6)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import log_read
from journal.forms import first_error
from printing.pdf import Document

from .. import selectors, services
from ..forms import AmendForm, DecisionForm, NewReportForm, StepForm
from ..kinds import EDITABLE_LABELS, kind_of
from ..models import Kind, ReportFile, Status
from ..rendering import context as form_context
from ..selectors import get_report_for_user, report_choices

PAGE_SIZE = 50
FORMATS = (
    (ReportFile.Format.PDF, "PDF", "bi-file-earmark-pdf"),
    (ReportFile.Format.XLSX, "XLSX", "bi-file-earmark-excel"),
)


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("reporting.open_report_pages"):
        raise PermissionDenied
    reports = selectors.visible_reports(request.user)
    kind, status = request.GET.get("kind"), request.GET.get("status")
    if kind:
        reports = reports.filter(kind=kind)
    if status in Status.values:
        reports = reports.filter(status=status)
    choices = report_choices(request.user)
    form = NewReportForm(**choices) if choices["kinds"] else None
    return render(
        request,
        "reporting/list.html",
        {
            "reports": reports.order_by("-period_start", "kind", "pk")[:PAGE_SIZE],
            "form": form,
            "statuses": Status.choices,
            "status": status,
        },
    )


@login_required
@require_POST
def report_open(request: HttpRequest) -> HttpResponse:
    choices = report_choices(request.user)
    if not choices["kinds"]:
        raise PermissionDenied
    form = NewReportForm(request.POST, **choices)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("reporting:list")
    data = form.cleaned_data
    try:
        report = services.open_report(
            kind=data["kind"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            school=data.get("school"),
            school_class=data.get("school_class"),
            student=data.get("student"),
            municipality=data.get("municipality")
            if data["kind"] == Kind.MUNICIPAL_MONTHLY
            else None,
            acting_user=request.user,
        )
    except services.ReportError as error:
        messages.error(request, str(error))
        return redirect("reporting:list")
    return redirect("reporting:detail", pk=report.pk)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    versions = selectors.visible_versions(request.user, report)
    if not versions:  # an official, before anything was approved
        raise PermissionDenied
    shown = versions[0]
    if request.GET.get("v", "").isdecimal():
        shown = selectors.get_version_for_user(request.user, report, int(request.GET["v"]))
    # A version destroyed after its retention period shows that instead of its form.
    data = services.version_data(shown) if shown.purged_at is None else None
    latest = versions[0]
    can_prepare = request.user.has_perm("reporting.prepare_report", report)
    returned = next((v for v in versions if v.status == Status.RETURNED), None)
    context = form_context(shown, data) | {
        "versions": versions,
        "latest": latest,
        "is_latest": shown.pk == latest.pk,
        "can_prepare": can_prepare,
        "can_decide": request.user.has_perm("reporting.decide_report", report),
        "amendable": _amendable_rows(report, shown, data) if can_prepare else [],
        "formats": FORMATS,
        "last_return": returned if returned and returned.number == latest.number - 1 else None,
        "decision_form": DecisionForm(initial={"version": latest.number}),
    }
    if data is None:
        context["form_template"] = "reporting/forms/_purged.html"
    else:  # the form names children: the read is logged (152-ФЗ, R-SEC)
        log_read(
            actor=request.user,
            action="reporting.report.viewed",
            obj=report,
            school_id=report.school_id,
            student_id=report.student_id,
            data={"version": shown.number},
        )
    return render(request, "reporting/detail.html", context)


def _amendable_rows(report, version, data) -> list[dict]:
    """The rows whose free-text columns the preparer may still change (a draft only)."""
    if version.status != Status.DRAFT:
        return []
    rows = []
    for table, columns in kind_of(report).editable.items():
        for row in data.get("tables", {}).get(table, []):
            rows.append(
                {
                    "key": row["key"],
                    "label": row.get("name", row["key"]),
                    "fields": [
                        (column, EDITABLE_LABELS.get(column, column), row.get(column, ""))
                        for column in columns
                    ],
                }
            )
    return rows


@login_required
@require_POST
def report_amend(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk, perm="reporting.prepare_report")
    form = AmendForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("reporting:detail", pk=report.pk)
    columns = {c for cols in kind_of(report).editable.values() for c in cols}
    try:
        services.amend(
            report=report,
            version=form.cleaned_data["version"],
            row_key=form.cleaned_data["row"],
            texts={column: request.POST[column] for column in columns & set(request.POST)},
            acting_user=request.user,
        )
    except services.ReportError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Изменения сохранены."))
    return redirect("reporting:detail", pk=report.pk)


def _step(request: HttpRequest, pk: int, perm: str, action, done: str) -> HttpResponse:
    report = get_report_for_user(request.user, pk, perm=perm)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("reporting:detail", pk=report.pk)
    try:
        action(report=report, version=form.cleaned_data["version"], acting_user=request.user)
    except services.ReportError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("reporting:detail", pk=report.pk)


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request, pk, "reporting.prepare_report", services.submit, _("Отчёт сдан на утверждение.")
    )


@login_required
@require_POST
def report_correct(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "reporting.prepare_report",
        services.start_correction,
        _("Начата новая версия; утверждённая сохранена без изменений."),
    )


@login_required
@require_POST
def report_decide(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk, perm="reporting.decide_report")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("reporting:detail", pk=report.pk)
    data = form.cleaned_data
    try:
        if data["decision"] == "approve":
            services.approve(report=report, version=data["version"], acting_user=request.user)
            messages.success(request, _("Отчёт утверждён."))
        else:
            services.return_report(
                report=report,
                version=data["version"],
                comment=data["comment"],
                acting_user=request.user,
            )
            messages.success(request, _("Отчёт возвращён на доработку."))
    except services.ReportError as error:
        messages.error(request, str(error))
    return redirect("reporting:detail", pk=report.pk)


@login_required
@require_POST
def file_request(request: HttpRequest, pk: int, number: int, format: str) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    version = selectors.get_version_for_user(request.user, report, number)
    try:
        file = services.request_file(version=version, format=format, acting_user=request.user)
    except services.ReportError as error:
        messages.error(request, str(error))
        return redirect("reporting:detail", pk=report.pk)
    return redirect("reporting:file", pk=file.pk)


@login_required
def file_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The file's progress: a page that polls itself (htmx) until the download is ready."""
    file = selectors.get_file_for_user(request.user, pk)
    template = "reporting/_file_status.html" if request.htmx else "reporting/file.html"
    return render(request, template, {"file": file, "report": file.version.report})


@login_required
def file_download(request: HttpRequest, pk: int) -> HttpResponse:
    file = selectors.get_file_for_user(request.user, pk)
    if file.state != ReportFile.State.DONE:
        return redirect("reporting:file", pk=file.pk)
    report = file.version.report
    log_read(
        actor=request.user,
        action="reporting.report.downloaded",
        obj=file,
        school_id=report.school_id,
        student_id=report.student_id,
        data={"report_id": report.pk, "version": file.version.number, "format": file.format},
    )
    document = Document(file.filename, file.mime_type, bytes(file.content))
    response = document.as_response()
    response["Cache-Control"] = "private, no-store"
    response["X-Checksum-SHA256"] = file.sha256
    return response


urlpatterns = [
    path("", report_list, name="list"),
    path("open/", report_open, name="open"),
    path("<int:pk>/", report_detail, name="detail"),
    path("<int:pk>/amend/", report_amend, name="amend"),
    path("<int:pk>/submit/", report_submit, name="submit"),
    path("<int:pk>/decide/", report_decide, name="decide"),
    path("<int:pk>/correct/", report_correct, name="correct"),
    path("<int:pk>/v<int:number>/<str:format>/", file_request, name="file_request"),
    path("files/<int:pk>/", file_status, name="file"),
    path("files/<int:pk>/download/", file_download, name="file_download"),
]
