"""The case (R-C-1): opened by an alert or by hand, open → monitoring → closed."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import school_ids_for_user
from alerts.models import Task
from alerts.services import cancel_tasks
from audit.services import audit_entry, log_action, log_actions
from schools.models import Enrollment

from ..models import Case, FamilyCentreStatus
from .common import CaseworkError, CaseworkPermissionDenied
from .tasks import complete_tasks_for


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


def open_cases_for_alerts(requests) -> dict[tuple[int, int], Case]:
    """The threshold engine's requests (``alerts.signals.CaseRequest``), set-based: each
    child gets one active case in the school — the one they have, or one opened by the
    first alert asking — and the staff the rules name become responsible for it. Safe to
    run again (every rerun of the engine asks again). {(student, school): case}."""
    wanted = {}
    for request in requests:
        wanted.setdefault((request.alert.student_id, request.alert.school_id), request)
    with transaction.atomic():
        cases = _active_cases(wanted)
        missing = [request for pair, request in wanted.items() if pair not in cases]
        if missing:
            # A case opened concurrently in between wins (one active case per child).
            Case.objects.bulk_create(
                [
                    Case(
                        student_id=request.alert.student_id,
                        school_id=request.alert.school_id,
                        reason=request.reason[:500],
                        opened_by_alert_id=request.alert.pk,
                    )
                    for request in missing
                ],
                ignore_conflicts=True,
            )
            opened = {request.alert.pk: request for request in missing}
            cases = _active_cases(wanted)
            log_actions(
                [
                    audit_entry(
                        actor=None,
                        action="casework.case.opened",
                        obj=case,
                        school=case.school,
                        data={"reason": opened[case.opened_by_alert_id].reason, "alert_id": alert},
                    )
                    for case in cases.values()
                    if (alert := case.opened_by_alert_id) in opened
                ]
            )
        Through = Case.responsible.through
        Through.objects.bulk_create(
            [
                Through(case_id=cases[pair].pk, user_id=user_id)
                for request in requests
                for pair in [(request.alert.student_id, request.alert.school_id)]
                for user_id in request.responsible
                if user_id and pair in cases
            ],
            ignore_conflicts=True,
        )
    return cases


def _active_cases(pairs) -> dict[tuple[int, int], Case]:
    found = (
        Case.objects.exclude(status=Case.Status.CLOSED)
        .filter(
            student_id__in={student_id for student_id, _ in pairs},
            school_id__in={school_id for _, school_id in pairs},
        )
        .select_related("student", "school")
    )
    return {
        (case.student_id, case.school_id): case
        for case in found
        if (case.student_id, case.school_id) in pairs
    }


def open_case_by_hand(*, student, school, reason: str, acting_user) -> Case:
    """A member of staff opens a case (R-C-1); they become responsible for it."""
    reason = reason.strip()
    if not reason:
        raise CaseworkError(_("Укажите основание для открытия дела."))
    if not Enrollment.objects.filter(student=student, school=school).exists():
        raise CaseworkError(_("Обучающийся не числится в этой школе."))
    if not acting_user.has_perm("casework.open_case", student):
        raise CaseworkPermissionDenied(_("Вы не можете открыть дело этого ребёнка."))
    if (
        Case.objects.filter(student=student, school=school)
        .exclude(status=Case.Status.CLOSED)
        .exists()
    ):
        raise CaseworkError(_("У ребёнка уже есть открытое дело."))
    return open_case(
        student_id=student.pk,
        school_id=school.pk,
        reason=reason,
        acting_user=acting_user,
        responsible=[acting_user.pk],
    )


def change_case_status(*, case: Case, status: str, acting_user, reason: str = "") -> Case:
    """Move the case between open and monitoring, or close it with a reason. Closing cancels
    the child's open tasks in the school: the weekly control stops with the case."""
    if status not in Case.Status.values:
        raise CaseworkError(_("Неизвестный статус дела."))
    if not acting_user.has_perm("casework.manage_case", case):
        raise CaseworkPermissionDenied(_("Вы не можете менять статус этого дела."))
    reason = reason.strip()
    if status == Case.Status.CLOSED and not reason:
        raise CaseworkError(_("Укажите причину закрытия дела."))
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status == Case.Status.CLOSED:
            raise CaseworkError(_("Дело закрыто; откройте новое, если работа возобновляется."))
        if case.status == status:
            return case
        old = case.status
        case.status = status
        if status == Case.Status.CLOSED:
            case.closed_at, case.closed_by, case.close_reason = (
                timezone.now(),
                acting_user,
                reason[:500],
            )
            cancel_tasks(
                tasks=Task.objects.filter(student_id=case.student_id, school_id=case.school_id),
                reason=_("Дело закрыто"),
                acting_user=acting_user,
                school=case.school,
            )
        case.save()
        log_action(
            actor=acting_user,
            action="casework.case.status_changed",
            obj=case,
            student_id=case.student_id,
            data={"from": old, "to": status, "reason": reason},
        )
    return case


def set_responsible(*, case: Case, users, acting_user) -> Case:
    """Replace the case's responsible staff; each must work in the case's school."""
    if not acting_user.has_perm("casework.manage_case", case):
        raise CaseworkPermissionDenied(_("Вы не можете назначать ответственных по этому делу."))
    users = list(users)
    if not users:
        raise CaseworkError(_("Назначьте хотя бы одного ответственного."))
    for user in users:
        if case.school_id not in school_ids_for_user(user):
            raise CaseworkError(
                _("%(name)s не работает в этой школе.") % {"name": user.get_full_name()}
            )
    with transaction.atomic():
        before = sorted(case.responsible.values_list("pk", flat=True))
        case.responsible.set(users)
        log_action(
            actor=acting_user,
            action="casework.case.responsible_set",
            obj=case,
            student_id=case.student_id,
            data={"from": before, "to": sorted(u.pk for u in users)},
        )
    return case


def set_family_centre_status(*, case: Case, status: str, acting_user) -> Case:
    """Seed 001 step 3: record the family centre's status; it completes the task to track it."""
    if status not in FamilyCentreStatus.values:
        raise CaseworkError(_("Неизвестный статус семейного центра."))
    if not acting_user.has_perm("casework.work_case", case):
        raise CaseworkPermissionDenied(_("Вы не ведёте это дело."))
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if not case.is_active:
            raise CaseworkError(_("Дело закрыто."))
        if case.family_centre_status == status:
            return case
        old, case.family_centre_status = case.family_centre_status, status
        case.save(update_fields=["family_centre_status"])
        if status != FamilyCentreStatus.PENDING:
            complete_tasks_for(
                student=case.student,
                school=case.school,
                kinds=[Task.Kind.FAMILY_CENTRE_STATUS],
                result=case,
                acting_user=acting_user,
            )
        log_action(
            actor=acting_user,
            action="casework.case.family_centre_status",
            obj=case,
            student_id=case.student_id,
            data={"from": old, "to": status},
        )
    return case
