"""A student's attendance history (R-J-6) is their entries in the audit log.

Every change of a mark, of a reason or of an excuse document writes exactly one audit entry
naming the student, in the transaction of the change; the student card reads them back.
The services below build those entries; ``record_history`` writes entries made after the
fact (the demo data) in one statement, with the time each change was made.

Entry data: ``old`` and ``new`` (what the card shows as «было» / «стало»), the ``lesson``
of a mark as the card names it (date, period, subject: the history reads in one query and
outlives the lesson), and ids for the audit (``student_id``; ``mark_id`` or ``mark_ids``).
"""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from audit.services import audit_entry, log_actions

MARK_CHANGED = "journal.mark.changed"
REASON_SET = "journal.reason.set"
EXCUSE_REGISTERED = "journal.excuse.registered"
EXCUSE_WITHDRAWN = "journal.excuse.withdrawn"
ACTIONS = (MARK_CHANGED, REASON_SET, EXCUSE_REGISTERED, EXCUSE_WITHDRAWN)

PRESENT = "present"


class HistoryAction(models.TextChoices):
    """What a history entry did, as the student card names it."""

    MARK_SET = "mark_set", _("отметка поставлена")
    MARK_CHANGED = "mark_changed", _("отметка изменена")
    MARK_CLEARED = "mark_cleared", _("отметка снята")
    REASON_SET = "reason_set", _("причина установлена")
    EXCUSE_ADDED = "excuse_added", _("документ зарегистрирован")
    EXCUSE_WITHDRAWN = "excuse_withdrawn", _("документ отозван")


def history_action(entry: AuditEntry) -> HistoryAction:
    if entry.action == REASON_SET:
        return HistoryAction.REASON_SET
    if entry.action == EXCUSE_REGISTERED:
        return HistoryAction.EXCUSE_ADDED
    if entry.action == EXCUSE_WITHDRAWN:
        return HistoryAction.EXCUSE_WITHDRAWN
    old, new = entry.data.get("old") or {}, entry.data.get("new") or {}
    if old.get("kind") == PRESENT:
        return HistoryAction.MARK_SET
    if new.get("kind") == PRESENT:
        return HistoryAction.MARK_CLEARED
    return HistoryAction.MARK_CHANGED


def lesson_facts(lesson) -> dict:
    """The lesson as the history names it. Its subject is loaded anyway for object_repr."""
    return {
        "id": lesson.pk,
        "date": lesson.date,
        "period": lesson.period,
        "subject": str(lesson.subject),
    }


def mark_change_entry(
    *, lesson, student_id: int, old: dict, new: dict, actor, at: datetime.datetime | None = None
) -> AuditEntry:
    """A mark set, changed or cleared: ``old`` / ``new`` are ``marks.snapshot`` dicts
    (``{"kind": "present"}`` for no mark). The lesson's class and subject should be loaded."""
    return audit_entry(
        actor=actor,
        action=MARK_CHANGED,
        obj=lesson,
        student_id=student_id,
        data={
            "student_id": student_id,
            "lesson": lesson_facts(lesson),
            "old": old,
            "new": new,
        },
        at=at,
    )


def reason_change_entry(
    *, mark, old: dict, new: dict, actor, at: datetime.datetime | None = None
) -> AuditEntry:
    """The reason of one absence settled: ``old`` / ``new`` hold reason_status and
    valid_reason; ``new`` also the manual_reason_status chosen and the note."""
    return audit_entry(
        actor=actor,
        action=REASON_SET,
        obj=mark.lesson,
        student_id=mark.student_id,
        data={
            "student_id": mark.student_id,
            "mark_id": mark.pk,
            "lesson": lesson_facts(mark.lesson),
            "old": old,
            "new": new,
        },
        at=at,
    )


def _document(excuse) -> dict:
    return {"kind": excuse.kind, "start_date": excuse.start_date, "end_date": excuse.end_date}


def _excuse_entry(action: str, *, excuse, actor, at, data: dict) -> AuditEntry:
    return audit_entry(
        actor=actor,
        action=action,
        obj=excuse,
        student_id=excuse.student_id,
        data={"student_id": excuse.student_id, **data},
        at=at,
    )


def excuse_registered_entry(
    *, excuse, mark_ids, actor, at: datetime.datetime | None = None
) -> AuditEntry:
    """A document registered; ``mark_ids``: the absences it excused."""
    mark_ids = list(mark_ids)
    data = {"mark_ids": mark_ids, "new": {**_document(excuse), "marks": len(mark_ids)}}
    return _excuse_entry(EXCUSE_REGISTERED, excuse=excuse, actor=actor, at=at, data=data)


def excuse_withdrawn_entry(
    *, excuse, reason: str, mark_ids, actor, at: datetime.datetime | None = None
) -> AuditEntry:
    """A document withdrawn; ``mark_ids``: the absences it no longer excuses."""
    mark_ids = list(mark_ids)
    data = {
        "reason": reason,
        "mark_ids": mark_ids,
        "old": _document(excuse),
        "new": {"reason": reason, "marks": len(mark_ids)},
    }
    return _excuse_entry(EXCUSE_WITHDRAWN, excuse=excuse, actor=actor, at=at, data=data)


def record_history(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Write history entries built above, in one statement per 2,000, in the caller's
    transaction. For data recorded after the fact: the services write their own."""
    return log_actions(entries)
