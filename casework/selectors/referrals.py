"""Reads for referrals and notifications to outside bodies (R-C-7): one referral for a
user, a case's referrals, the facts a letter is drafted from, who signs for the school."""

import datetime
from dataclasses import dataclass, field

from django.http import Http404

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from alerts.models import Alert, Rule

from .. import timeline
from ..models import (
    Case,
    CouncilHearing,
    HomeVisit,
    ParentContact,
    PlanMeasure,
    PreventionPlan,
    Referral,
    RegistryPlacement,
)
from . import get_case_for_user

# A letter lists this many contacts with the parents, the latest ones (and says how many more).
CONTACTS_LISTED = 8


def get_referral_for_user(user, referral_id: int, *, perm: str = "casework.view_case") -> Referral:
    """The referral, 404 for whoever may not read its case (another school, a subject
    teacher, a psychologist the case is not referred to), 403 for a reader lacking ``perm``
    on the case. The permissions are the case's: a referral is part of it."""
    referral = (
        Referral.objects.select_related("psychologist", "created_by", "task")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        raise Http404
    referral.case = get_case_for_user(user, referral.case_id, perm=perm)
    return referral


def case_referrals(case: Case) -> list[Referral]:
    """The case's referrals, the newest first, with their psychologist and task (one query)."""
    return list(
        Referral.objects.filter(case=case)
        .select_related("psychologist", "task")
        .order_by("-created_at", "-pk")
    )


def school_psychologists(school) -> list[User]:
    """Active users holding the psychologist role in the school, by name."""
    return list(
        User.objects.filter(
            role_assignments__school=school,
            role_assignments__role=Role.PSYCHOLOGIST,
            is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "patronymic", "pk")
    )


def is_school_psychologist(user, school) -> bool:
    return User.objects.filter(
        pk=user.pk,
        is_active=True,
        role_assignments__school=school,
        role_assignments__role=Role.PSYCHOLOGIST,
    ).exists()


def school_head(school) -> tuple[str, User | None]:
    """Who signs for the school and answers for its notifications: the director, else a
    deputy. Returns (the role, the user or None); one query."""
    heads = (
        RoleAssignment.objects.filter(
            school=school, role__in=(Role.DIRECTOR, Role.DEPUTY), user__is_active=True
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user_id")
    )
    by_role: dict[str, User] = {}
    for assignment in heads:
        by_role.setdefault(assignment.role, assignment.user)
    for role in (Role.DIRECTOR, Role.DEPUTY):
        if role in by_role:
            return role, by_role[role]
    return Role.DIRECTOR, None


def signatory(school) -> tuple[str, str]:
    """The position and name under the letter: the school's director as on its record,
    else the director's (or a deputy's) account."""
    role, user = school_head(school)
    if school.director_name:
        return "Директор", school.director_name
    if user is None:
        return "Директор", ""
    return ("Директор" if role == Role.DIRECTOR else "Заместитель директора"), user.short_name


@dataclass
class MonthAbsence:
    month: datetime.date
    without_valid: int
    scheduled: int | None = None  # the month's instructional time, when the alerts computed it

    @property
    def percent(self) -> int | None:
        if not self.scheduled:
            return None
        return round(100 * self.without_valid / self.scheduled)


@dataclass
class LetterFacts:
    """What a letter about the child states, read from the case."""

    case: Case
    school_class: object
    guardians: list
    months: list[MonthAbsence]
    since: datetime.date
    contacts: list[ParentContact]
    contacts_total: int
    visits: list[HomeVisit]
    hearings: list[CouncilHearing]
    placements: list[RegistryPlacement]
    plans: list[PreventionPlan]
    measures_done: dict = field(default_factory=dict)  # plan id → (done, total)
    referrals: list[Referral] = field(default_factory=list)

    @property
    def total_without_valid(self) -> int:
        return sum(month.without_valid for month in self.months)


def _months(case: Case, since: datetime.date) -> list[MonthAbsence]:
    """Lessons missed without a valid reason per month (the case's summary), with the
    month's instructional time where the threshold engine found the share reached (its
    alert keeps the lessons scheduled that month)."""
    scheduled = {}
    alerts = Alert.objects.filter(
        student_id=case.student_id,
        school_id=case.school_id,
        rule=Rule.INSTRUCTIONAL_TIME_MONTH,
        period_start__gte=since,
    ).values_list("period_start", "evidence")
    for start, evidence in alerts:
        if evidence.get("hours_scheduled"):
            scheduled[start.replace(day=1)] = int(evidence["hours_scheduled"])
    months = []
    for row in timeline.monthly_absences(case):
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        if row["without_valid"]:
            months.append(MonthAbsence(month, int(row["without_valid"]), scheduled.get(month)))
    return months


def letter_facts(case: Case, *, exclude: Referral | None = None) -> LetterFacts:
    """The child, the absences and the measures taken, for a letter (a bounded number of
    queries whatever the length of the case)."""
    since = timeline.period_start(case)
    contacts = ParentContact.objects.filter(
        student_id=case.student_id, school_id=case.school_id, contacted_at__date__gte=since
    ).order_by("-contacted_at", "-pk")
    plans = list(PreventionPlan.objects.filter(case=case).order_by("start_date", "pk"))
    measures: dict = {}
    for plan_id, status in PlanMeasure.objects.filter(plan__case=case).values_list(
        "plan_id", "status"
    ):
        done, total = measures.get(plan_id, (0, 0))
        if status != PlanMeasure.Status.CANCELLED:
            measures[plan_id] = (done + (status == PlanMeasure.Status.DONE), total + 1)
    referrals = Referral.objects.filter(case=case, sent_on__isnull=False).exclude(
        body="psychologist"
    )
    if exclude is not None:
        referrals = referrals.exclude(pk=exclude.pk)
    return LetterFacts(
        case=case,
        school_class=timeline.class_of(case),
        guardians=list(case.student.guardians.all()),
        months=_months(case, since),
        since=since,
        contacts=list(contacts[:CONTACTS_LISTED]),
        contacts_total=contacts.count(),
        visits=list(
            HomeVisit.objects.filter(case=case, status=HomeVisit.Status.DONE).order_by(
                "visited_on", "pk"
            )
        ),
        hearings=list(
            CouncilHearing.objects.filter(case=case, held=True)
            .select_related("session")
            .order_by("session__date", "pk")
        ),
        placements=list(RegistryPlacement.objects.filter(case=case).order_by("placed_on")),
        plans=plans,
        measures_done=measures,
        referrals=list(referrals.order_by("sent_on", "pk")),
    )
