"""Home visits and the act of inspection of living conditions (R-C-3).

Seed 003's algorithm: after more than 5 days without a valid reason the class teacher tells
the parents by phone that the family will be visited (alg. 4); the class teacher visits with
a representative of the administration, the social pedagogue or the psychologist, by
agreement with the director or the deputy in charge of prevention (alg. 5); the visit ends
with the act, the parents' responsibility explained and measures proposed to them.

Planning opens the agreement task for the deputy (else the director); agreeing, telling the
parents and saving the act complete the child's tasks of those kinds (R-C-1).
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment
from accounts.roles import Role
from alerts.models import Task
from alerts.services import cancel_tasks, open_task
from audit.services import log_action
from schools.models import Enrollment

from ..models import Case, HomeVisit
from ..models.visits import (
    ACT_FIELDS,
    ChildCondition,
    FamilyProblem,
    HousingType,
    ParentalControl,
    Relations,
    SanitaryState,
    SchoolContact,
)
from .common import CaseworkError, CaseworkPermissionDenied
from .tasks import complete_tasks_for

SINGLE_CHOICES = {
    "housing_type": HousingType,
    "sanitary_state": SanitaryState,
    "parental_control": ParentalControl,
}
MULTIPLE_CHOICES = {
    "child_conditions": ChildCondition,
    "school_contact": SchoolContact,
    "relations": Relations,
    "family_problems": FamilyProblem,
}
# An act may describe a visit made before the case was opened (the visit that led to it),
# but not one of long ago.
ACT_LOOKBACK = datetime.timedelta(days=365)
AGREEMENT_ROLES = (Role.DEPUTY, Role.DIRECTOR)


def _check_work(case: Case, acting_user) -> None:
    if not acting_user.has_perm("casework.work_case", case):
        raise CaseworkPermissionDenied(_("Вы не можете работать с делом этого ребёнка."))


def _check_active(case: Case) -> None:
    if not case.is_active:
        raise CaseworkError(_("Дело закрыто: посещения по нему больше не ведутся."))


def _check_members(case: Case, members) -> list:
    """The commission's staff members: staff of the case's school only (seed 003 alg. 5)."""
    members = list(members)
    staff_ids = set(
        RoleAssignment.objects.filter(
            school_id=case.school_id, user__in=[m.pk for m in members], user__is_active=True
        ).values_list("user_id", flat=True)
    )
    for member in members:
        if member.pk not in staff_ids:
            raise CaseworkError(
                _(
                    "«%(name)s» не работает в школе ребёнка. В комиссию из сотрудников входят "
                    "только сотрудники этой школы; других членов комиссии (родительский комитет, "
                    "инспектор ПДН, КДН) впишите в поле «Другие члены комиссии»."
                )
                % {"name": member.get_full_name() or member.username}
            )
    return members


def _approver(case: Case, acting_user):
    """Who agrees the visit: the planner when they are the deputy or the director, else the
    school's deputy, else its director (seed 003 alg. 5). ``(user, role)``."""
    assignments = list(
        RoleAssignment.objects.filter(
            school_id=case.school_id, role__in=AGREEMENT_ROLES, user__is_active=True
        )
        .select_related("user")
        .order_by("user_id")
    )
    for assignment in assignments:
        if assignment.user_id == acting_user.pk:
            return assignment.user, assignment.role
    for role in AGREEMENT_ROLES:
        for assignment in assignments:
            if assignment.role == role:
                return assignment.user, role
    return None, Role.DEPUTY


def plan_visit(
    *,
    case: Case,
    planned_for: datetime.date,
    members,
    acting_user,
    purpose: str = "",
    other_members: str = "",
) -> HomeVisit:
    """Plan a visit to the family and ask the deputy (director) to agree it."""
    _check_work(case, acting_user)
    _check_active(case)
    today = timezone.localdate()
    if planned_for < today:
        raise CaseworkError(
            _(
                "Дата посещения уже прошла. Чтобы записать проведённое посещение, "
                "запланируйте его на сегодня и заполните акт с фактической датой."
            )
        )
    if planned_for > today + datetime.timedelta(days=365):
        raise CaseworkError(_("Посещение планируется не более чем на год вперёд."))
    members = _check_members(case, members)
    if not members:
        raise CaseworkError(_("Укажите членов комиссии из сотрудников школы."))
    planned = case.visits.filter(status=HomeVisit.Status.PLANNED).first()
    if planned is not None:
        raise CaseworkError(
            _(
                "Посещение семьи уже запланировано на %(date)s: проведите его (заполните акт) "
                "или отмените."
            )
            % {"date": f"{planned.planned_for:%d.%m.%Y}"}
        )
    approver, role = _approver(case, acting_user)

    with transaction.atomic():
        visit = HomeVisit.objects.create(
            case=case,
            student_id=case.student_id,
            school_id=case.school_id,
            planned_for=planned_for,
            other_members=other_members.strip(),
            planned_by=acting_user,
            **({"purpose": purpose.strip()[:500]} if purpose.strip() else {}),
        )
        visit.members.set(members)
        open_task(
            school=case.school,
            student=case.student,
            kind=Task.Kind.AGREE_HOME_VISIT,
            assignee=approver,
            assignee_role=role,
            due_date=max(today, planned_for - datetime.timedelta(days=1)),
            acting_user=acting_user,
            details=_("Согласовать посещение семьи %(date)s") % {"date": f"{planned_for:%d.%m.%Y}"},
        )
        log_action(
            actor=acting_user,
            action="casework.visit.planned",
            obj=visit,
            student_id=case.student_id,
            data={
                "case_id": case.pk,
                "planned_for": planned_for,
                "member_ids": [m.pk for m in members],
                "other_members": visit.other_members,
            },
        )
    return visit


