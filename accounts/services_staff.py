"""A school's staff (R-A): taking a person on with their roles, and letting them go.

Roles are granted and revoked only through :func:`accounts.services.assign_role` and
:func:`~accounts.services.revoke_role`, so the rules of who may grant what
(:func:`~accounts.services.check_role_change`) hold here too: a school administrator takes
on teachers, a social pedagogue and a psychologist; the director, the deputy and the
administrators are appointed by a municipal specialist of the school's municipality.

A person is never deleted (their marks, cases and audit entries name them): letting them go
revokes their roles in the school, and when they hold no role anywhere else their account
is switched off (``is_active`` False), which also ends their sessions.
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import log_action

from .models import RoleAssignment, User
from .services import RoleError, assign_role, check_role_change, revoke_role

# No look-alike characters (0/O, 1/l/I): the password is read off a screen and typed.
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_GROUPS, PASSWORD_GROUP_LENGTH = 3, 4
USERNAME_MAX_LENGTH = User._meta.get_field("username").max_length


class StaffError(ValidationError):
    """A refused change of the staff; the message is Russian and shown as is."""


@dataclass(frozen=True)
class NewStaffMember:
    user: User
    # Shown once to whoever took the person on, never stored in clear.
    temporary_password: str


def temporary_password() -> str:
    """«abcd-efgh-jkmn»: twelve random characters, easy to read out and type."""
    groups = (
        "".join(secrets.choice(PASSWORD_ALPHABET) for _i in range(PASSWORD_GROUP_LENGTH))
        for _g in range(PASSWORD_GROUPS)
    )
    return "-".join(groups)


def _clean_person(*, username: str, last_name: str, first_name: str, email: str) -> str:
    username = (username or "").strip()
    if not username:
        raise StaffError(_("Укажите логин."), code="username")
    if len(username) > USERNAME_MAX_LENGTH:
        raise StaffError(
            _("Логин — не длиннее %(n)d символов.") % {"n": USERNAME_MAX_LENGTH}, code="username"
        )
    try:
        User.username_validator(username)
    except ValidationError:
        raise StaffError(
            _("Логин может содержать только буквы, цифры и знаки @ . + - _"), code="username"
        ) from None
    if User.objects.filter(username__iexact=username).exists():
        raise StaffError(_("Логин «%(login)s» уже занят.") % {"login": username}, code="username")
    if not (last_name or "").strip() or not (first_name or "").strip():
        raise StaffError(_("Укажите фамилию и имя сотрудника."), code="name")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise StaffError(_("Неверный адрес электронной почты."), code="email") from None
    return username


@transaction.atomic
def create_staff_member(
    *,
    school,
    username: str,
    last_name: str,
    first_name: str,
    roles: Iterable[str],
    acting_user,
    patronymic: str = "",
    email: str = "",
    phone: str = "",
    position: str = "",
) -> NewStaffMember:
    """A new account holding ``roles`` in ``school``, with a temporary password.

    StaffError or RoleError (Russian) before anything is written: a taken login, a missing
    name, no role, or a role ``acting_user`` may not grant in this school.
    """
    roles = sorted(set(roles))
    if not roles:
        raise StaffError(_("Выберите хотя бы одну роль сотрудника."), code="roles")
    for role in roles:
        check_role_change(acting_user=acting_user, user=None, role=role, school=school)
    username = _clean_person(
        username=username, last_name=last_name, first_name=first_name, email=email
    )
    user = User(
        username=username,
        last_name=last_name.strip(),
        first_name=first_name.strip(),
        patronymic=(patronymic or "").strip(),
        email=(email or "").strip(),
        phone=(phone or "").strip(),
        position=(position or "").strip(),
    )
    password = temporary_password()
    validate_password(password, user)
    user.set_password(password)
    user.save()
    log_action(
        actor=acting_user,
        action="accounts.staff.created",
        obj=user,
        school=school,
        data={"user_id": user.pk, "username": username, "roles": roles},
    )
    for role in roles:
        assign_role(user=user, role=role, school=school, acting_user=acting_user)
    return NewStaffMember(user=user, temporary_password=password)


@transaction.atomic
def deactivate_staff_member(*, user: User, school, acting_user) -> bool:
    """Revoke every role ``user`` holds in ``school``; switch the account off when they hold
    no role anywhere else. True when the account was switched off.

    RoleError (Russian) and nothing changes when ``acting_user`` may not revoke one of the
    roles (a school administrator letting the director go) or acts on themselves.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    assignments = list(RoleAssignment.objects.filter(user=user, school=school))
    if not assignments:
        raise StaffError(_("%(name)s не работает в этой школе.") % {"name": user}, code="staff")
    for assignment in assignments:
        check_role_change(acting_user=acting_user, user=user, role=assignment.role, school=school)
    for assignment in assignments:
        revoke_role(assignment=assignment, acting_user=acting_user)
    deactivate = (
        not user.is_superuser
        and user.is_active
        and not RoleAssignment.objects.filter(user=user).exists()
    )
    if deactivate:
        user.is_active = False
        user.save(update_fields=["is_active"])
    log_action(
        actor=acting_user,
        action="accounts.staff.deactivated",
        obj=user,
        school=school,
        data={
            "user_id": user.pk,
            "roles": sorted(a.role for a in assignments),
            "account_deactivated": deactivate,
        },
    )
    return deactivate


__all__ = [
    "NewStaffMember",
    "RoleError",
    "StaffError",
    "create_staff_member",
    "deactivate_staff_member",
    "temporary_password",
]
