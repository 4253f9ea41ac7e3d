"""Students and their guardians (R-A): admitting a new student, changing their personal
data and family flags, adding, changing and removing a guardian.

A school keeps the data of its own students: those whose latest enrollment is in it (a
child who moved to another school is kept by that one; the old school still reads the
history). Each function takes the acting user (None: the system), checks
``schools.manage_school`` on the school, then the state, and writes its audit entry with
the old and new values in the transaction of the change. Refusals are
:class:`StudentError` with a Russian message shown as is. Enrollments themselves change
through ``schools.services`` (enroll, transfer, withdraw).
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import log_action

from .models import Enrollment, Guardian, LeavingCategory, School, SchoolClass, Student
from .services import EnrollmentError, enroll_student

# What the pages change of a student, and of a guardian.
NAME_FIELDS = ("last_name", "first_name", "patronymic")
STUDENT_TEXT_FIELDS = (
    *NAME_FIELDS,
    "registration_address",
    "actual_address",
    "not_studying_for_health_note",
    "notes",
)
FAMILY_FLAGS = (
    "large_family",
    "low_income",
    "single_parent",
    "difficult_life_situation",
    "socially_dangerous_position",
    "disability",
    "not_studying_for_health",
)
STUDENT_FIELDS = (*NAME_FIELDS, "birth_date", "gender", *STUDENT_TEXT_FIELDS[3:], *FAMILY_FLAGS)
GUARDIAN_TEXT_FIELDS = (
    "full_name",
    "phone",
    "email",
    "address",
    "workplace",
    "education",
    "work_schedule",
    "whereabouts",
)
GUARDIAN_FIELDS = (*GUARDIAN_TEXT_FIELDS, "relation", "birth_date", "lives_with_student")

# A schoolchild is between 5 and 25 years old on the day they are recorded (adult
# learners of evening classes included); anything else is a typing error.
YOUNGEST_YEARS, OLDEST_YEARS = 5, 25
_PHONE_CHARS = re.compile(r"[0-9+()\-. ]+")
PHONE_DIGITS = (5, 15)


class StudentError(Exception):
    """A refused change of a student or a guardian; the message is Russian and shown as is."""


def _check_manager(acting_user, school: School) -> None:
    if acting_user is not None and not acting_user.has_perm("schools.manage_school", school):
        raise StudentError(_("Данные обучающихся школы ведут её администратор и директор."))


def keeping_school_id(student: Student) -> int | None:
    """The school of the student's latest enrollment: the one that keeps their data."""
    return (
        Enrollment.objects.filter(student=student)
        .order_by("-start_date", "-pk")
        .values_list("school_id", flat=True)
        .first()
    )


def _check_keeps(student: Student, school: School) -> None:
    if keeping_school_id(student) != school.pk:
        raise StudentError(
            _("Обучающийся учится в другой школе: его данные ведёт она, здесь — только история.")
        )


def _model_field(model, name):
    return model._meta.get_field(name)


def _text(model, name: str, value) -> str:
    value = " ".join(str(value or "").split()) if name != "notes" else str(value or "").strip()
    field = _model_field(model, name)
    if field.max_length and len(value) > field.max_length:
        raise StudentError(
            _("Поле «%(label)s» — не длиннее %(n)d символов.")
            % {"label": field.verbose_name, "n": field.max_length}
        )
    return value


def _clean_birth_date(value, *, today: datetime.date) -> datetime.date:
    if not isinstance(value, datetime.date):
        raise StudentError(_("Укажите дату рождения."))
    age = today.year - value.year - ((today.month, today.day) < (value.month, value.day))
    if not YOUNGEST_YEARS <= age <= OLDEST_YEARS:
        raise StudentError(
            _("Дата рождения %(date)s: обучающемуся должно быть от %(young)d до %(old)d лет.")
            % {"date": value.strftime("%d.%m.%Y"), "young": YOUNGEST_YEARS, "old": OLDEST_YEARS}
        )
    return value


