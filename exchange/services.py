"""Marks from the regional e-journal (issue #15 point 4, docs/ejournal-import.md).

``check_export`` reads an uploaded export and runs it exactly as ``apply_import`` would —
through the journal's services, marks, reasons, history and all — inside a transaction
that is rolled back: the row-by-row report of the dry run is what applying will do, with
the journal's own refusals (a lesson not held yet, a closed week) among its errors.
``apply_import`` runs it again against the journal as it is then, in one transaction:
every row or none. Marks are set by ``journal.services.set_mark_once`` (a key per file and
row) and ``set_reasons``, the path of the marking page, so the history records them and
the threshold engine re-evaluates the students like after any mark.

What the e-journal says about a student in a lesson is kept (``EjournalRecord``): the same
statement again changes nothing. A mark made in the app is never overwritten: where it
disagrees, the row is kept as a conflict for the deputy (``resolve_conflict``). A mark the
import itself set, and nobody changed since, follows the e-journal's later exports.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import log_action
from journal.models import Mark, ReasonStatus, ValidReason
from journal.services import JournalError, set_mark_once, set_reasons
from journal.services.errors import JournalPermissionDenied
from journal.services.marks import snapshot
from schools.models import School

from .letters import DEFAULT_LETTERS, is_letter, normalise_letter
from .matching import Lookup, RowProblem
from .models import EjournalImport, EjournalRecord, LetterMapping, LetterMeaning
from .reader import SourceRow, read_export

State = EjournalRecord.State
logger = logging.getLogger(__name__)


class ExchangeError(Exception):
    """A refusal of the whole operation; the message is Russian and shown as is."""


class Outcome:
    """What became of a row (the report's column)."""

    CREATED = "created"  # the mark was set
    REASON = "reason"  # the app's absence got the e-journal's reason
    UPDATED = "updated"  # a mark the import set before follows the e-journal
    SAME = "same"  # this statement was imported before
    MATCHED = "matched"  # the app already has the same
    CONFLICT = "conflict"  # the app's mark differs: kept, listed for the deputy
    SKIPPED = "skipped"  # a letter the school does not carry over, or a repeated row
    ERROR = "error"

    CHANGING = (CREATED, REASON, UPDATED, CONFLICT)


# Outcome → (before applying, after applying, badge colour).
OUTCOME_LABELS = {
    Outcome.CREATED: (
        gettext_lazy("будет перенесена"),
        gettext_lazy("перенесена"),
        "success",
    ),
    Outcome.REASON: (
        gettext_lazy("будет установлена причина"),
        gettext_lazy("установлена причина"),
        "success",
    ),
    Outcome.UPDATED: (
        gettext_lazy("будет обновлена"),
        gettext_lazy("обновлена"),
        "success",
    ),
    Outcome.SAME: (gettext_lazy("уже загружена"), gettext_lazy("уже загружена"), "secondary"),
    Outcome.MATCHED: (gettext_lazy("совпадает"), gettext_lazy("совпадает"), "secondary"),
    Outcome.CONFLICT: (
        gettext_lazy("расхождение: не изменится"),
        gettext_lazy("расхождение: оставлено заместителю"),
        "warning",
    ),
    Outcome.SKIPPED: (gettext_lazy("пропущена"), gettext_lazy("пропущена"), "secondary"),
    Outcome.ERROR: (gettext_lazy("ошибка"), gettext_lazy("ошибка"), "danger"),
}


# --- The school's letters ------------------------------------------------------------------


def default_letters(school: School) -> list[LetterMapping]:
    return [
        LetterMapping(
            school=school,
            letter=letter,
            meaning=meaning,
            reason_status=status,
            valid_reason=reason,
            description=str(description),
        )
        for letter, (meaning, status, reason, description) in DEFAULT_LETTERS.items()
    ]


def letters_of(school: School) -> list[LetterMapping]:
    """The school's letters; the defaults (unsaved) until the school changes them."""
    saved = list(LetterMapping.objects.filter(school=school).order_by("letter"))
    return saved or default_letters(school)


def mapping_of(school: School) -> dict[str, dict]:
    return {mapping.letter: mapping.as_dict() for mapping in letters_of(school)}


def check_can_edit_letters(user, school: School) -> None:
    if not user.has_perm("exchange.edit_letters", school):
        raise PermissionDenied


def _letter_as_dict(mapping: LetterMapping) -> dict:
    return {"letter": mapping.letter, **mapping.as_dict(), "description": mapping.description}


def save_letters(*, school: School, letters: list[dict], acting_user) -> bool:
    """Replace the school's letters with ``letters`` (dicts of LetterMapping's fields).

    Every letter is checked before anything changes; an unchanged set changes and logs
    nothing. Returns whether anything changed."""
    check_can_edit_letters(acting_user, school)
    rows = [_clean_letter(school, data) for data in letters]
    seen = set()
    for row in rows:
        if row.letter in seen:
            raise ExchangeError(
                _("Обозначение «%(letter)s» указано дважды.") % {"letter": row.letter}
            )
        seen.add(row.letter)
    if not rows:
        raise ExchangeError(_("Оставьте хотя бы одно обозначение."))
    with transaction.atomic():
        School.objects.select_for_update(no_key=True).filter(pk=school.pk).first()
        old = [_letter_as_dict(m) for m in letters_of(school)]
        new = sorted((_letter_as_dict(m) for m in rows), key=lambda d: d["letter"])
        saved = LetterMapping.objects.filter(school=school).exists()
        if saved and old == new:
            return False
        LetterMapping.objects.filter(school=school).delete()
        LetterMapping.objects.bulk_create(rows)
        log_action(
            actor=acting_user,
            action="exchange.letters.changed",
            obj=school,
            data={"old": old, "new": new},
        )
    return True


def _clean_letter(school: School, data: dict) -> LetterMapping:
    letter = normalise_letter(data.get("letter"))
    if not is_letter(letter):
        raise ExchangeError(
            _("«%(letter)s» — не обозначение: 1–8 русских букв (Н, ОП, УП …).")
            % {"letter": str(data.get("letter") or "")[:20]}
        )
    meaning = data.get("meaning")
    if meaning not in LetterMeaning.values:
        raise ExchangeError(
            _("Для «%(letter)s» не выбрано, что это в приложении.") % {"letter": letter}
        )
    status = data.get("reason_status") or ReasonStatus.UNKNOWN
    reason = data.get("valid_reason") or ""
    if meaning != LetterMeaning.ABSENT:
        status, reason = ReasonStatus.UNKNOWN, ""
    if status not in ReasonStatus.values:
        raise ExchangeError(_("Неизвестный статус причины для «%(letter)s».") % {"letter": letter})
    if status == ReasonStatus.VALID and reason not in ValidReason.values:
        raise ExchangeError(
            _("Для «%(letter)s» укажите вид уважительной причины.") % {"letter": letter}
        )
    if status != ReasonStatus.VALID:
        reason = ""
    description = " ".join(str(data.get("description") or "").split())[:200]
    return LetterMapping(
        school=school,
        letter=letter,
        meaning=meaning,
        reason_status=status,
        valid_reason=reason,
        description=description,
    )


# --- Checking and applying an export -------------------------------------------------------


def check_can_import(user, school: School) -> None:
    if not user.has_perm("exchange.import_ejournal", school):
        raise PermissionDenied


def upload_export(*, school: School, uploaded, acting_user) -> EjournalImport:
    """Read an export into a new import waiting for its check (``check_upload``, a task).
    Raises reader.ExportFileError when the file cannot be read at all."""
    check_can_import(acting_user, school)
    content_hash = _sha256(uploaded)
    rows = read_export(uploaded)
    return EjournalImport.objects.create(
        school=school,
        file_name=_clean_name(uploaded.name),
        sha256=content_hash,
        rows=[row.as_dict() for row in rows],
        total=len(rows),
        uploaded_by=acting_user,
    )


def check_upload(ejournal_import: EjournalImport) -> EjournalImport:
    """The dry run: every row through the journal, rolled back; the report is stored."""
    rows = [SourceRow.from_dict(data) for data in ejournal_import.rows]
    with Progress(ejournal_import) as progress:
        report, counts = _run(
            ejournal_import.school,
            rows,
            ejournal_import.uploaded_by,
            key_prefix="ejournal-check",
            dry=True,
            progress=progress,
        )
    with transaction.atomic():
        ejournal_import.status = EjournalImport.Status.CHECKED
        ejournal_import.report, ejournal_import.counts = report, counts
        ejournal_import.done = len(rows)
        ejournal_import.save(update_fields=["status", "report", "counts", "done"])
        log_action(
            actor=ejournal_import.uploaded_by,
            action="exchange.ejournal.checked",
            obj=ejournal_import,
            data={"file": ejournal_import.file_name, "rows": len(rows), "counts": counts},
        )
    return ejournal_import


def check_export(*, school: School, uploaded, acting_user) -> EjournalImport:
    """Upload and check at once (tests, the shell)."""
    return check_upload(upload_export(school=school, uploaded=uploaded, acting_user=acting_user))


def _clean_name(name) -> str:
    text = "".join(
        ch for ch in str(name or "") if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF
    )
    return text.replace("/", "_").replace("\\", "_")[-255:] or "export"


def _sha256(uploaded) -> str:
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


def start_apply(*, ejournal_import: EjournalImport, acting_user) -> None:
    """Claim a checked import for applying (``apply_started``, a task): a second click, or
    a second deputy, finds it claimed and changes nothing."""
    check_can_import(acting_user, ejournal_import.school)
    if ejournal_import.status == EjournalImport.Status.APPLIED:
        raise ExchangeError(_("Этот файл уже применён."))
    if ejournal_import.counts.get(Outcome.ERROR):
        raise ExchangeError(
            _("В файле есть строки с ошибками: исправьте их и загрузите файл снова.")
        )
    claimed = EjournalImport.objects.filter(
        pk=ejournal_import.pk, status=EjournalImport.Status.CHECKED
    ).update(status=EjournalImport.Status.APPLYING, applied_by=acting_user, done=0)
    if not claimed:
        raise ExchangeError(_("Этот файл уже применяется или применён."))
    ejournal_import.status = EjournalImport.Status.APPLYING
    ejournal_import.applied_by = acting_user


def apply_started(ejournal_import: EjournalImport) -> EjournalImport:
    """Apply a claimed import in one transaction: every row, or nothing (ExchangeError,
    and the import is checked again with the report of what now fails)."""
    school, user = ejournal_import.school, ejournal_import.applied_by
    rows = [SourceRow.from_dict(data) for data in ejournal_import.rows]
    failed = None
    with Progress(ejournal_import) as progress, transaction.atomic():
        # Not locked FOR UPDATE: the progress connection writes its ``done`` meanwhile;
        # start_apply's claim is what lets one application run.
        locked = EjournalImport.objects.get(pk=ejournal_import.pk)
        if locked.status != EjournalImport.Status.APPLYING:
            raise ExchangeError(_("Этот файл уже применён."))
        _lock_school_imports(school)
        report, counts = _run(
            school,
            rows,
            user,
            key_prefix=f"ejournal-{locked.pk}",
            dry=False,
            source=locked,
            progress=progress,
        )
        if counts.get(Outcome.ERROR):
            # The journal changed since the check: nothing is applied, the report says why.
            transaction.set_rollback(True)
            failed = (report, counts)
        else:
            locked.status = EjournalImport.Status.APPLIED
            locked.report, locked.counts, locked.done = report, counts, len(rows)
            locked.applied_at = timezone.now()
            locked.save(update_fields=["status", "report", "counts", "done", "applied_at"])
            log_action(
                actor=user,
                action="exchange.ejournal.applied",
                obj=locked,
                data={"file": locked.file_name, "rows": len(rows), "counts": counts},
            )
    if failed is not None:
        EjournalImport.objects.filter(pk=locked.pk).update(
            status=EjournalImport.Status.CHECKED, report=failed[0], counts=failed[1]
        )
        raise ExchangeError(
            _(
                "С момента проверки журнал изменился, и некоторые строки теперь не переносятся: "
                "ничего не изменено. Посмотрите отчёт."
            )
        )
    return locked


def apply_import(*, ejournal_import: EjournalImport, acting_user) -> EjournalImport:
    """Claim and apply at once (tests, the shell)."""
    start_apply(ejournal_import=ejournal_import, acting_user=acting_user)
    return apply_started(ejournal_import)


def fail(ejournal_import: EjournalImport, message: str) -> None:
    """An unexpected error in a task: nothing was written (each step is one transaction);
    the page says so instead of «проверяется» for ever."""
    EjournalImport.objects.filter(pk=ejournal_import.pk).update(
        status=EjournalImport.Status.FAILED, failure=message[:300]
    )


class Progress:
    """Rows done, stored through a connection of its own (autocommit): the check and the
    application each run in one transaction, and the page polls the progress meanwhile."""

    EVERY = 25

    def __init__(self, ejournal_import: EjournalImport):
        self.import_id = ejournal_import.pk
        self.connection = None

    def __enter__(self):
        main = connections[DEFAULT_DB_ALIAS]
        self.connection = type(main)(dict(main.settings_dict), alias="exchange_progress")
        return self

    def __exit__(self, *exc):
        self.connection.close()
        return False

    def __call__(self, done: int) -> None:
        if done % self.EVERY:
            return
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {EjournalImport._meta.db_table} SET done = %s WHERE id = %s",
                    [done, self.import_id],
                )
        except DatabaseError:
            logger.warning(
                "E-journal import %s: progress not stored", self.import_id, exc_info=True
            )


