"""Staff with their roles in the school (issue #15 point 3).

A person is matched by login or e-mail (case ignored) among all accounts: a teacher who
already works in another school keeps their account and gains a role here. Roles are
granted only through ``accounts.services`` (``create_staff_member``, ``assign_role``), so
``check_role_change`` decides as on the staff pages: a school administrator takes on
teachers, a social pedagogue and a psychologist; the leadership is appointed by the
municipality. The dry run asks the same question for every row before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from accounts.services import RoleError, assign_role, check_role_change
from accounts.services_staff import USERNAME_MAX_LENGTH, create_staff_member

from .base import Column, Progress, Row, fold, in_steps

LAST = Column("last_name", "Фамилия", "Смирнова", required=True)
FIRST = Column("first_name", "Имя", "Анна", required=True)
PATRONYMIC = Column("patronymic", "Отчество", "Викторовна")
USERNAME = Column(
    "username", "Логин", "smirnova.av", hint="обязателен для нового сотрудника", aliases=("login",)
)
EMAIL = Column("email", "E-mail", "smirnova@school.example.ru", aliases=("Электронная почта",))
PHONE = Column("phone", "Телефон", "+7 900 111-22-33")
POSITION = Column("position", "Должность", "учитель математики")
ROLES = Column(
    "roles",
    "Роли",
    "учитель-предметник, классный руководитель",
    required=True,
    hint="через запятую: учитель-предметник, классный руководитель, социальный педагог, "
    "педагог-психолог",
)
COLUMNS = (LAST, FIRST, PATRONYMIC, USERNAME, EMAIL, PHONE, POSITION, ROLES)
TITLE = gettext_lazy("Сотрудники")

# Russian names of the roles as people write them; the codes are accepted too.
ROLE_NAMES = {
    "учитель-предметник": Role.SUBJECT_TEACHER,
    "учитель предметник": Role.SUBJECT_TEACHER,
    "учитель": Role.SUBJECT_TEACHER,
    "предметник": Role.SUBJECT_TEACHER,
    "классный руководитель": Role.CLASS_TEACHER,
    "кл. руководитель": Role.CLASS_TEACHER,
    "социальный педагог": Role.SOCIAL_PEDAGOGUE,
    "соцпедагог": Role.SOCIAL_PEDAGOGUE,
    "педагог-психолог": Role.PSYCHOLOGIST,
    "психолог": Role.PSYCHOLOGIST,
    "заместитель директора": Role.DEPUTY,
    "завуч": Role.DEPUTY,
    "директор": Role.DIRECTOR,
    "администратор": Role.SCHOOL_ADMIN,
    **{role.value: role.value for role in Role},
}


@dataclass
class NewPerson:
    row: int
    fields: dict
    roles: list[str]


@dataclass
class Plan:
    new: list[NewPerson] = field(default_factory=list)
    grants: list[tuple[User, str]] = field(default_factory=list)
    unchanged: int = 0

    def summary(self) -> dict:
        return {
            "staff_created": len(self.new),
            "roles_granted": len(self.grants) + sum(len(p.roles) for p in self.new),
            "staff_unchanged": self.unchanged,
        }


def parse_roles(row: Row) -> list[str]:
    text = row.text(ROLES.key)
    roles, unknown = [], []
    for part in re.split(r"[,;/\n]+", text):
        name = fold(part)
        if not name:
            continue
        role = ROLE_NAMES.get(name)
        if role is None:
            unknown.append(part.strip()[:40])
        elif role not in roles:
            roles.append(role)
    if unknown:
        row.error(
            ROLES,
            _(
                "Неизвестная роль: %(roles)s. Роли: учитель-предметник, классный руководитель, "
                "социальный педагог, педагог-психолог, заместитель директора, директор, "
                "администратор."
            )
            % {"roles": ", ".join(f"«{name}»" for name in unknown)},
        )
    elif not roles:
        row.error(ROLES, _("Не заполнено."))
    return roles


class StaffImport:
    columns = COLUMNS
    title = TITLE

    def __init__(self, *, school, acting_user, **_ignored):
        self.school = school
        self.acting_user = acting_user

    def check(self, rows: list[Row], progress: Progress | None = None) -> Plan:
        logins = {r.text(USERNAME.key).lower() for r in rows} - {""}
        emails = {r.text(EMAIL.key).lower() for r in rows} - {""}
        users = list(
            User.objects.annotate(login=Lower("username"), mail=Lower("email")).filter(
                Q(login__in=logins) | Q(mail__in=emails)
            )
        )
        by_login = {fold(u.username): u for u in users}
        by_email = {}
        for user in users:
            if user.email:
                by_email.setdefault(fold(user.email), user)
        held = {}
        for user_id, role in RoleAssignment.objects.filter(
            school=self.school, user__in=users
        ).values_list("user_id", "role"):
            held.setdefault(user_id, set()).add(role)
        seen: dict[str, int] = {}
        plan = Plan()
        for row in in_steps(rows, progress):
            self._check_row(row, plan, by_login, by_email, held, seen)
        return plan

    def _check_row(self, row, plan, by_login, by_email, held, seen):
        last = row.required_text(LAST, 150)
        first = row.required_text(FIRST, 150)
        patronymic = row.bounded(PATRONYMIC, row.text(PATRONYMIC.key), 150)
        username = row.text(USERNAME.key)
        email = row.text(EMAIL.key)
        phone = row.bounded(PHONE, row.text(PHONE.key), 32)
        position = row.bounded(POSITION, row.text(POSITION.key), 200)
        roles = parse_roles(row)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                row.error(EMAIL, _("Неверный адрес электронной почты."))
        for key, column in ((fold(username), USERNAME), (fold(email), EMAIL)):
            if key and key in seen:
                row.error(column, _("Уже встречается в строке %(n)d файла.") % {"n": seen[key]})
            elif key:
                seen[key] = row.number
        if row.errors:
            return
        by_name = by_login.get(fold(username)) if username else None
        by_mail = by_email.get(fold(email)) if email else None
        if by_name and by_mail and by_name != by_mail:
            row.error(
                EMAIL,
                _("Этот e-mail принадлежит другому сотруднику, не «%(login)s».")
                % {"login": by_name.username},
            )
            return
        user = by_name or by_mail
        if user is None:
            self._new_person(
                row, plan, username, last, first, patronymic, email, phone, position, roles
            )
            return
        missing = [role for role in roles if role not in held.get(user.pk, set())]
        for role in missing:
            try:
                check_role_change(
                    acting_user=self.acting_user, user=user, role=role, school=self.school
                )
            except RoleError as error:
                row.error(ROLES, " ".join(error.messages))
                return
        if missing:
            plan.grants.extend((user, role) for role in missing)
        else:
            plan.unchanged += 1

    def _new_person(
        self, row, plan, username, last, first, patronymic, email, phone, position, roles
    ):
        if not username:
            row.error(USERNAME, _("Не заполнено: новому сотруднику нужен логин."))
            return
        if len(username) > USERNAME_MAX_LENGTH:
            row.error(USERNAME, _("Длиннее %(n)d символов.") % {"n": USERNAME_MAX_LENGTH})
            return
        try:
            User.username_validator(username)
        except ValidationError:
            row.error(USERNAME, _("Логин может содержать только буквы, цифры и знаки @ . + - _"))
            return
        for role in roles:
            try:
                check_role_change(
                    acting_user=self.acting_user, user=None, role=role, school=self.school
                )
            except RoleError as error:
                row.error(ROLES, " ".join(error.messages))
                return
        plan.new.append(
            NewPerson(
                row=row.number,
                fields={
                    "username": username,
                    "last_name": last,
                    "first_name": first,
                    "patronymic": patronymic,
                    "email": email,
                    "phone": phone,
                    "position": position,
                },
                roles=roles,
            )
        )

    def write(self, plan: Plan, progress: Progress | None = None) -> tuple[dict, list[dict]]:
        """Write in the caller's transaction; StaffError/RoleError (Russian) refuse. Returns
        the summary and the temporary passwords of the people taken on."""
        credentials = []
        for count, person in enumerate(plan.new, start=1):
            created = create_staff_member(
                school=self.school,
                acting_user=self.acting_user,
                roles=person.roles,
                **person.fields,
            )
            credentials.append(
                {
                    "name": str(created.user),
                    "username": created.user.username,
                    "password": created.temporary_password,
                }
            )
            if progress and count % 20 == 0:
                progress(count)
        for user, role in plan.grants:
            assign_role(user=user, role=role, school=self.school, acting_user=self.acting_user)
        return plan.summary(), credentials