def clean_student_fields(fields: dict, *, today: datetime.date | None = None) -> dict:
    """The student's fields trimmed and checked: names, a plausible birth date, a known
    gender, texts within their lengths, the family flags as booleans."""
    today = today or timezone.localdate()
    unknown = set(fields) - set(STUDENT_FIELDS)
    if unknown:
        raise StudentError(
            _("Неизвестные поля: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    clean = {name: _text(Student, name, fields.get(name)) for name in STUDENT_TEXT_FIELDS}
    if not clean["last_name"] or not clean["first_name"]:
        raise StudentError(_("Укажите фамилию и имя обучающегося."))
    clean["birth_date"] = _clean_birth_date(fields.get("birth_date"), today=today)
    gender = fields.get("gender") or ""
    if gender not in ("", *Student.Gender.values):
        raise StudentError(_("Пол — женский, мужской или не указан."))
    clean["gender"] = gender
    for flag in FAMILY_FLAGS:
        clean[flag] = bool(fields.get(flag))
    return clean


def clean_phone(value: str) -> str:
    """A phone as typed (+7 (900) 123-45-67), checked: digits and the usual signs only,
    5 to 15 digits."""
    value = " ".join((value or "").split())
    if not value:
        return ""
    digits = sum(c.isdigit() for c in value)
    low, high = PHONE_DIGITS
    if not _PHONE_CHARS.fullmatch(value) or not low <= digits <= high:
        raise StudentError(
            _(
                "Телефон «%(phone)s»: только цифры, пробелы и знаки + ( ) -, от %(low)d до %(high)d цифр."
            )
            % {"phone": value[:40], "low": low, "high": high}
        )
    return value


def clean_guardian_fields(fields: dict, *, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    unknown = set(fields) - set(GUARDIAN_FIELDS)
    if unknown:
        raise StudentError(
            _("Неизвестные поля: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    clean = {name: _text(Guardian, name, fields.get(name)) for name in GUARDIAN_TEXT_FIELDS}
    if not clean["full_name"]:
        raise StudentError(_("Укажите ФИО законного представителя."))
    relation = fields.get("relation") or ""
    if relation not in Guardian.Relation.values:
        raise StudentError(_("Укажите, кем представитель приходится ребёнку."))
    clean["relation"] = relation
    clean["phone"] = clean_phone(clean["phone"])
    if clean["email"]:
        try:
            validate_email(clean["email"])
        except ValidationError as error:
            raise StudentError(
                _("Адрес электронной почты «%(email)s» записан неверно.")
                % {"email": clean["email"][:60]}
            ) from error
    birth_date = fields.get("birth_date")
    if birth_date is not None and (
        not isinstance(birth_date, datetime.date)
        or not datetime.date(1900, 1, 1) <= birth_date <= today
    ):
        raise StudentError(_("Дата рождения представителя записана неверно."))
    clean["birth_date"] = birth_date
    clean["lives_with_student"] = bool(fields.get("lives_with_student"))
    return clean


def _state(obj, names) -> dict:
    return {name: getattr(obj, name) for name in names}


def _diff(old: dict, new: dict) -> tuple[dict, dict]:
    changed = [name for name in new if old[name] != new[name]]
    return {n: old[n] for n in changed}, {n: new[n] for n in changed}


def _namesakes(clean: dict):
    """Students with the same names and birth date (in any letter case)."""
    return Student.objects.filter(
        last_name__iexact=clean["last_name"],
        first_name__iexact=clean["first_name"],
        patronymic__iexact=clean["patronymic"],
        birth_date=clean["birth_date"],
    )


def _transferred_in(clean: dict, start_date: datetime.date) -> Student | None:
    """The child of this name and birth date who left another school by a transfer before
    ``start_date`` and studies nowhere since: the receiving school admits that record (its
    history continues) rather than a second one."""
    for candidate in _namesakes(clean).prefetch_related("enrollments"):
        enrollments = sorted(candidate.enrollments.all(), key=lambda e: (e.start_date, e.pk))
        if not enrollments:
            continue
        latest = enrollments[-1]
        if (
            latest.leaving_category == LeavingCategory.TRANSFERRED
            and latest.end_date is not None
            and latest.end_date < start_date
        ):
            return candidate
    return None


@transaction.atomic
def add_student(
    *,
    school_class: SchoolClass,
    start_date: datetime.date,
    acting_user,
    basis: str = "",
    **fields,
) -> Student:
    """A new student, admitted to ``school_class`` from ``start_date`` (a student without an
    enrollment would belong to no school). The enrollment goes through ``enroll_student``.

    A child of the same names and birth date already known to this school is refused (they
    are admitted again on their page); one who came by a transfer from another school keeps
    their record: it is admitted here and its data updated as typed (audited)."""
    school = school_class.school
    _check_manager(acting_user, school)
    clean = clean_student_fields(fields)
    known = _namesakes(clean).filter(enrollments__school=school).first()
    if known is not None:
        raise StudentError(
            _(
                "%(name)s (%(birth)s) уже есть среди обучающихся школы: зачислите его (её) "
                "снова на странице обучающегося."
            )
            % {"name": known.full_name, "birth": known.birth_date.strftime("%d.%m.%Y")}
        )
    student = _transferred_in(clean, start_date)
    reused = student is not None
    if not reused:
        student = Student.objects.create(**clean)
        log_action(
            actor=acting_user,
            action="schools.student.added",
            obj=student,
            school=school,
            student_id=student.pk,
            data={"new": clean},
        )
    try:
        enroll_student(
            student=student,
            school_class=school_class,
            start_date=start_date,
            basis=basis,
            acting_user=acting_user,
        )
    except EnrollmentError as error:
        raise StudentError(str(error)) from error
    if reused:
        old, new = _diff(_state(student, clean), clean)
        if new:
            Student.objects.filter(pk=student.pk).update(**new)
            log_action(
                actor=acting_user,
                action="schools.student.changed",
                obj=student,
                school=school,
                student_id=student.pk,
                data={"old": old, "new": new, "on_admission": True},
            )
            student.refresh_from_db()
    return student


@transaction.atomic
def change_student(*, student: Student, school: School, acting_user, **fields) -> bool:
    """Change a student's personal data and family flags. False (and no audit entry) when
    nothing changes. Only the school that keeps the student's data changes it."""
    _check_manager(acting_user, school)
    student = Student.objects.select_for_update().get(pk=student.pk)
    _check_keeps(student, school)
    return _save_changes(
        student,
        clean_student_fields(fields),
        action="schools.student.changed",
        acting_user=acting_user,
        school=school,
        student_id=student.pk,
    )


def _save_changes(obj, clean: dict, *, action: str, acting_user, school, student_id) -> bool:
    """Write the fields of ``clean`` that differ from ``obj``'s and audit them with their
    old and new values; False (and no audit entry) when none differs."""
    old, new = _diff(_state(obj, clean), clean)
    if not new:
        return False
    for name, value in new.items():
        setattr(obj, name, value)
    obj.save(update_fields=list(new))
    log_action(
        actor=acting_user,
        action=action,
        obj=obj,
        school=school,
        student_id=student_id,
        data={"old": old, "new": new},
    )
    return True


@transaction.atomic
def add_guardian(*, student: Student, school: School, acting_user, **fields) -> Guardian:
    _check_manager(acting_user, school)
    _check_keeps(student, school)
    clean = clean_guardian_fields(fields)
    if Guardian.objects.filter(student=student, full_name__iexact=clean["full_name"]).exists():
        raise StudentError(
            _("%(name)s уже записан(а) представителем этого ребёнка.")
            % {"name": clean["full_name"]}
        )
    guardian = Guardian.objects.create(student=student, **clean)
    log_action(
        actor=acting_user,
        action="schools.guardian.added",
        obj=guardian,
        school=school,
        student_id=student.pk,
        data={"new": clean},
    )
    return guardian


@transaction.atomic
def change_guardian(*, guardian: Guardian, school: School, acting_user, **fields) -> bool:
    """False (and no audit entry) when nothing changes."""
    _check_manager(acting_user, school)
    guardian = Guardian.objects.select_for_update().get(pk=guardian.pk)
    _check_keeps(guardian.student, school)
    clean = clean_guardian_fields(fields)
    same_name = Guardian.objects.filter(
        student_id=guardian.student_id, full_name__iexact=clean["full_name"]
    ).exclude(pk=guardian.pk)
    if same_name.exists():
        raise StudentError(
            _("%(name)s уже записан(а) представителем этого ребёнка.")
            % {"name": clean["full_name"]}
        )
    return _save_changes(
        guardian,
        clean,
        action="schools.guardian.changed",
        acting_user=acting_user,
        school=school,
        student_id=guardian.student_id,
    )


@transaction.atomic
def remove_guardian(*, guardian: Guardian, school: School, acting_user) -> None:
    """Remove a guardian recorded by mistake or no longer the child's representative; the
    audit entry keeps everything that was recorded about them."""
    _check_manager(acting_user, school)
    guardian = Guardian.objects.select_for_update().select_related("student").get(pk=guardian.pk)
    _check_keeps(guardian.student, school)
    old = _state(guardian, GUARDIAN_FIELDS)
    log_action(
        actor=acting_user,
        action="schools.guardian.removed",
        obj=guardian,
        school=school,
        student_id=guardian.student_id,
        data={"old": old},
    )
    try:
        guardian.delete()
    except (ProtectedError, RestrictedError) as error:
        raise StudentError(
            _("Представителя %(name)s удалить нельзя: на него ссылаются записи школы.")
            % {"name": guardian.full_name}
        ) from error
