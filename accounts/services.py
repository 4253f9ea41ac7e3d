"""Role assignment (R-A, R-SEC): every change of a role is audited.

Django admin only admits users with ``is_staff``; the administrators of a
school get it here, with the ``school_admin`` role, and lose it with the last
such role. What they can do inside the admin is decided by
``accounts.admin_scoping.SchoolScopedAdminMixin`` from the role, not by the flag.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import log_action

from .models import RoleAssignment, User
from .roles import SCHOOL_ROLES, Role
from .selectors import forget_roles


class RoleError(ValidationError):
    """A role assignment that does not fit the role's scope."""


def _scope_of(assignment: RoleAssignment):
    return assignment.school or assignment.municipality or assignment.region


def _check_scope(role: str, school, municipality, region) -> None:
    given = [scope for scope in (school, municipality, region) if scope is not None]
    if len(given) != 1:
        raise RoleError(_("Роль назначается ровно в одной школе, муниципалитете или регионе."))
    expected = (
        school if role in SCHOOL_ROLES else municipality if role == Role.MUNICIPAL else region
    )
    if expected is None:
        raise RoleError(_("Эта роль назначается в другой области (школа, муниципалитет, регион)."))


def _sync_staff_flag(user: User) -> None:
    """Admin access follows the school_admin role (superusers keep theirs)."""
    if user.is_superuser:
        return
    should_be_staff = RoleAssignment.objects.filter(user=user, role=Role.SCHOOL_ADMIN).exists()
    if user.is_staff != should_be_staff:
        user.is_staff = should_be_staff
        user.save(update_fields=["is_staff"])


@transaction.atomic
def assign_role(
    *, user: User, role: str, acting_user, school=None, municipality=None, region=None
) -> RoleAssignment:
    """Give ``user`` the ``role`` in one school (or municipality / region). Idempotent."""
    _check_scope(role, school, municipality, region)
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, school=school, municipality=municipality, region=region
    )
    if created:
        _sync_staff_flag(user)
        log_action(
            actor=acting_user,
            action="accounts.role.assigned",
            obj=assignment,
            school=school,
            data={"user_id": user.pk, "role": role, "scope": str(_scope_of(assignment))},
        )
    forget_roles(user)
    return assignment


@transaction.atomic
def revoke_role(*, assignment: RoleAssignment, acting_user) -> None:
    """Take a role away. Revoking an already deleted assignment does nothing."""
    deleted, _count = RoleAssignment.objects.filter(pk=assignment.pk).delete()
    if not deleted:
        return
    user = assignment.user
    log_action(
        actor=acting_user,
        action="accounts.role.revoked",
        obj=user,
        school=assignment.school,
        data={"user_id": user.pk, "role": assignment.role, "scope": str(_scope_of(assignment))},
    )
    _sync_staff_flag(user)
    forget_roles(user)