def _lock_school_imports(school: School) -> None:
    """One import of a school at a time (two deputies applying files that overlap)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x454A, school.pk])


@dataclass
class Statement:
    letter: str
    meaning: str
    reason_status: str
    valid_reason: str
    minutes: int | None = None

    def as_dict(self) -> dict:
        return {
            "letter": self.letter,
            "meaning": self.meaning,
            "reason_status": self.reason_status,
            "valid_reason": self.valid_reason,
        }


def _run(school, rows, user, *, key_prefix: str, dry: bool, source=None, progress=None):
    """Every row through the journal's services; rolled back when ``dry``."""
    mapping = mapping_of(school)
    report, counts = [], {}
    with transaction.atomic():
        lookup = Lookup(school, rows)
        seen: dict[tuple[int, int], tuple[int, str]] = {}
        for row in rows:
            entry = _row(
                row, lookup, mapping, user, seen, key=f"{key_prefix}-{row.row}", source=source
            )
            report.append(entry)
            counts[entry["outcome"]] = counts.get(entry["outcome"], 0) + 1
            if progress is not None:
                progress(len(report))
        if dry:
            transaction.set_rollback(True)
    return report, counts


def _entry(row: SourceRow, outcome: str, text: str = "", note: str = "") -> dict:
    return {"row": row.row, "cells": row.shown, "outcome": outcome, "text": text, "note": note}