def _locked(visit: HomeVisit) -> HomeVisit:
    return HomeVisit.objects.select_for_update().select_related("case").get(pk=visit.pk)


def agree_visit(*, visit: HomeVisit, acting_user) -> HomeVisit:
    """The director or the deputy agrees the planned visit (seed 003 alg. 5)."""
    case = visit.case
    if not acting_user.has_perm("casework.agree_home_visit", case):
        raise CaseworkPermissionDenied(_("Посещение согласует директор или заместитель директора."))
    with transaction.atomic():
        visit = _locked(visit)
        if visit.status == HomeVisit.Status.CANCELLED:
            raise CaseworkError(_("Посещение отменено."))
        if visit.agreed_at is not None:
            raise CaseworkError(_("Посещение уже согласовано."))
        visit.agreed_by, visit.agreed_at = acting_user, timezone.now()
        visit.save(update_fields=["agreed_by", "agreed_at"])
        complete_tasks_for(
            student=case.student,
            school=case.school,
            kinds=[Task.Kind.AGREE_HOME_VISIT],
            result=visit,
            acting_user=acting_user,
        )
        log_action(
            actor=acting_user,
            action="casework.visit.agreed",
            obj=visit,
            student_id=visit.student_id,
            data={"case_id": case.pk},
        )
    return visit


def record_parents_informed(*, visit: HomeVisit, on: datetime.date, acting_user) -> HomeVisit:
    """The parents were told of the visit (seed 003 alg. 4): completes that task."""
    case = visit.case
    _check_work(case, acting_user)
    if on > timezone.localdate():
        raise CaseworkError(_("Дата, когда родители предупреждены, не может быть в будущем."))
    with transaction.atomic():
        visit = _locked(visit)
        if visit.status != HomeVisit.Status.PLANNED:
            raise CaseworkError(_("Посещение уже проведено или отменено."))
        if visit.parents_informed_on == on:
            return visit
        old = visit.parents_informed_on
        visit.parents_informed_on = on
        visit.save(update_fields=["parents_informed_on"])
        complete_tasks_for(
            student=case.student,
            school=case.school,
            kinds=[Task.Kind.INFORM_HOME_VISIT],
            result=visit,
            acting_user=acting_user,
            on=on,
        )
        log_action(
            actor=acting_user,
            action="casework.visit.parents_informed",
            obj=visit,
            student_id=visit.student_id,
            data={"case_id": case.pk, "on": on, "previous": old},
        )
    return visit


def cancel_visit(*, visit: HomeVisit, reason: str, acting_user) -> HomeVisit:
    """Cancel a planned visit with a reason; its agreement task is cancelled too."""
    case = visit.case
    _check_work(case, acting_user)
    reason = reason.strip()
    if not reason:
        raise CaseworkError(_("Укажите причину отмены посещения."))
    with transaction.atomic():
        visit = _locked(visit)
        if visit.status != HomeVisit.Status.PLANNED:
            raise CaseworkError(_("Отменить можно только запланированное посещение."))
        visit.status, visit.cancel_reason = HomeVisit.Status.CANCELLED, reason[:300]
        visit.save(update_fields=["status", "cancel_reason"])
        cancel_tasks(
            tasks=Task.objects.filter(
                student_id=visit.student_id,
                school_id=visit.school_id,
                kind=Task.Kind.AGREE_HOME_VISIT,
            ),
            reason=_("Посещение семьи отменено: %(reason)s") % {"reason": reason},
            acting_user=acting_user,
            school=case.school,
        )
        log_action(
            actor=acting_user,
            action="casework.visit.cancelled",
            obj=visit,
            student_id=visit.student_id,
            data={"case_id": case.pk, "reason": reason},
        )
    return visit


def is_act_author(visit: HomeVisit, user) -> bool:
    """Who may correct a saved act: who saved it and the commission's staff members."""
    if user.is_superuser or visit.act_by_id == user.pk:
        return True
    return visit.members.filter(pk=user.pk).exists()


