"""Pages of the e-journal exchange: the school's imports with the upload form, an import's
row-by-row report and its application, the letters, the conflicts. Thin: the services
decide and write (exchange/services.py)."""

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import log_read

from . import selectors, services, tasks
from .forms import ConflictDecisionForm, ExportUploadForm, LetterFormSet
from .reader import ExportFileError

logger = logging.getLogger(__name__)
REPORT_PAGE = 100
CONFLICTS_PAGE = 50
OUTCOME_FILTERS = {
    "problems": (services.Outcome.ERROR, services.Outcome.CONFLICT),
    "changes": (services.Outcome.CREATED, services.Outcome.REASON, services.Outcome.UPDATED),
}


@login_required
def ejournal(request, school_id: int):
    school = selectors.get_school(request.user, school_id)
    can_import = request.user.has_perm("exchange.import_ejournal", school)
    form = ExportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_import:
            raise PermissionDenied
        if form.is_valid():
            try:
                uploaded = services.upload_export(
                    school=school, uploaded=form.cleaned_data["file"], acting_user=request.user
                )
            except ExportFileError as error:
                form.add_error("file", error.message)
            else:
                _queue(tasks.check_ejournal, uploaded)
                return redirect("exchange:import", import_id=uploaded.pk)
    context = {
        "school": school,
        "form": form,
        "can_import": can_import,
        "imports": list(selectors.recent_imports(school)),
        "open_conflicts": selectors.open_conflict_count(school),
        "letters": services.letters_of(school),
    }
    return render(request, "exchange/ejournal.html", context)


def _queue(task, ejournal_import) -> None:
    """The import is committed already (no transaction around the view): queue at once."""
    try:
        task.delay(ejournal_import.pk)
    except Exception:  # noqa: BLE001 (the broker is down: say so rather than wait for ever)
        logger.exception("Could not queue e-journal import %s", ejournal_import.pk)
        services.fail(
            ejournal_import,
            _("Очередь фоновых задач недоступна: ничего не изменено. Повторите через минуту."),
        )


@login_required
def import_report(request, import_id: int):
    checked = selectors.get_import(request.user, import_id)
    if request.htmx:
        if not checked.running:
            return HttpResponse(headers={"HX-Refresh": "true"})
        return render(request, "exchange/_status.html", {"checked": checked})
    shown = request.GET.get("outcome", "")
    rows = checked.report
    if shown in OUTCOME_FILTERS:
        rows = [row for row in rows if row["outcome"] in OUTCOME_FILTERS[shown]]
    else:
        shown = ""
    page = Paginator(rows, REPORT_PAGE).get_page(request.GET.get("page"))
    applied = checked.status == checked.Status.APPLIED
    for row in page.object_list:
        before, after, colour = services.OUTCOME_LABELS[row["outcome"]]
        row["label"], row["colour"] = (after if applied else before), colour
    log_read(
        actor=request.user,
        action="exchange.ejournal.viewed",
        obj=checked,
        school_id=checked.school_id,
        data={"file": checked.file_name, "page": page.number},
    )
    context = {
        "school": checked.school,
        "checked": checked,
        "page": page,
        "shown": shown,
        "query": urlencode({"outcome": shown}) if shown else "",
        "counts": _counts(checked.counts, applied),
        "can_import": request.user.has_perm("exchange.import_ejournal", checked.school),
        "applied_before": _applied_before(checked),
    }
    return render(request, "exchange/import.html", context)


def _counts(counts: dict, applied: bool) -> list[tuple[str, int, str]]:
    order = [
        services.Outcome.CREATED,
        services.Outcome.REASON,
        services.Outcome.UPDATED,
        services.Outcome.MATCHED,
        services.Outcome.SAME,
        services.Outcome.CONFLICT,
        services.Outcome.SKIPPED,
        services.Outcome.ERROR,
    ]
    labels = services.OUTCOME_LABELS
    return [
        (labels[o][1 if applied else 0], counts[o], labels[o][2]) for o in order if counts.get(o)
    ]


def _applied_before(checked):
    """The earlier application of the same file, if any (the page says so)."""
    return (
        type(checked)
        .objects.filter(
            school_id=checked.school_id, sha256=checked.sha256, status=checked.Status.APPLIED
        )
        .exclude(pk=checked.pk)
        .only("pk", "applied_at")
        .order_by("-applied_at")
        .first()
    )


@require_POST
@login_required
def import_apply(request, import_id: int):
    checked = selectors.get_import(request.user, import_id, perm="exchange.import_ejournal")
    try:
        services.start_apply(ejournal_import=checked, acting_user=request.user)
    except services.ExchangeError as error:
        messages.error(request, str(error))
    else:
        _queue(tasks.apply_ejournal, checked)
    return redirect("exchange:import", import_id=checked.pk)


@login_required
def letters(request, school_id: int):
    school = selectors.get_school(request.user, school_id)
    can_edit = request.user.has_perm("exchange.edit_letters", school)
    current = services.letters_of(school)
    initial = [
        {
            "letter": m.letter,
            "meaning": m.meaning,
            "reason_status": m.reason_status,
            "valid_reason": m.valid_reason,
            "description": m.description,
        }
        for m in current
    ]
    formset = LetterFormSet(request.POST or None, initial=initial)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if formset.is_valid():
            rows = [data for data in formset.cleaned_data if data and data.get("letter")]
            try:
                changed = services.save_letters(
                    school=school, letters=rows, acting_user=request.user
                )
            except services.ExchangeError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _("Обозначения сохранены.") if changed else _("Изменений нет."),
                )
                return redirect("exchange:letters", school_id=school.pk)
    context = {
        "school": school,
        "formset": formset,
        "can_edit": can_edit,
        "saved": bool(current) and current[0].pk is not None,
    }
    return render(request, "exchange/letters.html", context)


@login_required
def conflicts(request, school_id: int):
    school = selectors.get_school(request.user, school_id)
    resolved = request.GET.get("resolved") == "1"
    page = Paginator(selectors.conflicts(school, resolved=resolved), CONFLICTS_PAGE).get_page(
        request.GET.get("page")
    )
    records = list(page.object_list)
    for record in records:
        record.ejournal_text = services.describe(record.statement())
        record.app_text = services.describe(record.app_mark)
    log_read(
        actor=request.user,
        action="exchange.conflicts.viewed",
        obj=school,
        school_id=school.pk,
        student_ids=[record.student_id for record in records],
    )
    context = {
        "school": school,
        "page": page,
        "records": records,
        "resolved": resolved,
        "query": "resolved=1" if resolved else "",
        "open_conflicts": selectors.open_conflict_count(school),
        "can_resolve": request.user.has_perm("exchange.resolve_conflicts", school),
    }
    return render(request, "exchange/conflicts.html", context)


@require_POST
@login_required
def conflict_resolve(request, record_id: int):
    record = selectors.get_record(request.user, record_id)
    form = ConflictDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Выберите, какую отметку оставить."))
    else:
        try:
            services.resolve_conflict(
                record=record, decision=form.cleaned_data["decision"], acting_user=request.user
            )
        except services.ExchangeError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Расхождение разобрано."))
    return redirect("exchange:conflicts", school_id=record.school_id)
