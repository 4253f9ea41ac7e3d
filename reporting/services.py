"""The workflow of a report (spec §6): draft → submitted → approved | returned.

Every step locks the report row, checks the current state and the version the user saw
(``version``: a page opened before someone else acted is stale and refused), then changes
it and writes the audit entry in the same transaction. Two deputies approving at once:
the second waits for the first's lock and then finds the version approved.

Rendering is queued after the commit (``reporting.tasks``); an approved version's PDF and
XLSX are rendered once, from its frozen data, and never again.
"""

import datetime
import hashlib
import logging

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import log_action
from journal.services.locks import lock_week
from policy.catalog import MONTHS
from policy.services import settings_for
from schools.models import Enrollment

from . import tasks
from .deadlines import due_at
from .kinds import apply_amendments, kind_of
from .models import Kind, Report, ReportFile, ReportVersion, Status
from .rendering import render
from .selectors import visible_versions

MAX_AMENDMENT = 2000
logger = logging.getLogger(__name__)


class ReportError(Exception):
    """A request the workflow refuses; the message is shown to the user as is (Russian)."""


PURGED = gettext_lazy("Данные этой версии уничтожены по истечении срока хранения.")


# ---------------------------------------------------------------------------- data


def live_data(report: Report, version: ReportVersion) -> dict:
    """The form as it stands now: built from the journal and casework, amended by hand."""
    report_kind = kind_of(report)
    return apply_amendments(report_kind.build(report), version.amendments, report_kind.editable)


def version_data(version: ReportVersion) -> dict:
    """A submitted version's frozen data, a draft's live data. The data of a version
    destroyed after its retention period (``reporting.retention``) is gone: not rebuilt."""
    if version.purged_at is not None:
        raise ReportError(PURGED)
    if version.data is not None:
        return version.data
    return live_data(version.report, version)


def latest_version(report: Report) -> ReportVersion:
    return report.versions.order_by("-number").first()


# ---------------------------------------------------------------------------- opening


def open_report(
    *,
    kind: str,
    period_start: datetime.date,
    period_end: datetime.date,
    acting_user,
    school=None,
    school_class=None,
    student=None,
    municipality=None,
) -> Report:
    """The report of this scope and period, opened as a draft if it is new. Idempotent."""
    if period_start > period_end:
        raise ReportError(_("Начало периода позже его окончания."))
    if period_start > timezone.localdate():
        raise ReportError(_("Отчёт за период, который ещё не начался, составить нельзя."))
    if school_class is not None:
        school = school_class.school
    if school is not None:
        municipality = school.municipality
    if municipality is None:
        raise ReportError(_("Не указано, чей это отчёт."))
    _check_scope(kind, period_start, school, municipality, student)
    candidate = Report(
        kind=kind,
        municipality=municipality,
        school=school,
        school_class=school_class,
        student=student,
        period_start=period_start,
        period_end=period_end,
    )
    if not acting_user.has_perm("reporting.prepare_report", candidate):
        raise PermissionDenied
    scope = {
        "kind": kind,
        "municipality": municipality,
        "school": school,
        "school_class": school_class,
        "student": student,
        "period_start": period_start,
    }
    existing = Report.objects.filter(**scope).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            candidate.created_by = acting_user
            candidate.due_at = due_at(candidate)
            candidate.save()
            ReportVersion.objects.create(report=candidate, number=1, created_by=acting_user)
            log_action(
                actor=acting_user,
                action="reporting.report.opened",
                obj=candidate,
                data={"kind": kind, "period": [period_start.isoformat(), period_end.isoformat()]},
            )
    except IntegrityError:  # opened by someone else a moment ago
        return Report.objects.get(**scope)
    return candidate