def _check_act_data(case: Case, data: dict) -> None:
    visited_on = data.get("visited_on")
    if visited_on is None:
        raise CaseworkError(_("Укажите дату посещения (дату акта)."))
    if visited_on > timezone.localdate():
        raise CaseworkError(_("Дата посещения не может быть в будущем."))
    earliest = timezone.localdate(case.opened_at) - ACT_LOOKBACK
    if visited_on < earliest:
        raise CaseworkError(
            _("Дата посещения слишком ранняя: не раньше %(date)s (за год до открытия дела).")
            % {"date": f"{earliest:%d.%m.%Y}"}
        )
    for name, choices in SINGLE_CHOICES.items():
        if data.get(name) and data[name] not in choices.values:
            raise CaseworkError(_("Неизвестный вариант ответа в акте."))
    for name, choices in MULTIPLE_CHOICES.items():
        if set(data.get(name) or ()) - set(choices.values):
            raise CaseworkError(_("Неизвестный вариант ответа в акте."))


def _class_name_on(visit: HomeVisit, day: datetime.date) -> str:
    enrollments = Enrollment.objects.filter(
        student_id=visit.student_id, school_id=visit.school_id
    ).select_related("school_class")
    enrollment = enrollments.on(day).first() or enrollments.order_by("-start_date").first()
    return str(enrollment.school_class) if enrollment else ""


def _value(visit: HomeVisit, name: str):
    value = getattr(visit, name)
    return sorted(value) if isinstance(value, list) else value


def save_act(*, visit: HomeVisit, data: dict, acting_user) -> HomeVisit:
    """Record the act of the visit (or correct it): the visit is done, the child's open
    home-visit task is completed with the act. ``data``: the act's fields (ACT_FIELDS),
    optionally ``members`` (staff users) and ``other_members``; a missing field keeps its
    value. A correction by an author is audited with the old and new values."""
    case = visit.case
    _check_work(case, acting_user)
    _check_active(case)
    if visit.status == HomeVisit.Status.CANCELLED:
        raise CaseworkError(_("Посещение отменено: акт по нему не составляется."))
    correcting = visit.status == HomeVisit.Status.DONE
    if correcting and not is_act_author(visit, acting_user):
        raise CaseworkPermissionDenied(
            _("Исправить акт могут только его составители (члены комиссии).")
        )
    given = {name: value for name, value in data.items() if name in ACT_FIELDS}
    _check_act_data(case, {**{name: getattr(visit, name) for name in ACT_FIELDS}, **given})
    members = _check_members(case, data["members"]) if "members" in data else None
    if members is not None and not members:
        raise CaseworkError(_("Укажите членов комиссии из сотрудников школы."))

    with transaction.atomic():
        visit = _locked(visit)
        if (
            visit.status == HomeVisit.Status.CANCELLED
            or (visit.status == HomeVisit.Status.DONE) != correcting
        ):
            raise CaseworkError(
                _("Посещение изменилось, пока вы заполняли акт: откройте его снова.")
            )
        old = {name: _value(visit, name) for name in ACT_FIELDS}
        old_members = sorted(visit.members.values_list("pk", flat=True))
        old["other_members"] = visit.other_members
        for name, value in given.items():
            if isinstance(value, str):
                value = value.strip()
            setattr(visit, name, list(value) if name in MULTIPLE_CHOICES else value)
        if "other_members" in data:
            visit.other_members = (data["other_members"] or "").strip()
        if not visit.class_name:
            visit.class_name = _class_name_on(visit, visit.visited_on)
        new = {name: _value(visit, name) for name in ACT_FIELDS}
        new["other_members"] = visit.other_members
        changes = {name: [old[name], new[name]] for name in new if old[name] != new[name]}
        new_members = sorted(m.pk for m in members) if members is not None else old_members
        if new_members != old_members:
            changes["member_ids"] = [old_members, new_members]
        if correcting and not changes:
            return visit
        visit.status = HomeVisit.Status.DONE
        visit.act_saved_at = timezone.now()
        if not correcting:
            visit.act_by = acting_user
        visit.save()
        if members is not None:
            visit.members.set(members)
        if correcting:
            log_action(
                actor=acting_user,
                action="casework.visit.act_changed",
                obj=visit,
                student_id=visit.student_id,
                data={"case_id": case.pk, "changes": changes},
            )
            return visit
        complete_tasks_for(
            student=case.student,
            school=case.school,
            kinds=[Task.Kind.HOME_VISIT],
            result=visit,
            acting_user=acting_user,
            on=visit.visited_on,
        )
        log_action(
            actor=acting_user,
            action="casework.visit.act_saved",
            obj=visit,
            student_id=visit.student_id,
            data={
                "case_id": case.pk,
                "visited_on": visit.visited_on,
                "member_ids": new_members,
                "danger_found": visit.danger_found,
            },
        )
    return visit
