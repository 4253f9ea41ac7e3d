"""Settling reasons of absences (R-J-2, R-J-4), and the reason each mark has in effect (R-J-3)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import selectors
from ..models import Mark, ReasonStatus, ValidReason
from ..signals import notify_attendance_changed
from . import history
from .errors import JournalError, JournalPermissionDenied
from .locks import is_week_locked

# The columns Mark.take_effective_reason decides.
EFFECTIVE_FIELDS = ["excuse", "reason_status", "valid_reason"]


def apply_effective_reasons(marks: list[Mark]) -> list[Mark]:
    """Give each mark the reason in effect: that of the earliest received active document
    covering it, else the one set by hand (``Mark.take_effective_reason``).

    One query for the documents (and one for their chosen lessons), however many marks; the
    marks may be unsaved. Saves nothing; returns the marks whose excuse or reason changed.
    """
    if not marks:
        return []
    excuses = list(
        selectors.active_excuses_for(
            {mark.student_id for mark in marks},
            min(mark.date for mark in marks),
            max(mark.date for mark in marks),
        )
    )
    return [
        mark
        for mark in marks
        if mark.take_effective_reason(
            selectors.covering_excuse(excuses, mark.lesson_id, mark.date, mark.student_id)
        )
    ]


def recompute_effective_reasons(marks: list[Mark], *, acting_user) -> list[Mark]:
    """``apply_effective_reasons`` and save the marks that changed, in one statement.

    For documents registered or withdrawn; the caller holds the marks' row locks.
    """
    changed = apply_effective_reasons(marks)
    now = timezone.now()
    for mark in changed:
        mark.updated_by, mark.updated_at = acting_user, now
    Mark.objects.bulk_update(changed, [*EFFECTIVE_FIELDS, "updated_by", "updated_at"])
    return changed


def _reason(mark: Mark) -> dict:
    return {"reason_status": mark.reason_status, "valid_reason": mark.valid_reason}


def set_reasons(
    *,
    marks,
    status: str,
    acting_user,
    valid_reason: str = "",
    note: str = "",
) -> list[Mark]:
    """Set the reason of several absences at once (a whole day, or chosen lessons)."""
    if status not in ReasonStatus.values:
        raise JournalError(_("Неизвестный статус причины."))
    if status == ReasonStatus.VALID and valid_reason not in ValidReason.values:
        raise JournalError(_("Укажите вид уважительной причины."))
    if status != ReasonStatus.VALID:
        valid_reason = ""

    with transaction.atomic():
        locked = list(
            Mark.objects.select_for_update(of=("self",))
            .filter(pk__in=[m.pk for m in marks], kind=Mark.Kind.ABSENT)
            .select_related("lesson__school", "lesson__school_class__school", "lesson__subject")
        )
        if not locked:
            raise JournalError(_("Не выбрано ни одного пропуска."))
        for mark in locked:
            _check_can_settle(acting_user, mark)
        old = {mark.pk: _reason(mark) for mark in locked}
        now = timezone.now()
        for mark in locked:
            mark.manual_reason_status, mark.manual_valid_reason = status, valid_reason
            if note:
                mark.reason_note = note
            mark.updated_by, mark.updated_at = acting_user, now
        apply_effective_reasons(locked)
        Mark.objects.bulk_update(
            locked,
            [
                "manual_reason_status",
                "manual_valid_reason",
                *EFFECTIVE_FIELDS,
                "reason_note",
                "updated_by",
                "updated_at",
            ],
        )
        history.record_history(
            [
                history.reason_change_entry(
                    mark=mark,
                    old=old[mark.pk],
                    new={
                        **_reason(mark),
                        "manual_reason_status": status,
                        "manual_valid_reason": valid_reason,
                        "note": note,
                    },
                    actor=acting_user,
                )
                for mark in locked
            ]
        )
        notify_attendance_changed(
            school_id=locked[0].school_id, student_ids={m.student_id for m in locked}
        )
    return locked


def _check_can_settle(user, mark: Mark) -> None:
    school_class = mark.lesson.school_class
    if not user.has_perm("journal.settle_reasons", school_class):
        raise JournalPermissionDenied(
            _("Вы не можете устанавливать причины пропусков этого класса.")
        )
    if is_week_locked(school_class.pk, mark.date, school=school_class.school) and not user.has_perm(
        "journal.edit_locked_marks", school_class
    ):
        raise JournalPermissionDenied(
            _(
                "Неделя закрыта (рапортичка утверждена): изменить причину может только заместитель директора."
            )
        )
