"""Excuse documents (R-J-3): registering or withdrawing one settles the reason in effect of
every absence it covers (``reasons.recompute_effective_reasons``)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schools.models import Enrollment, SchoolClass, Student

from ..models import ExcuseDocument, Mark
from ..signals import notify_attendance_changed
from ..uploads import download_name, private_name, upload_limit, validate_scan
from . import history
from .errors import JournalError, JournalPermissionDenied
from .reasons import recompute_effective_reasons

MAX_EXCUSE_DAYS = 366
# The same document registered again by the same user this soon is the form sent twice (a
# double click, a reload of the POST): the first registration is returned, nothing is added.
DOUBLE_SUBMIT_WINDOW = datetime.timedelta(minutes=10)


def _class_of(student_id: int, school_id: int, start: datetime.date, end: datetime.date):
    enrollment = (
        Enrollment.objects.during(start, end)
        .filter(student_id=student_id, school_id=school_id)
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
        # The student's row serialises two registrations of theirs, so the second of a
        # double submission sees the first (NO KEY: marks referencing them go on).
        Student.objects.select_for_update(no_key=True).filter(pk=student.pk).exists()
        twin = _registered_twin(
            student=student,
            school=school,
            kind=kind,
            valid_reason=valid_reason or ExcuseDocument.REASON_FOR_KIND[kind],
            number=number,
            issued_by=issued_by,
            issued_on=issued_on,
            start_date=start_date,
            end_date=end_date,
            note=note,
            acting_user=acting_user,
            lessons=lessons,
            scan_name=download_name(scan.name, scan_type) if scan is not None else "",
        )
        if twin is not None:
            return twin
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
            # The name shown and downloaded takes the extension of the content, not the upload's.
            excuse.scan_original_name = download_name(scan.name, scan_type)
            excuse.scan.save(private_name(extension), scan, save=False)
        excuse.save()
        if lessons:
            excuse.lessons.set(lessons)
        changed = recompute_effective_reasons(_covered_marks(excuse), acting_user=acting_user)
        history.record_history(
            [
                history.excuse_registered_entry(
                    excuse=excuse,
                    mark_ids=[m.pk for m in changed if m.excuse_id == excuse.pk],
                    actor=acting_user,
                )
            ]
        )
        notify_attendance_changed(school_id=school.pk, student_ids=[student.pk])
    return excuse


def _registered_twin(*, acting_user, lessons, scan_name: str, **fields) -> ExcuseDocument | None:
    """The same document, in force, registered by the same user within
    DOUBLE_SUBMIT_WINDOW: a double submission of the form."""
    candidates = ExcuseDocument.objects.filter(
        received_by=acting_user,
        received_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
        withdrawn_at__isnull=True,
        scan_original_name=scan_name,
        **fields,
    ).order_by("pk")
    chosen = sorted(lesson.pk for lesson in lessons)
    for candidate in candidates:
        if sorted(candidate.lessons.values_list("pk", flat=True)) == chosen:
            return candidate
    return None


def _covered_marks(excuse: ExcuseDocument) -> list[Mark]:
    """The absences the document covers, marked before it was registered too, locked."""
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
        # Now withdrawn, the document no longer counts: its absences fall back.
        marks = list(Mark.objects.select_for_update().filter(excuse=excuse))
        recompute_effective_reasons(marks, acting_user=acting_user)
        history.record_history(
            [
                history.excuse_withdrawn_entry(
                    excuse=excuse,
                    reason=reason,
                    mark_ids=[m.pk for m in marks],
                    actor=acting_user,
                )
            ]
        )
        notify_attendance_changed(school_id=excuse.school_id, student_ids=[excuse.student_id])
    return excuse
