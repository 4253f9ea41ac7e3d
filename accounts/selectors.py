"""Who the user is, in which schools, with which roles. Results are cached on the user object."""

from .models import RoleAssignment
from .roles import LANDING_ORDER, SCHOOL_ROLES, Role


def _assignments(user) -> list[RoleAssignment]:
    cached = getattr(user, "_role_assignments_cache", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user))
        user._role_assignments_cache = cached
    return cached


def roles_of(user, school=None) -> frozenset[str]:
    """Role codes the user holds, optionally only in one school."""
    if not user.is_authenticated:
        return frozenset()
    school_id = getattr(school, "pk", school)
    return frozenset(
        a.role for a in _assignments(user) if school_id is None or a.school_id == school_id
    )


def has_role(user, role: str, school=None) -> bool:
    return role in roles_of(user, school)


def school_ids_for_user(user) -> frozenset[int]:
    """Schools whose staff the user is (one of the school roles there)."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(a.school_id for a in _assignments(user) if a.role in SCHOOL_ROLES)


def school_ids_with_role(user, *roles: str) -> frozenset[int]:
    """Schools in which the user holds one of ``roles``."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(a.school_id for a in _assignments(user) if a.role in roles and a.school_id)


def municipality_ids_for_user(user) -> frozenset[int]:
    if not user.is_authenticated:
        return frozenset()
    return frozenset(a.municipality_id for a in _assignments(user) if a.role == Role.MUNICIPAL)


def region_ids_for_user(user) -> frozenset[int]:
    if not user.is_authenticated:
        return frozenset()
    return frozenset(a.region_id for a in _assignments(user) if a.role == Role.REGIONAL)


def landing_role(user) -> str | None:
    """The role whose start page the user sees first (``LANDING_ORDER``)."""
    held = roles_of(user)
    return next((role for role in LANDING_ORDER if role in held), None)


def forget_roles(user) -> None:
    """Drop the cached role assignments (after assigning or revoking a role)."""
    user.__dict__.pop("_role_assignments_cache", None)
