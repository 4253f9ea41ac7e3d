"""Settling reasons of absences (R-J-2, R-J-4)."""

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import log_action

from ..models import AttendanceChange, Mark, ReasonStatus, ValidReason
from ..signals import notify_attendance_changed
from .errors import JournalError, JournalPermissionDenied
from .locks import is_week_locked


def effective_reason(mark: Mark) -> tuple[str, str]:
    """An active excuse document wins over the reason set by hand."""
    if mark.excuse_id is not None:
        return ReasonStatus.VALID, mark.excuse.valid_reason
    return mark.manual_reason_status, mark.manual_valid_reason


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
            .select_related("lesson__school_class", "excuse")
        )
        if not locked:
            raise JournalError(_("Не выбрано ни одного пропуска."))
        for mark in locked:
            _check_can_settle(acting_user, mark)
        changes = []
        for mark in locked:
            old = {"reason_status": mark.reason_status, "valid_reason": mark.valid_reason}
            mark.manual_reason_status, mark.manual_valid_reason = status, valid_reason
            mark.reason_status, mark.valid_reason = effective_reason(mark)
            if note:
                mark.reason_note = note
            mark.updated_by = acting_user
            new = {"reason_status": mark.reason_status, "valid_reason": mark.valid_reason}
            changes.append(
                AttendanceChange(
                    student_id=mark.student_id,
                    school_id=mark.school_id,
                    lesson_id=mark.lesson_id,
                    action=AttendanceChange.Action.REASON_SET,
                    old=old,
                    new={**new, "manual_reason_status": status, "note": note},
                    actor=acting_user,
                )
            )
        Mark.objects.bulk_update(
            locked,
            [
                "manual_reason_status",
                "manual_valid_reason",
                "reason_status",
                "valid_reason",
                "reason_note",
                "updated_by",
                "updated_at",
            ],
        )
        AttendanceChange.objects.bulk_create(changes)
        school_id = locked[0].school_id
        log_action(
            actor=acting_user,
            action="journal.reason.set",
            school=locked[0].lesson.school,
            data={
                "mark_ids": [m.pk for m in locked],
                "status": status,
                "valid_reason": valid_reason,
                "note": note,
            },
        )
        notify_attendance_changed(school_id=school_id, student_ids={m.student_id for m in locked})
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
