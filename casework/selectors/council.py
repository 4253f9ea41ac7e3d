"""Reads of the council and the registry, scoped to the user (spec §1): another school's
sessions, hearings, conclusions and placements answer 404."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from accounts.access import get_object_for_user
from accounts.inputs import id_or_none
from accounts.models import RoleAssignment, User
from accounts.roles import SCHOOL_ROLES, Role
from accounts.selectors import school_ids_with_role
from schools.models import Enrollment, School
from schools.selectors import get_school_for_user

from ..models import (
    Case,
    Conclusion,
    CouncilAssignment,
    CouncilHearing,
    CouncilSession,
    ObservationEntry,
    RegistryPlacement,
)
from . import get_case_for_user

# Who holds casework.view_council / view_registry in a school (casework/rules.py).
COUNCIL_READER_ROLES = (Role.SOCIAL_PEDAGOGUE, Role.DEPUTY, Role.DIRECTOR)
REGISTRY_READER_ROLES = (Role.SOCIAL_PEDAGOGUE, Role.DEPUTY, Role.DIRECTOR)


def get_school_for_page(user, requested: str | None, *, perm: str, roles) -> School:
    """The school asked for (``?school=``) or the user's first school where they hold one of
    ``roles``: 404 for another school or a malformed id, 403 for staff without ``perm``."""
    if requested:
        school_id = id_or_none(requested)
        if school_id is None:
            raise Http404
        return get_school_for_user(user, school_id, perm=perm)
    if user.is_superuser:
        schools = School.objects.all()
    else:
        allowed = school_ids_with_role(user, *roles)
        if not allowed:
            raise PermissionDenied
        schools = School.objects.filter(pk__in=allowed)
    school = schools.order_by("short_name", "pk").first()
    if school is None:
        raise Http404
    if not user.has_perm(perm, school):  # the permission decides, the roles only pick
        raise PermissionDenied
    return school


def school_staff(school) -> QuerySet[User]:
    """Active users holding a school role in ``school``, by name."""
    ids = RoleAssignment.objects.filter(
        school=school, role__in=SCHOOL_ROLES, user__is_active=True
    ).values("user_id")
    return User.objects.filter(pk__in=ids).order_by("last_name", "first_name", "patronymic", "pk")


def positions(school, users) -> dict[int, str]:
    """{user id: their school roles in words} for the protocol's lists (one query)."""
    order = {role: n for n, role in enumerate(Role.values)}
    found: dict[int, list[str]] = {}
    for user_id, role in (
        RoleAssignment.objects.filter(school=school, user__in=[u.pk for u in users if u])
        .order_by("pk")
        .values_list("user_id", "role")
    ):
        found.setdefault(user_id, []).append(role)
    return {
        user_id: ", ".join(
            str(Role(role).label).lower() for role in sorted(set(roles), key=order.get)
        )
        for user_id, roles in found.items()
    }


# Sessions and hearings ----------------------------------------------------------------------


def sessions_of(school) -> QuerySet[CouncilSession]:
    return CouncilSession.objects.filter(school=school).select_related("chair", "secretary")


def get_session_for_user(user, session_id: int, *, perm="casework.view_council") -> CouncilSession:
    return get_object_for_user(
        user,
        CouncilSession.objects.select_related("school", "chair", "secretary"),
        perm=perm,
        pk=session_id,
    )


def hearings_of_session(session) -> list[CouncilHearing]:
    """The session's hearings with the child, the assignments and the conclusion (a few
    queries whatever their number), each with ``school_class`` set."""
    hearings = list(
        CouncilHearing.objects.filter(session=session)
        .select_related("case__student", "previous__session", "conclusion")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=CouncilAssignment.objects.select_related("assignee", "task"),
            )
        )
        .order_by("pk")
    )
    classes = {
        e.student_id: e.school_class
        for e in Enrollment.objects.filter(
            student_id__in=[h.case.student_id for h in hearings], school_id=session.school_id
        )
        .select_related("school_class")
        .on(session.date)
    }
    for hearing in hearings:
        hearing.school_class = classes.get(hearing.case.student_id)
    return hearings


def get_hearing_for_user(user, hearing_id: int, *, perm="casework.view_council") -> CouncilHearing:
    return get_object_for_user(
        user,
        CouncilHearing.objects.select_related(
            "case__student", "session", "school", "previous__session"
        ),
        perm=perm,
        pk=hearing_id,
    )


def waiting_cases(school) -> QuerySet[Case]:
    """Active cases of the school not on a session still to be held: candidates for the
    agenda (repeat hearings waiting for a session come first in the form)."""
    pending = CouncilHearing.objects.filter(session__isnull=False, held=False).values("case_id")
    return (
        Case.objects.filter(school=school)
        .exclude(status=Case.Status.CLOSED)
        .exclude(pk__in=pending)
        .select_related("student")
        .order_by("student__last_name", "student__first_name", "pk")
    )


def queued_repeats(school) -> QuerySet[CouncilHearing]:
    """Repeat hearings waiting to be put on a session."""
    return CouncilHearing.objects.filter(
        school=school, session__isnull=True, held=False
    ).select_related("case__student", "previous__session")


def open_sessions(school) -> QuerySet[CouncilSession]:
    """Sessions a case can still be put on: planned ones."""
    return CouncilSession.objects.filter(school=school, status=CouncilSession.Status.PLANNED)


# Conclusions ------------------------------------------------------------------------------


def get_conclusion_for_user(
    user, conclusion_id: int, *, perm="casework.view_council"
) -> Conclusion:
    return get_object_for_user(
        user,
        Conclusion.objects.select_related(
            "hearing__case__student",
            "hearing__session__chair",
            "hearing__session__secretary",
            "school",
            "decided_by",
        ),
        perm=perm,
        pk=conclusion_id,
    )


# Registry ---------------------------------------------------------------------------------


def registry_of(school, *, include_removed: bool = False) -> QuerySet[RegistryPlacement]:
    placements = RegistryPlacement.objects.filter(school=school).select_related(
        "student", "conclusion", "case"
    )
    if not include_removed:
        placements = placements.filter(removed_on__isnull=True)
    return placements.order_by("student__last_name", "student__first_name", "-placed_on", "pk")


def attach_classes(placements, school, day) -> None:
    """Set ``school_class`` on each placement (one query)."""
    classes = {
        e.student_id: e.school_class
        for e in Enrollment.objects.filter(
            student_id__in=[p.student_id for p in placements], school=school
        )
        .select_related("school_class")
        .on(day)
    }
    for placement in placements:
        placement.school_class = classes.get(placement.student_id)


def get_placement_for_user(
    user, placement_id: int, *, perm="casework.view_registry"
) -> RegistryPlacement:
    return get_object_for_user(
        user,
        RegistryPlacement.objects.select_related("student", "school", "case", "conclusion"),
        perm=perm,
        pk=placement_id,
    )


def observations_of(placement) -> QuerySet[ObservationEntry]:
    return ObservationEntry.objects.filter(placement=placement).select_related("author")


def get_diary_for_user(user, placement_id: int, *, perm="casework.view_case") -> RegistryPlacement:
    """A placement whose observation diary the user opens: readable by whoever reads the
    child's case (404 for outsiders, 403 without ``perm`` on the case)."""
    placement = (
        RegistryPlacement.objects.select_related("student", "school", "conclusion")
        .filter(pk=placement_id)
        .first()
    )
    if placement is None:
        raise Http404
    placement.case = get_case_for_user(user, placement.case_id, perm=perm)
    return placement