def _check_scope(kind, period_start, school, municipality, student) -> None:
    """The monthly forms only for the reporting months (September–May by default); the
    information on a minor only for a student of the school."""
    if kind in (Kind.MONTHLY_INFORMATION, Kind.MUNICIPAL_MONTHLY):
        policy = settings_for(school) if school else settings_for(region=municipality.region)
        months = policy["reports.monthly_months"]
        if period_start.month not in months:
            names = dict(MONTHS)
            raise ReportError(
                _("Ежемесячную информацию составляют только за отчётные месяцы: %(months)s.")
                % {"months": ", ".join(str(names[month]) for month in months)}
            )
    if kind == Kind.NOT_IN_EDUCATION and (
        student is None or not Enrollment.objects.filter(student=student, school=school).exists()
    ):
        raise ReportError(_("Этот обучающийся не числится в выбранной школе."))


# ---------------------------------------------------------------------------- steps


def _locked(report: Report, version_number: int) -> tuple[Report, ReportVersion]:
    """The report locked for update and its latest version, which must be the one seen."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    version = latest_version(report)
    if version.number != version_number:
        raise ReportError(
            _(
                "Отчёт изменился, пока страница была открыта (теперь версия %(n)s). Обновите страницу."
            )
            % {"n": version.number}
        )
    return report, version


def amend(
    *, report: Report, version: int, row_key: str, texts: dict[str, str], acting_user
) -> ReportVersion:
    """Change free-text columns of a row ("measures taken", "where the child is") before
    submission, all of them or none (``texts``: column → text). A text equal to the
    computed value removes that column's amendment."""
    if not acting_user.has_perm("reporting.prepare_report", report):
        raise PermissionDenied
    texts = {column: text.strip() for column, text in texts.items()}
    if any(len(text) > MAX_AMENDMENT for text in texts.values()):
        raise ReportError(_("Не более %(n)s знаков.") % {"n": MAX_AMENDMENT})
    with transaction.atomic():
        report, current = _locked(report, version)
        if current.status != Status.DRAFT:
            raise ReportError(_("Сданный отчёт изменить нельзя."))
        report_kind = kind_of(report)
        tables = report_kind.build(report).get("tables", {})
        row = _editable_row(report_kind.editable, tables, row_key, set(texts))
        before = current.amendments.get(row_key, {})
        changes = dict(before)
        for column, text in texts.items():
            if text == (row.get(column) or ""):
                changes.pop(column, None)
            else:
                changes[column] = text
        amendments = {**current.amendments, row_key: changes}
        if not changes:
            amendments.pop(row_key)
        if amendments == current.amendments:
            return current
        current.amendments = amendments
        current.save(update_fields=["amendments"])
        log_action(
            actor=acting_user,
            action="reporting.report.amended",
            obj=report,
            data={
                "version": current.number,
                "row": row_key,
                "changes": {
                    column: {"old": before.get(column, row.get(column) or ""), "new": text}
                    for column, text in texts.items()
                    if before.get(column, row.get(column) or "") != text
                },
            },
        )
    return current


def _editable_row(editable: dict, tables: dict, row_key: str, columns: set[str]) -> dict:
    """The computed row ``row_key`` of a table where every one of ``columns`` may be amended."""
    for table, allowed in editable.items():
        if not columns <= set(allowed):
            continue
        for row in tables.get(table, []):
            if row["key"] == row_key:
                return row
    raise ReportError(_("В отчёте нет такой строки или графы."))


def submit(*, report: Report, version: int, acting_user) -> ReportVersion:
    """Freeze the draft's data and hand it to whoever approves it."""
    if not acting_user.has_perm("reporting.prepare_report", report):
        raise PermissionDenied
    with transaction.atomic():
        report, current = _locked(report, version)
        if current.status != Status.DRAFT:
            raise ReportError(_("Эта версия отчёта уже сдана."))
        if report.period_end >= timezone.localdate() and report.kind in CLOSED_PERIOD_KINDS:
            raise ReportError(_("Отчёт сдают после окончания периода."))
        now = timezone.now()
        current.files.all().delete()  # the draft's previews: the frozen data is rendered anew
        current.data = live_data(report, current)
        current.status, current.submitted_at, current.submitted_by = (
            Status.SUBMITTED,
            now,
            acting_user,
        )
        current.comment = ""
        current.save(update_fields=["data", "status", "submitted_at", "submitted_by", "comment"])
        _set_status(report, Status.SUBMITTED)
        log_action(
            actor=acting_user,
            action="reporting.report.submitted",
            obj=report,
            data={"version": current.number},
        )
    return current


