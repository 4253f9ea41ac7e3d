"""Reads of home visits and their acts (R-C-3), scoped through the visit's case."""

import datetime

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment, User
from schools.models import Enrollment, Guardian, Student

from ..models import HomeVisit
from ..models.visits import ChildCondition, FamilyProblem, Relations, SchoolContact
from . import get_case_for_user


def get_visit_for_user(user, visit_id: int, *, perm: str = "casework.view_case") -> HomeVisit:
    """The visit, 404 for whoever may not read its case (another school …), 403 for a
    reader of the case lacking ``perm`` (asked of the case)."""
    visit = HomeVisit.objects.filter(pk=visit_id).only("pk", "case_id").first()
    if visit is None:
        raise Http404
    case = get_case_for_user(user, visit.case_id, perm=perm)
    visit = (
        HomeVisit.objects.select_related("agreed_by", "planned_by", "act_by")
        .prefetch_related(_members())
        .get(pk=visit.pk)
    )
    visit.case = case
    return visit


def _members() -> Prefetch:
    return Prefetch("members", queryset=User.objects.order_by("last_name", "first_name", "pk"))


def visits_of_case(case) -> list[HomeVisit]:
    """The case's visits, the latest first, with their staff members (two queries)."""
    return list(case.visits.select_related("agreed_by").prefetch_related(_members()))


def school_staff(school_id: int) -> QuerySet[User]:
    """Who may sit on a commission from the school: its active staff."""
    return (
        User.objects.filter(role_assignments__school_id=school_id, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "patronymic", "pk")
    )


def positions(users, school_id: int) -> dict[int, str]:
    """Each member's position for the act's signatures: the one on file, else their roles in
    the school (one query)."""
    roles: dict[int, list[str]] = {}
    for assignment in RoleAssignment.objects.filter(
        school_id=school_id, user__in=[u.pk for u in users]
    ).order_by("pk"):
        roles.setdefault(assignment.user_id, []).append(assignment.get_role_display().lower())
    return {u.pk: u.position or ", ".join(roles.get(u.pk, [])) for u in users}


def _age(birth_date: datetime.date | None, on: datetime.date) -> int | None:
    if birth_date is None:
        return None
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def _class_name(student: Student, school_id: int, on: datetime.date) -> str:
    enrollments = Enrollment.objects.filter(student=student, school_id=school_id).select_related(
        "school_class"
    )
    enrollment = enrollments.on(on).first() or enrollments.order_by("-start_date").first()
    return str(enrollment.school_class) if enrollment else ""


def _parent(prefix: str, guardian: Guardian | None, on: datetime.date) -> dict:
    if guardian is None:
        return {}
    return {
        f"{prefix}_name": guardian.full_name,
        f"{prefix}_age": _age(guardian.birth_date, on),
        f"{prefix}_work": guardian.workplace,
        f"{prefix}_schedule": guardian.work_schedule,
        f"{prefix}_education": guardian.education,
        f"{prefix}_phone": guardian.phone,
    }


def act_initial(visit: HomeVisit) -> dict:
    """What the act form starts with before the act is first saved: the child's and the
    parents' details from the records (everything can be amended in the form)."""
    student = visit.case.student
    today = timezone.localdate()
    on = min(visit.planned_for, today)
    guardians = list(student.guardians.all())
    by_relation = {}
    for guardian in guardians:
        by_relation.setdefault(guardian.relation, guardian)
    relatives = [
        ", ".join(
            part
            for part in (
                g.full_name,
                f"{g.birth_date.year} г. р." if g.birth_date else "",
                g.get_relation_display(),
            )
            if part
        )
        for g in guardians
        if g.relation not in (Guardian.Relation.MOTHER, Guardian.Relation.FATHER)
        and g.lives_with_student
    ]
    return {
        "visited_on": on,
        "student_name": student.full_name,
        "birth_year": student.birth_date.year,
        "class_name": _class_name(student, visit.school_id, on),
        "disability": _("имеется") if student.disability else _("нет"),
        "address": student.actual_address or student.registration_address,
        **_parent("mother", by_relation.get(Guardian.Relation.MOTHER), on),
        **_parent("father", by_relation.get(Guardian.Relation.FATHER), on),
        "other_relatives": "\n".join(relatives),
        "members": [m.pk for m in visit.members.all()],
        "other_members": visit.other_members,
    }


def _labels(choices, values) -> str:
    """The checked answers of a list, as the form words them, in the form's order."""
    return ", ".join(str(label) for value, label in choices.choices if value in values)


def act_context(visit: HomeVisit) -> dict:
    """The printed act's data (templates/casework/print/visit_act.html)."""
    members = list(visit.members.all())
    titles = positions(members, visit.school_id)
    return {
        "visit": visit,
        "student": visit.case.student,
        "members": [
            {"name": m.get_full_name() or m.username, "position": titles[m.pk]} for m in members
        ],
        "other_members": [
            line.strip() for line in visit.other_members.splitlines() if line.strip()
        ],
        "child_conditions": _labels(ChildCondition, visit.child_conditions),
        "school_contact": _labels(SchoolContact, visit.school_contact),
        "relations": _labels(Relations, visit.relations),
        "family_problems": _labels(FamilyProblem, visit.family_problems),
    }
