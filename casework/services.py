"""Casework operations (R-C). Views and tasks call these; none repeats the rules."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import log_action
from schools.models import Enrollment

from .models import Case, ParentContact

# A contact is logged after it happened; allow for a clock that runs a little fast.
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)


class CaseworkError(Exception):
    """A request casework refuses; the message is shown to the user as is (Russian)."""


class CaseworkPermissionDenied(PermissionDenied):
    pass


def log_parent_contact(
    *,
    student,
    school,
    acting_user,
    contact_type: str,
    contacted_at: datetime.datetime,
    result: str,
    guardian=None,
    guardian_name: str = "",
    summary: str = "",
    stated_reason: str = "",
    next_step: str = "",
) -> ParentContact:
    """Record a phone call, meeting, letter or message to the parents (R-C-2)."""
    if contact_type not in ParentContact.ContactType.values:
        raise CaseworkError(_("Неизвестный вид контакта."))
    if result not in ParentContact.Result.values:
        raise CaseworkError(_("Укажите результат контакта."))
    if contacted_at > timezone.now() + FUTURE_TOLERANCE:
        raise CaseworkError(_("Время контакта не может быть в будущем."))
    if guardian is not None and guardian.student_id != student.pk:
        raise CaseworkError(_("Выбранный законный представитель относится к другому ребёнку."))
    guardian_name = (guardian_name or (guardian.full_name if guardian else "")).strip()
    if not guardian_name:
        raise CaseworkError(_("Укажите, с кем состоялся контакт."))
    if not Enrollment.objects.filter(student=student, school=school).exists():
        raise CaseworkError(_("Обучающийся не числится в этой школе."))
    if not acting_user.has_perm("casework.log_parent_contact", student):
        raise CaseworkPermissionDenied(_("Вы не можете вести контакты с родителями этого ребёнка."))

    with transaction.atomic():
        contact = ParentContact.objects.create(
            student=student,
            school=school,
            contact_type=contact_type,
            contacted_at=contacted_at,
            staff=acting_user,
            guardian=guardian,
            guardian_name=guardian_name[:300],
            summary=summary,
            stated_reason=stated_reason,
            result=result,
            next_step=next_step,
        )
        log_action(
            actor=acting_user,
            action="casework.contact.logged",
            obj=contact,
            data={
                "student_id": student.pk,
                "contact_type": contact_type,
                "result": result,
                "guardian_id": guardian.pk if guardian else None,
            },
        )
    return contact


def open_case(
    *, student_id: int, school_id: int, reason: str, acting_user=None, alert=None, responsible=()
):
    """Open a case for the student, or return the active one, adding the responsible staff.

    Safe to call repeatedly (the threshold engine does): one active case per student.
    """
    active = Case.objects.exclude(status=Case.Status.CLOSED)
    with transaction.atomic():
        case = active.select_for_update().filter(student_id=student_id, school_id=school_id).first()
        created = False
        if case is None:
            try:
                with transaction.atomic():
                    case = Case.objects.create(
                        student_id=student_id,
                        school_id=school_id,
                        reason=reason[:500],
                        opened_by=acting_user,
                        opened_by_alert=alert,
                    )
                    created = True
            except IntegrityError:  # opened concurrently
                case = active.get(student_id=student_id, school_id=school_id)
        ids = [user_id for user_id in responsible if user_id]
        if ids:
            case.responsible.add(*ids)
        if created:
            log_action(
                actor=acting_user,
                action="casework.case.opened",
                obj=case,
                data={"reason": reason, "alert_id": alert.pk if alert else None},
            )
    return case