# A рапортичка, a term summary and the monthly forms are about a closed period; the weekly
# report and the information on a minor are "as of" their day.
CLOSED_PERIOD_KINDS = frozenset(
    {Kind.WEEKLY_CLASS_REPORT, Kind.TERM_SUMMARY, Kind.MONTHLY_INFORMATION, Kind.MUNICIPAL_MONTHLY}
)


def return_report(*, report: Report, version: int, comment: str, acting_user) -> ReportVersion:
    """Send a submitted version back with a comment; the next draft starts from it."""
    if not acting_user.has_perm("reporting.decide_report", report):
        raise PermissionDenied
    comment = comment.strip()
    if not comment:
        raise ReportError(_("Напишите, что исправить: без комментария отчёт не возвращают."))
    with transaction.atomic():
        report, current = _locked(report, version)
        _check_decidable(current, acting_user)
        current.status, current.comment = Status.RETURNED, comment[:MAX_AMENDMENT]
        current.decided_at, current.decided_by = timezone.now(), acting_user
        current.save(update_fields=["status", "comment", "decided_at", "decided_by"])
        _new_draft(report, current, acting_user)
        _set_status(report, Status.RETURNED)
        log_action(
            actor=acting_user,
            action="reporting.report.returned",
            obj=report,
            data={"version": current.number, "comment": current.comment},
        )
    return current


def approve(*, report: Report, version: int, acting_user) -> ReportVersion:
    """Approve (утвердить) a submitted version: it is frozen, its PDF and XLSX are rendered
    once and kept with their checksums; a рапортичка's week is locked (R-J-6)."""
    if not acting_user.has_perm("reporting.decide_report", report):
        raise PermissionDenied
    with transaction.atomic():
        report, current = _locked(report, version)
        _check_decidable(current, acting_user)
        current.status = Status.APPROVED
        current.decided_at, current.decided_by = timezone.now(), acting_user
        current.save(update_fields=["status", "decided_at", "decided_by"])
        report.approved_number = current.number
        report.save(update_fields=["approved_number"])
        _set_status(report, Status.APPROVED)
        if report.kind == Kind.WEEKLY_CLASS_REPORT:
            lock_week(
                school_class=report.school_class,
                week_start=report.period_start,
                acting_user=acting_user,
                reason=_("Рапортичка утверждена"),
            )
        current.files.all().delete()  # a preview asked for before approval: rendered anew
        files = [
            ReportFile.objects.create(version=current, format=fmt)
            for fmt in (ReportFile.Format.PDF, ReportFile.Format.XLSX)
        ]
        log_action(
            actor=acting_user,
            action="reporting.report.approved",
            obj=report,
            data={"version": current.number},
        )
        _queue(files)
    return current


def start_correction(*, report: Report, version: int, acting_user) -> ReportVersion:
    """A new draft after approval: the approved version stays as it was."""
    if not acting_user.has_perm("reporting.prepare_report", report):
        raise PermissionDenied
    with transaction.atomic():
        report, current = _locked(report, version)
        if current.status != Status.APPROVED:
            raise ReportError(_("Исправляют только утверждённый отчёт."))
        if current.purged_at is not None:
            raise ReportError(
                _("Данные отчёта уничтожены по сроку хранения: исправить его нельзя.")
            )
        draft = _new_draft(report, current, acting_user)
        _set_status(report, Status.DRAFT)
        log_action(
            actor=acting_user,
            action="reporting.report.correction_started",
            obj=report,
            data={"version": draft.number, "corrects": current.number},
        )
    return draft


