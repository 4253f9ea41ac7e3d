"""Who opens the administration pages (issue #15). Who may grant which role is decided by
``accounts.services.check_role_change``; who manages classes and subjects by
``schools.manage_school`` (``schools/rules.py``), which the services check themselves.

Objects: a ``School``, a ``Municipality`` or a ``RoleAssignment`` (of a school).
"""

import rules

from accounts.roles import Role
from accounts.rules import has_school_role, holds_school_role, is_staff_of_school, is_superuser
from accounts.selectors import municipality_ids_for_user
from schools.models import Municipality, School

MANAGER_ROLES = (Role.SCHOOL_ADMIN, Role.DIRECTOR)


def _municipality_id(obj) -> int | None:
    if isinstance(obj, Municipality):
        return obj.pk
    if isinstance(obj, School):
        return obj.municipality_id
    school = getattr(obj, "school", None)
    return school.municipality_id if school is not None else None


@rules.predicate
def is_municipal_specialist_of(user, obj) -> bool:
    """A municipal specialist of the municipality of the object (or of the object's school)."""
    municipality_id = _municipality_id(obj)
    return municipality_id is not None and municipality_id in municipality_ids_for_user(user)


@rules.predicate
def is_municipal_specialist(user) -> bool:
    return bool(municipality_ids_for_user(user))


is_school_manager = has_school_role(*MANAGER_ROLES)

# The «Администрирование» start page and its menu link.
rules.add_perm(
    "administration.open_pages",
    is_superuser | holds_school_role(*MANAGER_ROLES) | is_municipal_specialist,
)
# A school's staff list and a person's roles there: the school's administrator and
# director, and the municipal specialist who appoints its leadership. Others: 404.
rules.add_perm(
    "administration.see_staff",
    is_superuser | is_school_manager | is_municipal_specialist_of,
)
# Who may know a school's staff pages exist: its staff (they get 403 without
# ``see_staff``) and the municipal specialist over it; anyone else gets 404.
rules.add_perm(
    "administration.know_school",
    is_superuser | is_staff_of_school | is_municipal_specialist_of,
)
# The municipality's page of directors, deputies and administrators.
rules.add_perm(
    "administration.appoint_leadership",
    is_superuser | is_municipal_specialist_of,
)
