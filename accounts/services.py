"""Role assignment (R-A, R-SEC): the one way a role is granted or revoked.

Every change is checked by :func:`check_role_change` (who may grant which role, see
``accounts.roles.SCHOOL_ADMIN_GRANTABLE_ROLES``; nobody changes their own roles), audited
with the user's roles in that scope before and after, and announced by the
``accounts.signals.role_changed`` signal, on which alerts tells the school's director.
``acting_user=None`` is the system setting data up (the demo, fixtures): it is audited
without an actor and told to nobody.

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
from .roles import (
    MUNICIPAL_GRANTABLE_ROLES,
    SCHOOL_ADMIN_GRANTABLE_ROLES,
    SCHOOL_ROLES,
    Role,
)
from .selectors import forget_roles, municipality_ids_for_user, school_ids_with_role
from .signals import role_changed


class RoleError(ValidationError):
    """A role assignment that does not fit the role's scope, or that the acting user may
    not make."""


def grantable_roles(acting_user, school=None) -> frozenset[str]:
    """The school roles ``acting_user`` may grant and revoke in ``school``, or in some school
    when ``school`` is None (the choices the admin offers)."""
    if acting_user is None or acting_user.is_superuser:
        return SCHOOL_ROLES
    if not acting_user.is_active:
        return frozenset()
    administered = school_ids_with_role(acting_user, Role.SCHOOL_ADMIN)
    municipalities = municipality_ids_for_user(acting_user)
    roles = set()
    if administered and (school is None or school.pk in administered):
        roles |= SCHOOL_ADMIN_GRANTABLE_ROLES
    if municipalities and (school is None or school.municipality_id in municipalities):
        roles |= MUNICIPAL_GRANTABLE_ROLES
    return frozenset(roles)


def check_role_change(*, acting_user, user, role: str, school=None) -> None:
    """RoleError (Russian) unless ``acting_user`` may grant or revoke ``role`` of ``user``
    in ``school`` (None for the territory roles). The admin's forms call it to show the
    error; :func:`assign_role` and :func:`revoke_role` call it again before any change."""
    if acting_user is None:
        return
    if user is not None and acting_user.pk == user.pk:
        raise RoleError(_("Нельзя назначать или снимать роли самому себе."), code="own_role")
    if acting_user.is_superuser:
        return
    if role not in SCHOOL_ROLES:
        raise RoleError(
            _("Роли специалистов муниципалитета и региона назначает администратор системы."),
            code="forbidden_role",
        )
    if school is None:
        raise RoleError(_("Укажите школу, в которой назначается роль."), code="no_school")
    if role in grantable_roles(acting_user, school):
        return
    if school_ids_with_role(acting_user, Role.SCHOOL_ADMIN) and role not in (
        SCHOOL_ADMIN_GRANTABLE_ROLES
    ):
        raise RoleError(
            _(
                "Роли директора, заместителя директора и администратора назначает и снимает "
                "специалист муниципального органа управления образованием."
            ),
            code="forbidden_role",
        )
    raise RoleError(
        _("Недостаточно прав, чтобы назначать или снимать роли в этой школе."),
        code="forbidden_role",
    )


def _roles_in_scope(user, school, municipality, region) -> list[str]:
    return sorted(
        RoleAssignment.objects.filter(
            user=user, school=school, municipality=municipality, region=region
        ).values_list("role", flat=True)
    )


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
    """Give ``user`` the ``role`` in one school (or municipality / region). Idempotent.

    RoleError (Russian) when the scope does not fit the role or ``acting_user`` may not
    grant it (:func:`check_role_change`); nothing changes then.
    """
    _check_scope(role, school, municipality, region)
    check_role_change(acting_user=acting_user, user=user, role=role, school=school)
    old = _roles_in_scope(user, school, municipality, region)
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
            data={
                "user_id": user.pk,
                "role": role,
                "scope": str(_scope_of(assignment)),
                "old": old,
                "new": sorted({*old, role}),
            },
        )
        if acting_user is not None:
            role_changed.send(
                sender=RoleAssignment,
                user=user,
                role=role,
                school=school,
                granted=True,
                acting_user=acting_user,
            )
    forget_roles(user)
    return assignment


@transaction.atomic
def revoke_role(*, assignment: RoleAssignment, acting_user) -> None:
    """Take a role away. Revoking an already deleted assignment does nothing.

    RoleError (Russian) when ``acting_user`` may not revoke it (:func:`check_role_change`).
    """
    user = assignment.user
    check_role_change(
        acting_user=acting_user, user=user, role=assignment.role, school=assignment.school
    )
    scope = (assignment.school, assignment.municipality, assignment.region)
    old = _roles_in_scope(user, *scope)
    deleted, _count = RoleAssignment.objects.filter(pk=assignment.pk).delete()
    if not deleted:
        return
    log_action(
        actor=acting_user,
        action="accounts.role.revoked",
        obj=user,
        school=assignment.school,
        data={
            "user_id": user.pk,
            "role": assignment.role,
            "scope": str(_scope_of(assignment)),
            "old": old,
            "new": [role for role in old if role != assignment.role],
        },
    )
    _sync_staff_flag(user)
    forget_roles(user)
    if acting_user is not None:
        role_changed.send(
            sender=RoleAssignment,
            user=user,
            role=assignment.role,
            school=assignment.school,
            granted=False,
            acting_user=acting_user,
        )