def _row(row, lookup, mapping, user, seen, *, key, source) -> dict:
    if row.errors:
        return _entry(row, Outcome.ERROR, " ".join(row.errors))
    meaning = mapping.get(row.letter)
    if meaning is None:
        return _entry(
            row,
            Outcome.ERROR,
            _("Обозначение «%(letter)s» не сопоставлено: добавьте его на странице обозначений.")
            % {"letter": row.letter},
        )
    statement = Statement(letter=row.letter, minutes=row.minutes, **meaning)
    if statement.meaning == LetterMeaning.SKIP:
        return _entry(
            row,
            Outcome.SKIPPED,
            _("«%(letter)s» не переносится в приложение.") % {"letter": row.letter},
        )
    try:
        school_class = lookup.school_class(row)
        student = lookup.student(school_class, row)
        lesson, note = lookup.lesson(school_class, student, row)
    except RowProblem as problem:
        return _entry(row, Outcome.ERROR, str(problem))
    pair = (lesson.pk, student.pk)
    if pair in seen:
        first_row, first_letter = seen[pair]
        if first_letter == row.letter:
            return _entry(row, Outcome.SKIPPED, _("Повтор строки %(row)s.") % {"row": first_row})
        return _entry(
            row,
            Outcome.ERROR,
            _("Строка %(row)s о том же уроке и обучающемся даёт другую отметку («%(letter)s»).")
            % {"row": first_row, "letter": first_letter},
        )
    seen[pair] = (row.row, row.letter)
    try:
        with transaction.atomic():
            outcome, text = _decide_and_do(
                lesson, student, statement, lookup, user, key, source, row
            )
    except (JournalError, JournalPermissionDenied, PermissionDenied) as refusal:
        return _entry(row, Outcome.ERROR, str(refusal) or _("Нет прав на эту отметку."), note)
    return _entry(row, outcome, text, note)