def _check_decidable(version: ReportVersion, acting_user) -> None:
    if version.status == Status.APPROVED:
        raise ReportError(_("Отчёт уже утверждён."))
    if version.status != Status.SUBMITTED:
        raise ReportError(_("Отчёт ещё не сдан."))
    if version.submitted_by_id == acting_user.pk:
        raise ReportError(_("Свой отчёт утверждает или возвращает другой сотрудник."))


def _new_draft(report: Report, previous: ReportVersion, acting_user) -> ReportVersion:
    return ReportVersion.objects.create(
        report=report,
        number=previous.number + 1,
        amendments=previous.amendments,
        created_by=acting_user,
    )


def _set_status(report: Report, status: str) -> None:
    report.status = status
    report.save(update_fields=["status"])


# ---------------------------------------------------------------------------- files


def request_file(*, version: ReportVersion, format: str, acting_user) -> ReportFile:
    """The PDF or XLSX of a version, queued for rendering unless it is there already.

    A draft's file is rendered afresh each time (its data moves); a submitted or approved
    version's file is rendered once from its frozen data. Only for whoever may read the
    version (an official: an approved one)."""
    report = version.report
    readable = {v.pk for v in visible_versions(acting_user, report)}
    if not acting_user.has_perm("reporting.view_report", report) or version.pk not in readable:
        raise PermissionDenied
    if format not in ReportFile.Format.values:
        raise ReportError(_("Неизвестный формат файла."))
    with transaction.atomic():
        version = ReportVersion.objects.select_for_update().get(pk=version.pk)
        if version.purged_at is not None:
            raise ReportError(PURGED)
        existing = version.files.filter(format=format).first()
        if existing is not None:
            reusable = version.status != Status.DRAFT and existing.state != ReportFile.State.FAILED
            if reusable:
                return existing
            if version.status == Status.APPROVED:  # a failed render of a frozen version
                existing.state, existing.progress, existing.error = ReportFile.State.QUEUED, 0, ""
                existing.save(update_fields=["state", "progress", "error"])
                _queue([existing])
                return existing
            existing.delete()
        file = ReportFile.objects.create(version=version, format=format)
        log_action(
            actor=acting_user,
            action="reporting.report.exported",
            obj=version.report,
            data={"version": version.number, "format": format},
        )
        _queue([file])
    return file


def _queue(files: list[ReportFile]) -> None:
    for file in files:
        transaction.on_commit(lambda pk=file.pk: tasks.render_report_file.delay(pk))


def render_file(file_id: int) -> ReportFile | None:
    """Render a queued file (the Celery task's body). Claimed by a conditional update so
    that a task run twice renders once; a done file is never written again."""
    claimed = ReportFile.objects.filter(pk=file_id, state=ReportFile.State.QUEUED).update(
        state=ReportFile.State.RUNNING, progress=10
    )
    if not claimed:
        return None
    file = ReportFile.objects.select_related("version__report").get(pk=file_id)
    try:
        data = version_data(file.version)
        ReportFile.objects.filter(pk=file_id).update(progress=40)
        document = render(file.version, data, file.format)
    except Exception as error:  # shown on the page as failed; the log keeps the trace
        logger.exception("report file %s failed", file_id)
        ReportFile.objects.filter(pk=file_id).update(
            state=ReportFile.State.FAILED, error=str(error)[:500], finished_at=timezone.now()
        )
        return None
    ReportFile.objects.filter(pk=file_id, state=ReportFile.State.RUNNING).update(
        state=ReportFile.State.DONE,
        progress=100,
        filename=document.filename,
        mime_type=document.mime_type,
        content=document.content,
        sha256=hashlib.sha256(document.content).hexdigest(),
        finished_at=timezone.now(),
    )
    file.refresh_from_db()
    return file
