"""Excuse documents (R-J-3): registering one sets the reason of every covered absence."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import log_action
from schools.models import Enrollment, SchoolClass

from .. import selectors
from ..models import AttendanceChange, ExcuseDocument, Mark, ReasonStatus
from ..signals import notify_attendance_changed
from ..uploads import private_name, upload_limit, validate_scan
from .errors import JournalError, JournalPermissionDenied

MAX_EXCUSE_DAYS = 366


def _class_of(student_id: int, school_id: int, start: datetime.date, end: datetime.date):
    enrollment = (
        Enrollment.objects.filter(student_id=student_id, school_id=school_id, start_date__lte=end)
        .exclude(end_date__lt=start)
        .select_related("school_class")
        .order_by("-start_date")
        .first()
    )
    return enrollment.school_class if enrollment else None


def register_excuse(
    *,
    student,
    school,
    kind: str,
    start_date: datetime.date,
    end_date: datetime.date,
    acting_user,
    lessons=(),
    scan=None,
    valid_reason: str = "",
    number: str = "",
    issued_by: str = "",
    issued_on: datetime.date | None = None,
    note: str = "",
) -> ExcuseDocument:
    if kind not in ExcuseDocument.Kind.values:
        raise JournalError(_("Неизвестный вид документа."))
    if end_date < start_date:
        raise JournalError(_("Дата окончания раньше даты начала."))
    if (end_date - start_date).days >= MAX_EXCUSE_DAYS:
        raise JournalError(_("Документ не может охватывать больше года."))
    school_class: SchoolClass | None = _class_of(student.pk, school.pk, start_date, end_date)
    if school_class is None:
        raise JournalError(_("Обучающийся не числится в школе в указанные даты."))
    if not acting_user.has_perm("journal.settle_reasons", school_class):
        raise JournalPermissionDenied(
            _("Вы не можете регистрировать документы этого обучающегося.")
        )
    lessons = list(lessons)
    if any(not (start_date <= lesson.date <= end_date) for lesson in lessons):
        raise JournalError(_("Выбранные уроки должны входить в период документа."))
    scan_type = ""
    if scan is not None:
        try:
            scan_type, extension = validate_scan(scan, max_bytes=upload_limit(school))
        except ValidationError as error:
            raise JournalError(error.messages[0]) from error

    with transaction.atomic():
        excuse = ExcuseDocument(
            school=school,
            student=student,
            kind=kind,
            valid_reason=valid_reason or ExcuseDocument.REASON_FOR_KIND[kind],
            number=number,
            issued_by=issued_by,
            issued_on=issued_on,
            start_date=start_date,
            end_date=end_date,
            note=note,
            received_by=acting_user,
            received_at=timezone.now(),
        )
        if scan is not None:
            excuse.scan_content_type = scan_type
            excuse.scan_original_name = scan.name[:255]
            excuse.scan.save(private_name(extension), scan, save=False)
        excuse.save()
        if lessons:
            excuse.lessons.set(lessons)
        covered = _apply(excuse, acting_user)
        AttendanceChange.objects.create(
            student=student,
            school=school,
            excuse=excuse,
            action=AttendanceChange.Action.EXCUSE_ADDED,
            new={
                "kind": kind,
                "start_date": start_date,
                "end_date": end_date,
                "marks": len(covered),
            },
            actor=acting_user,
        )
        log_action(
            actor=acting_user,
            action="journal.excuse.registered",
            obj=excuse,
            data={"student_id": student.pk, "mark_ids": [m.pk for m in covered]},
        )
        notify_attendance_changed(school_id=school.pk, student_ids=[student.pk])
    return excuse


def _covered_marks(excuse: ExcuseDocument):
    marks = Mark.objects.select_for_update().filter(
        student_id=excuse.student_id,
        school_id=excuse.school_id,
        kind=Mark.Kind.ABSENT,
        date__gte=excuse.start_date,
        date__lte=excuse.end_date,
    )
    chosen = list(excuse.lessons.values_list("pk", flat=True))
    if chosen:
        marks = marks.filter(lesson_id__in=chosen)
    return list(marks)


def _apply(excuse: ExcuseDocument, user) -> list[Mark]:
    """Excuse every covered absence, those marked before the document was registered too."""
    marks = [m for m in _covered_marks(excuse) if m.excuse_id is None]
    for mark in marks:
        mark.excuse = excuse
        mark.reason_status = ReasonStatus.VALID
        mark.valid_reason = excuse.valid_reason
        mark.updated_by = user
    Mark.objects.bulk_update(marks, ["excuse", "reason_status", "valid_reason", "updated_by"])
    return marks


def withdraw_excuse(*, excuse: ExcuseDocument, acting_user, reason: str = "") -> ExcuseDocument:
    """Withdraw a document: its absences fall back to another document or the manual reason."""
    school_class = _class_of(
        excuse.student_id, excuse.school_id, excuse.start_date, excuse.end_date
    )
    if school_class is None or not acting_user.has_perm("journal.settle_reasons", school_class):
        raise JournalPermissionDenied(_("Вы не можете отзывать документы этого обучающегося."))
    with transaction.atomic():
        excuse = ExcuseDocument.objects.select_for_update().get(pk=excuse.pk)
        if not excuse.is_active:
            raise JournalError(_("Документ уже отозван."))
        excuse.withdrawn_at = timezone.now()
        excuse.withdrawn_by = acting_user
        excuse.withdraw_reason = reason
        excuse.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
        marks = list(Mark.objects.select_for_update().filter(excuse=excuse))
        others = list(
            selectors.active_excuses_for(
                [excuse.student_id], excuse.start_date, excuse.end_date
            ).exclude(pk=excuse.pk)
        )
        for mark in marks:
            other = selectors.covering_excuse(others, mark.lesson_id, mark.date, mark.student_id)
            mark.excuse = other
            if other is not None:
                mark.reason_status, mark.valid_reason = ReasonStatus.VALID, other.valid_reason
            else:
                mark.reason_status = mark.manual_reason_status
                mark.valid_reason = mark.manual_valid_reason
            mark.updated_by = acting_user
        Mark.objects.bulk_update(marks, ["excuse", "reason_status", "valid_reason", "updated_by"])
        AttendanceChange.objects.create(
            student_id=excuse.student_id,
            school_id=excuse.school_id,
            excuse=excuse,
            action=AttendanceChange.Action.EXCUSE_WITHDRAWN,
            old={"kind": excuse.kind, "start_date": excuse.start_date, "end_date": excuse.end_date},
            new={"reason": reason, "marks": len(marks)},
            actor=acting_user,
        )
        log_action(
            actor=acting_user,
            action="journal.excuse.withdrawn",
            obj=excuse,
            data={"reason": reason, "mark_ids": [m.pk for m in marks]},
        )
        notify_attendance_changed(school_id=excuse.school_id, student_ids=[excuse.student_id])
    return excuse