def _decide_and_do(lesson, student, statement, lookup, user, key, source, row):
    pair = (lesson.pk, student.pk)
    record = lookup.records.get(pair)
    if record is not None and record.statement() == statement.as_dict():
        return Outcome.SAME, _("Уже загружено раньше.")
    mark = lookup.marks.get(pair)
    now = snapshot(mark)
    owned = record is not None and record.applied is not None and record.applied == now
    taken_in_app = (
        lesson.attendance_taken_at is not None and lesson.pk not in lookup.imported_lessons
    )
    if owned or (mark is None and not taken_in_app):
        mark = _set(lesson, student.pk, statement, user, key)
        outcome = Outcome.UPDATED if owned else Outcome.CREATED
        state, applied = State.APPLIED, snapshot(mark)
        lookup.imported_lessons.add(lesson.pk)
        text = _("Отметка «%(letter)s».") % {"letter": statement.letter}
    elif mark is None or mark.kind != statement.meaning or _reasons_disagree(mark, statement):
        outcome, state, applied = Outcome.CONFLICT, State.CONFLICT, None
        text = _("В приложении: %(mark)s.") % {"mark": describe(now)}
    elif mark.kind == Mark.Kind.ABSENT and _fills_reason(mark, statement):
        _set_reason(mark, statement, user)
        outcome, state, applied = Outcome.REASON, State.APPLIED, None
        text = _("Причина из электронного журнала: %(reason)s.") % {
            "reason": describe(statement.as_dict())
        }
    else:
        outcome, state, applied = Outcome.MATCHED, State.MATCHED, None
        text = _("В приложении то же: %(mark)s.") % {"mark": describe(now)}
    _keep_record(record, lesson, student, statement, state, applied, now, source, row, lookup)
    return outcome, text


