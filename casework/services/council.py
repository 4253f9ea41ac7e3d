"""The prevention council (R-C-4; seed 003 alg. 6–15, seed 004's monthly sessions).

A session hears cases. Recording a hearing turns the council's assignments into the staff's
tasks (alg. 8), opens the task to notify parents who did not come (alg. 15), and, for a
decision to place the child on the registry, drafts the conclusion the director approves
(alg. 14). When the deadlines pass, :func:`schedule_repeat_hearings` queues the repeat
hearing (alg. 9) that analyses what the help achieved (alg. 10).
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment
from accounts.roles import SCHOOL_ROLES, Role
from alerts.models import Task
from alerts.services import open_task
from audit.services import log_action
from journal.calendar import add_working_days
from schools.models import Enrollment

from ..models import Case, Conclusion, CouncilAssignment, CouncilHearing, CouncilSession
from .common import CaseworkError, CaseworkPermissionDenied
from .registry import place_on_registry, placement_rule
from .tasks import complete_tasks_for

# Working days the director has to approve a conclusion, and the deputy to put a repeat
# hearing on a session: the seeds set no deadline, these keep the tasks dated.
CONCLUSION_APPROVAL_DAYS = 3
REPEAT_HEARING_DAYS = 5
# Decisions that set recommendations and so a date to check them (alg. 8–9).
NEEDS_REVIEW_DATE = frozenset({CouncilHearing.Decision.HELP, CouncilHearing.Decision.REGISTRY})


@dataclass(frozen=True)
class AssignmentData:
    """One assignment of the council to a member of staff (alg. 8)."""

    assignee: object
    text: str
    due_date: datetime.date | None


# Staff ------------------------------------------------------------------------------------


def staff_ids_of(school) -> set[int]:
    """Active users holding a school role in ``school``."""
    return set(
        RoleAssignment.objects.filter(
            school=school, role__in=SCHOOL_ROLES, user__is_active=True
        ).values_list("user_id", flat=True)
    )


def first_holder(school, role: str):
    """The first active holder of ``role`` in the school (who gets a role's task), or None."""
    assignment = (
        RoleAssignment.objects.filter(school=school, role=role, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return assignment.user if assignment else None


def _check_staff(school, users, staff: set[int] | None = None) -> set[int]:
    staff = staff_ids_of(school) if staff is None else staff
    for user in users:
        if user is not None and user.pk not in staff:
            raise CaseworkError(
                _("%(name)s не работает в этой школе.") % {"name": user.get_full_name()}
            )
    return staff


def _class_teacher_of(student, school, day: datetime.date):
    enrollment = (
        Enrollment.objects.filter(student=student, school=school)
        .select_related("school_class__class_teacher")
        .on(day)
        .first()
    ) or (
        Enrollment.objects.filter(student=student, school=school)
        .select_related("school_class__class_teacher")
        .order_by("-start_date")
        .first()
    )
    return enrollment.school_class.class_teacher if enrollment else None


# Sessions ---------------------------------------------------------------------------------


def _session_fields(school, *, date, chair, secretary, members) -> None:
    if date is None:
        raise CaseworkError(_("Укажите дату заседания."))
    members = list(members)
    staff = _check_staff(school, [chair, secretary])
    _check_staff(school, members, staff)


def create_session(
    *,
    school,
    date: datetime.date,
    acting_user,
    number: str = "",
    chair=None,
    secretary=None,
    members=(),
    invited: str = "",
    agenda: str = "",
) -> CouncilSession:
    """Plan a session of the school's council; the members are staff of the same school."""
    if not acting_user.has_perm("casework.manage_council", school):
        raise CaseworkPermissionDenied(_("Вы не можете вести заседания Совета профилактики."))
    members = list(members)
    _session_fields(school, date=date, chair=chair, secretary=secretary, members=members)
    with transaction.atomic():
        session = CouncilSession.objects.create(
            school=school,
            date=date,
            number=number.strip(),
            chair=chair,
            secretary=secretary,
            invited=invited.strip(),
            agenda=agenda.strip(),
            created_by=acting_user,
        )
        session.members_present.set(members)
        log_action(
            actor=acting_user,
            action="casework.council.session_created",
            obj=session,
            data={"date": date, "number": session.number, "members": [u.pk for u in members]},
        )
    return session


def update_session(
    *,
    session: CouncilSession,
    acting_user,
    date: datetime.date,
    number: str = "",
    chair=None,
    secretary=None,
    members=(),
    invited: str = "",
    agenda: str = "",
) -> CouncilSession:
    """Change a session's date, protocol number, chair, secretary, members, invited, agenda."""
    if not acting_user.has_perm("casework.manage_council", session):
        raise CaseworkPermissionDenied(_("Вы не можете вести заседания Совета профилактики."))
    members = list(members)
    _session_fields(session.school, date=date, chair=chair, secretary=secretary, members=members)
    with transaction.atomic():
        session = CouncilSession.objects.select_for_update().get(pk=session.pk)
        held = session.hearings.filter(held=True)
        if date != session.date and held.exists():
            raise CaseworkError(_("На заседании уже рассмотрены дела: дату изменить нельзя."))
        session.date, session.number = date, number.strip()
        session.chair, session.secretary = chair, secretary
        session.invited, session.agenda = invited.strip(), agenda.strip()
        session.save()
        session.members_present.set(members)
        log_action(
            actor=acting_user,
            action="casework.council.session_changed",
            obj=session,
            data={"date": date, "number": session.number, "members": [u.pk for u in members]},
        )
    return session


# Hearings ---------------------------------------------------------------------------------


def put_on_session(*, session: CouncilSession, case: Case, acting_user) -> CouncilHearing:
    """Put the case on the session's agenda. A repeat hearing waiting for a session is the
    one put on it (alg. 9); a case already on the session is refused."""
    if not acting_user.has_perm("casework.manage_council", session):
        raise CaseworkPermissionDenied(_("Вы не можете вести заседания Совета профилактики."))
    if case.school_id != session.school_id:
        raise CaseworkError(_("Дело другой школы."))
    if not case.is_active:
        raise CaseworkError(_("Дело закрыто."))
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        if CouncilHearing.objects.filter(session=session, case=case).exists():
            raise CaseworkError(_("Дело уже включено в повестку этого заседания."))
        if CouncilHearing.objects.filter(case=case, session__isnull=False, held=False).exists():
            raise CaseworkError(_("Дело уже назначено на другое заседание и ещё не рассмотрено."))
        hearing = (
            CouncilHearing.objects.select_for_update(of=("self",))
            .filter(case=case, session__isnull=True, held=False)
            .order_by("pk")
            .first()
        )
        if hearing is None:
            hearing = CouncilHearing.objects.create(case=case, school=case.school, session=session)
        else:
            hearing.session = session
            hearing.save(update_fields=["session"])
        log_action(
            actor=acting_user,
            action="casework.council.hearing_scheduled",
            obj=hearing,
            student_id=case.student_id,
            data={"session_id": session.pk, "repeat_of": hearing.previous_id},
        )
    return hearing


def _clean_assignments(school, assignments, session_date) -> list[AssignmentData]:
    cleaned = []
    staff = None
    for item in assignments:
        text = (item.text or "").strip()
        if not text and item.assignee is None and item.due_date is None:
            continue
        if item.assignee is None:
            raise CaseworkError(_("Укажите исполнителя поручения."))
        if not text:
            raise CaseworkError(_("Укажите текст поручения."))
        if item.due_date is None:
            raise CaseworkError(_("Укажите срок исполнения поручения."))
        if item.due_date < session_date:
            raise CaseworkError(_("Срок поручения не может быть раньше даты заседания."))
        staff = _check_staff(school, [item.assignee], staff)
        cleaned.append(AssignmentData(item.assignee, text[:500], item.due_date))
    return cleaned


def _conclusion_text(hearing: CouncilHearing) -> str:
    student = hearing.case.student
    parts = [
        _(
            "По результатам рассмотрения на заседании Совета профилактики безнадзорности и "
            "правонарушений %(date)s: провести с обучающимся %(student)s и его родителями "
            "(законными представителями) индивидуальную профилактическую работу и поставить "
            "обучающегося на внутришкольный учёт."
        )
        % {"date": f"{hearing.session.date:%d.%m.%Y}", "student": student.full_name},
    ]
    if hearing.decision_text:
        parts.append(hearing.decision_text)
    if hearing.analysis:
        parts.append(_("Анализ принятых мер: %(text)s") % {"text": hearing.analysis})
    return "\n\n".join(parts)


def record_hearing(
    *,
    hearing: CouncilHearing,
    acting_user,
    parents_present: bool | None,
    decision: str,
    attendees: str = "",
    discussion: str = "",
    analysis: str = "",
    recommendations_child: str = "",
    recommendations_parents: str = "",
    decision_text: str = "",
    review_date: datetime.date | None = None,
    work_until: datetime.date | None = None,
    assignments=(),
) -> CouncilHearing:
    """Record what the council heard and decided about the case (alg. 7–15).

    Each assignment becomes a task of its assignee; parents who did not come make the
    decision one in absentia and open the class teacher's task to notify them the next
    working day (alg. 15); a decision to place on the registry drafts the conclusion and
    the director's task to approve it (alg. 14). Hearing the case completes the task to
    bring it to the council (and, for a repeat hearing, the task to repeat it)."""
    if not acting_user.has_perm("casework.manage_council", hearing):
        raise CaseworkPermissionDenied(_("Вы не можете вести заседания Совета профилактики."))
    session = hearing.session
    if session is None:
        raise CaseworkError(_("Сначала включите дело в повестку заседания."))
    if session.date > timezone.localdate():
        raise CaseworkError(_("Заседание ещё не состоялось."))
    if parents_present is None:
        raise CaseworkError(_("Укажите, присутствовали ли родители."))
    if decision not in CouncilHearing.Decision.values:
        raise CaseworkError(_("Укажите решение Совета."))
    if hearing.is_repeat and not analysis.strip():
        raise CaseworkError(
            _("При повторном рассмотрении укажите анализ результативности принятых мер.")
        )
    if decision in NEEDS_REVIEW_DATE and review_date is None:
        raise CaseworkError(_("Укажите срок исполнения рекомендаций."))
    if review_date is not None and review_date <= session.date:
        raise CaseworkError(_("Срок исполнения рекомендаций должен быть позже даты заседания."))
    if decision == CouncilHearing.Decision.REGISTRY:
        if work_until is None:
            raise CaseworkError(_("Укажите срок индивидуальной профилактической работы."))
        if work_until <= session.date:
            raise CaseworkError(
                _("Срок индивидуальной профилактической работы должен быть позже даты заседания.")
            )
    school = hearing.school
    cleaned = _clean_assignments(school, assignments, session.date)

    with transaction.atomic():
        hearing = (
            CouncilHearing.objects.select_for_update(of=("self",))
            .select_related("case__student", "session", "school")
            .get(pk=hearing.pk)
        )
        if hearing.held:
            raise CaseworkError(_("Рассмотрение уже записано."))
        if not hearing.case.is_active:
            raise CaseworkError(_("Дело закрыто."))
        student = hearing.case.student
        hearing.held = True
        hearing.parents_present = parents_present
        hearing.attendees = attendees.strip()[:500]
        hearing.discussion = discussion.strip()
        hearing.analysis = analysis.strip()
        hearing.recommendations_child = recommendations_child.strip()
        hearing.recommendations_parents = recommendations_parents.strip()
        hearing.decision = decision
        hearing.decision_text = decision_text.strip()
        hearing.review_date = review_date
        hearing.save()
        CouncilSession.objects.filter(pk=session.pk).update(status=CouncilSession.Status.HELD)
        hearing.session.status = CouncilSession.Status.HELD
        for item in cleaned:
            task = open_task(
                school=school,
                student=student,
                kind=Task.Kind.COUNCIL_ASSIGNMENT,
                assignee=item.assignee,
                due_date=item.due_date,
                acting_user=acting_user,
                details=item.text,
            )
            CouncilAssignment.objects.create(
                hearing=hearing,
                assignee=item.assignee,
                text=item.text,
                due_date=item.due_date,
                task=task,
            )
        if not parents_present:
            teacher = _class_teacher_of(student, school, session.date)
            open_task(
                school=school,
                student=student,
                kind=Task.Kind.NOTIFY_ABSENT_PARENTS,
                assignee=teacher,
                assignee_role=Role.CLASS_TEACHER,
                due_date=add_working_days(school, session.date, 1),
                acting_user=acting_user,
            )
        if decision == CouncilHearing.Decision.REGISTRY:
            conclusion = Conclusion.objects.create(
                hearing=hearing,
                school=school,
                text=_conclusion_text(hearing),
                work_until=work_until,
            )
            open_task(
                school=school,
                student=student,
                kind=Task.Kind.APPROVE_CONCLUSION,
                assignee=first_holder(school, Role.DIRECTOR),
                assignee_role=Role.DIRECTOR,
                due_date=add_working_days(
                    school, max(session.date, timezone.localdate()), CONCLUSION_APPROVAL_DAYS
                ),
                acting_user=acting_user,
            )
            log_action(
                actor=acting_user,
                action="casework.council.conclusion_drafted",
                obj=conclusion,
                student_id=student.pk,
                data={"hearing_id": hearing.pk, "work_until": work_until},
            )
        done = [Task.Kind.COUNCIL_CANDIDATE]
        if hearing.is_repeat:
            done.append(Task.Kind.REPEAT_HEARING)
        complete_tasks_for(
            student=student, school=school, kinds=done, result=hearing, acting_user=acting_user
        )
        log_action(
            actor=acting_user,
            action="casework.council.hearing_recorded",
            obj=hearing,
            student_id=student.pk,
            data={
                "session_id": session.pk,
                "parents_present": parents_present,
                "decision": decision,
                "review_date": review_date,
                "assignments": len(cleaned),
                "repeat_of": hearing.previous_id,
            },
        )
    return hearing


# Conclusions ------------------------------------------------------------------------------


def _decide(conclusion: Conclusion, *, status: str, comment: str, acting_user) -> Conclusion:
    if not acting_user.has_perm("casework.approve_conclusion", conclusion):
        raise CaseworkPermissionDenied(_("Утверждает заключение директор."))
    with transaction.atomic():
        conclusion = (
            Conclusion.objects.select_for_update(of=("self",))
            .select_related("hearing__case__student", "hearing__session", "school")
            .get(pk=conclusion.pk)
        )
        if conclusion.status != Conclusion.Status.DRAFT:
            raise CaseworkError(
                _("Заключение уже рассмотрено: %(status)s.")
                % {"status": conclusion.get_status_display()}
            )
        conclusion.status = status
        conclusion.decided_by = acting_user
        conclusion.decided_at = timezone.now()
        conclusion.decision_comment = comment[:500]
        conclusion.save()
        case = conclusion.hearing.case
        placement = None
        if status == Conclusion.Status.APPROVED and placement_rule(conclusion.school) == (
            "council_conclusion"
        ):
            placement = place_on_registry(
                case=case,
                placed_on=timezone.localdate(conclusion.decided_at),
                basis=_("Заключение Совета профилактики от %(date)s, утверждено директором")
                % {"date": f"{conclusion.hearing.session.date:%d.%m.%Y}"},
                conclusion=conclusion,
                acting_user=acting_user,
            )
        complete_tasks_for(
            student=case.student,
            school=conclusion.school,
            kinds=[Task.Kind.APPROVE_CONCLUSION],
            result=conclusion,
            acting_user=acting_user,
        )
        log_action(
            actor=acting_user,
            action=f"casework.council.conclusion_{status}",
            obj=conclusion,
            student_id=case.student_id,
            data={"comment": comment, "placement_id": placement.pk if placement else None},
        )
    return conclusion


def approve_conclusion(*, conclusion: Conclusion, acting_user, comment: str = "") -> Conclusion:
    """The director approves the conclusion (alg. 14); by the default rule of the region
    the child is placed on the registry with it as the basis."""
    return _decide(
        conclusion,
        status=Conclusion.Status.APPROVED,
        comment=comment.strip(),
        acting_user=acting_user,
    )


def reject_conclusion(*, conclusion: Conclusion, acting_user, comment: str) -> Conclusion:
    """The director does not approve the conclusion and says why."""
    comment = comment.strip()
    if not comment:
        raise CaseworkError(_("Укажите, почему заключение не утверждено."))
    return _decide(
        conclusion, status=Conclusion.Status.REJECTED, comment=comment, acting_user=acting_user
    )


# Repeat hearings --------------------------------------------------------------------------


def schedule_repeat_hearings(*, today: datetime.date) -> list[CouncilHearing]:
    """alg. 9: each held hearing whose deadline has passed, of an active case the council
    has not heard (or queued) again since, gets its repeat hearing — waiting to be put on a
    session — and the deputy's task to do so. Safe to run twice (daily, celery beat)."""
    later = CouncilHearing.objects.filter(case=OuterRef("case"), pk__gt=OuterRef("pk"))
    due = (
        CouncilHearing.objects.filter(held=True, review_date__lt=today)
        .exclude(case__status=Case.Status.CLOSED)
        .exclude(Exists(later))
        .values_list("pk", flat=True)
    )
    created = []
    for pk in list(due):
        with transaction.atomic():
            previous = (
                CouncilHearing.objects.select_for_update(of=("self",))
                .select_related("case__student", "school")
                .get(pk=pk)
            )
            if CouncilHearing.objects.filter(case=previous.case, pk__gt=previous.pk).exists():
                continue  # queued meanwhile by a concurrent run
            hearing = CouncilHearing.objects.create(
                case=previous.case, school=previous.school, previous=previous
            )
            open_task(
                school=previous.school,
                student=previous.case.student,
                kind=Task.Kind.REPEAT_HEARING,
                assignee=first_holder(previous.school, Role.DEPUTY),
                assignee_role=Role.DEPUTY,
                due_date=add_working_days(previous.school, today, REPEAT_HEARING_DAYS),
                acting_user=None,
                details=_("Срок исполнения рекомендаций истёк %(date)s: повторное рассмотрение")
                % {"date": f"{previous.review_date:%d.%m.%Y}"},
            )
            log_action(
                actor=None,
                action="casework.council.repeat_scheduled",
                obj=hearing,
                student_id=previous.case.student_id,
                data={"previous_id": previous.pk, "review_date": previous.review_date},
            )
            created.append(hearing)
    return created