def _reasons_disagree(mark: Mark, statement: Statement) -> bool:
    """Both name a reason and one calls the absence excused, the other not."""
    if mark.kind != Mark.Kind.ABSENT or statement.reason_status == ReasonStatus.UNKNOWN:
        return False
    if mark.reason_status == ReasonStatus.UNKNOWN:
        return False
    return (mark.reason_status == ReasonStatus.VALID) != (
        statement.reason_status == ReasonStatus.VALID
    )


def _fills_reason(mark: Mark, statement: Statement) -> bool:
    return (
        mark.reason_status == ReasonStatus.UNKNOWN
        and statement.reason_status != ReasonStatus.UNKNOWN
    )


def _set(lesson, student_id: int, statement: Statement, user, key: str) -> Mark | None:
    minutes = statement.minutes if statement.meaning == LetterMeaning.LATE else None
    outcome = set_mark_once(
        lesson=lesson,
        student_id=student_id,
        kind=statement.meaning,
        acting_user=user,
        client_key=key,
        minutes_late=minutes,
    )
    mark = outcome.mark
    if (
        mark is not None
        and mark.kind == Mark.Kind.ABSENT
        and (
            mark.manual_reason_status,
            mark.manual_valid_reason,
        )
        != (statement.reason_status, statement.valid_reason)
    ):
        mark = _set_reason(mark, statement, user)
    return mark


def _set_reason(mark: Mark, statement: Statement, user) -> Mark:
    [mark] = set_reasons(
        marks=[mark],
        status=statement.reason_status,
        valid_reason=statement.valid_reason,
        acting_user=user,
        note=_("Из электронного журнала: «%(letter)s».") % {"letter": statement.letter},
    )
    return mark


def _keep_record(record, lesson, student, statement, state, applied, now, source, row, lookup):
    if record is None:
        record = EjournalRecord(school_id=lesson.school_id, lesson=lesson, student=student)
    record.letter = statement.letter
    record.meaning = statement.meaning
    record.reason_status = statement.reason_status
    record.valid_reason = statement.valid_reason
    record.state = state
    record.applied = applied
    record.app_mark = now if state == State.CONFLICT else None
    record.source = source
    record.source_row = row.row
    record.resolved_by, record.resolved_at = None, None
    record.save()
    lookup.records[(lesson.pk, student.pk)] = record


def describe(data: dict | None) -> str:
    """A mark's or a statement's snapshot in words: «Н, уважительная (болезнь)»."""
    if not data:
        return _("присутствовал")
    kind = data.get("kind") or data.get("meaning")
    if kind == Mark.Kind.LATE:
        minutes = data.get("minutes_late")
        return _("ОП (опоздание, %(m)s мин)") % {"m": minutes} if minutes else _("ОП (опоздание)")
    if kind != Mark.Kind.ABSENT:
        return _("присутствовал")
    status = data.get("reason_status") or ReasonStatus.UNKNOWN
    text = _("Н, %(reason)s") % {"reason": ReasonStatus(status).label}
    if data.get("valid_reason"):
        text += f" ({ValidReason(data['valid_reason']).label})"
    return text


# --- Conflicts -----------------------------------------------------------------------------


class Decision:
    KEEP_APP = "keep_app"
    TAKE_EJOURNAL = "take_ejournal"
    CHOICES = (KEEP_APP, TAKE_EJOURNAL)


def resolve_conflict(*, record: EjournalRecord, decision: str, acting_user) -> EjournalRecord:
    """The deputy keeps the app's mark or takes the e-journal's; audited either way."""
    if not acting_user.has_perm("exchange.resolve_conflicts", record):
        raise PermissionDenied
    if decision not in Decision.CHOICES:
        raise ExchangeError(_("Выберите, какую отметку оставить."))
    with transaction.atomic():
        locked = (
            EjournalRecord.objects.select_for_update(of=("self",))
            .select_related("lesson__school", "lesson__school_class__school", "lesson__subject")
            .get(pk=record.pk)
        )
        if locked.state != State.CONFLICT:
            raise ExchangeError(_("Это расхождение уже разобрано."))
        mark = Mark.objects.filter(lesson=locked.lesson, student_id=locked.student_id).first()
        before = snapshot(mark)
        statement = Statement(**locked.statement())
        if decision == Decision.TAKE_EJOURNAL:
            key = f"ejournal-resolve-{locked.pk}-{locked.source_id or 0}-{locked.source_row or 0}"
            mark = _set(locked.lesson, locked.student_id, statement, acting_user, key)
            locked.state, locked.applied = State.TOOK_EJOURNAL, snapshot(mark)
        else:
            locked.state = State.KEPT_APP
        locked.resolved_by, locked.resolved_at = acting_user, timezone.now()
        locked.save()
        log_action(
            actor=acting_user,
            action="exchange.conflict.resolved",
            obj=locked,
            student_id=locked.student_id,
            data={
                "student_id": locked.student_id,
                "lesson_id": locked.lesson_id,
                "decision": decision,
                "ejournal": locked.statement(),
                "old": before,
                "new": snapshot(mark),
            },
        )
    return locked
