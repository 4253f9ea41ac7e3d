"""The minors the weekly report names that the journal does not know (seed 002 App. 2
sections 2, 3 and 5; §2.12): college students under 18, children who receive no education,
children wanted by the police or placed in a detention centre or a hospital without
schooling. The school keeps them by hand (:class:`~reporting.models.TrackedMinor`); the
weekly report (``reporting/builders/weekly_school_report.py``) reads them.

Reads are scoped to the schools where the user keeps them (``reporting.rules_minors``);
every change checks its input first, then writes the row and its audit entry
(``reporting.minor.*``) in one transaction. Removing a child from the register is a fact
with a date (not in the future) and a note: the week it falls in lists the child in
section 4 of the report.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import get_object_for_user
from accounts.selectors import school_ids_with_role
from audit.services import log_action
from schools.models import School, Student

from . import rules_minors
from .models import TrackedMinor
from .services import ReportError

# The fields a keeper fills in, in the form's order.
FIELDS = (
    "category",
    "student",
    "full_name",
    "birth_date",
    "course",
    "previous_school",
    "education",
    "reason",
    "family",
    "whereabouts",
    "measures",
    "since",
    "until",
)
TEXT_FIELDS = tuple(
    f for f in FIELDS if f not in ("category", "student", "birth_date", "since", "until")
)
ADULT_AGE = 18
MANAGE = "reporting.manage_tracked_minors"


# ---------------------------------------------------------------------------- reads


def keeper_schools(user) -> QuerySet[School]:
    """The schools whose tracked minors the user keeps."""
    if user.is_superuser:
        return School.objects.order_by("short_name")
    ids = school_ids_with_role(user, *rules_minors.MINOR_KEEPERS)
    return School.objects.filter(pk__in=ids).order_by("short_name")


def minors_of(school: School) -> QuerySet[TrackedMinor]:
    return TrackedMinor.objects.filter(school=school).select_related("student")


def get_minor_for_user(user, pk: int) -> TrackedMinor:
    """404 for another school's row, 403 for a colleague who does not keep them."""
    return get_object_for_user(
        user, TrackedMinor.objects.select_related("school", "student"), perm=MANAGE, pk=pk
    )


def school_students(school: School) -> QuerySet[Student]:
    """The students a row may name: whoever has or had an enrollment at the school."""
    return (
        Student.objects.filter(enrollments__school=school)
        .distinct()
        .order_by("last_name", "first_name", "patronymic", "pk")
    )


# ---------------------------------------------------------------------------- changes


def add_minor(*, school: School, acting_user, **fields) -> TrackedMinor:
    """Put a child on the school's register of one of the report's sections."""
    if not acting_user.has_perm(MANAGE, school):
        raise PermissionDenied
    values = _checked(school, fields, previous=None)
    with transaction.atomic():
        minor = TrackedMinor.objects.create(school=school, created_by=acting_user, **values)
        log_action(
            actor=acting_user,
            action="reporting.minor.added",
            obj=minor,
            school=school,
            student_id=minor.student_id,
            data={"category": minor.category, **_plain(values)},
        )
    return minor


def change_minor(*, minor: TrackedMinor, acting_user, **fields) -> TrackedMinor:
    """Correct a row; unchanged values change and log nothing."""
    if not acting_user.has_perm(MANAGE, minor):
        raise PermissionDenied
    with transaction.atomic():
        minor = TrackedMinor.objects.select_for_update().get(pk=minor.pk)
        values = _checked(minor.school, fields, previous=minor)
        changes = {
            name: [_plain_value(getattr(minor, name)), _plain_value(value)]
            for name, value in values.items()
            if getattr(minor, name) != value
        }
        if not changes:
            return minor
        for name, value in values.items():
            setattr(minor, name, value)
        minor.save(update_fields=list(values))
        log_action(
            actor=acting_user,
            action="reporting.minor.changed",
            obj=minor,
            school=minor.school,
            student_id=minor.student_id,
            data={"changes": changes},
        )
    return minor


def remove_minor(
    *, minor: TrackedMinor, removed_on: datetime.date, note: str, acting_user
) -> TrackedMinor:
    """Take a child off the register (снят с учёта) on a date, with what was done and where
    the child studies now."""
    if not acting_user.has_perm(MANAGE, minor):
        raise PermissionDenied
    note = (note or "").strip()
    with transaction.atomic():
        minor = TrackedMinor.objects.select_for_update().get(pk=minor.pk)
        if minor.removed_on is not None:
            raise ReportError(
                _("Ребёнок уже снят с учёта %(date)s.") % {"date": f"{minor.removed_on:%d.%m.%Y}"}
            )
        if removed_on is None:
            raise ReportError(_("Укажите дату снятия с учёта."))
        if removed_on > timezone.localdate():
            raise ReportError(_("Дата снятия с учёта не может быть в будущем."))
        if removed_on < (minor.since or minor.birth_date):
            raise ReportError(_("Дата снятия с учёта раньше даты постановки на учёт."))
        _check_length("removal_note", note)
        minor.removed_on, minor.removal_note = removed_on, note
        minor.save(update_fields=["removed_on", "removal_note"])
        log_action(
            actor=acting_user,
            action="reporting.minor.removed",
            obj=minor,
            school=minor.school,
            student_id=minor.student_id,
            data={"removed_on": removed_on.isoformat(), "note": note},
        )
    return minor


def restore_minor(*, minor: TrackedMinor, acting_user) -> TrackedMinor:
    """Undo a removal made by mistake: the child is on the register again."""
    if not acting_user.has_perm(MANAGE, minor):
        raise PermissionDenied
    with transaction.atomic():
        minor = TrackedMinor.objects.select_for_update().get(pk=minor.pk)
        if minor.removed_on is None:
            raise ReportError(_("Ребёнок не снят с учёта."))
        old = {"removed_on": minor.removed_on.isoformat(), "note": minor.removal_note}
        minor.removed_on, minor.removal_note = None, ""
        minor.save(update_fields=["removed_on", "removal_note"])
        log_action(
            actor=acting_user,
            action="reporting.minor.restored",
            obj=minor,
            school=minor.school,
            student_id=minor.student_id,
            data={"was": old},
        )
    return minor


# ---------------------------------------------------------------------------- checks


def _checked(school: School, fields: dict, *, previous: TrackedMinor | None) -> dict:
    """The row's values, or a Russian ``ReportError`` naming what is wrong."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    values = {name: fields.get(name) for name in FIELDS}
    if values["category"] not in TrackedMinor.Category.values:
        raise ReportError(_("Выберите раздел отчёта."))
    student = values["student"]
    if student is not None and not school_students(school).filter(pk=student.pk).exists():
        raise ReportError(_("Этот обучающийся не учился в этой школе."))
    for name in TEXT_FIELDS:
        values[name] = (values[name] or "").strip()
        _check_length(name, values[name])
    if not values["full_name"] and student is not None:
        values["full_name"] = student.short_name
    if not values["full_name"]:
        raise ReportError(_("Укажите фамилию и имя ребёнка."))
    if values["birth_date"] is None and student is not None:
        values["birth_date"] = student.birth_date
    _check_dates(values, previous)
    return values


def _check_dates(values: dict, previous: TrackedMinor | None) -> None:
    today = timezone.localdate()
    birth, since, until = values["birth_date"], values["since"], values["until"]
    if birth is None:
        raise ReportError(_("Укажите дату рождения."))
    if birth > today:
        raise ReportError(_("Дата рождения не может быть в будущем."))
    if (previous is None or previous.birth_date != birth) and _age(birth, today) >= ADULT_AGE:
        raise ReportError(
            _("На учёт ставят несовершеннолетних: ребёнку уже исполнилось %(n)s лет.")
            % {"n": ADULT_AGE}
        )
    if since is not None and since < birth or until is not None and until < birth:
        raise ReportError(_("Срок нахождения начинается раньше даты рождения."))
    if since is not None and until is not None and since > until:
        raise ReportError(_("Начало срока позже его окончания."))
    if since is not None and since > today:
        raise ReportError(_("Начало срока не может быть в будущем."))


def _check_length(name: str, value: str) -> None:
    limit = TrackedMinor._meta.get_field(name).max_length
    if limit is not None and len(value) > limit:
        label = TrackedMinor._meta.get_field(name).verbose_name
        raise ReportError(_("«%(field)s»: не более %(n)s знаков.") % {"field": label, "n": limit})


def _age(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _plain_value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Student):
        return value.pk
    return value


def _plain(values: dict) -> dict:
    return {name: _plain_value(value) for name, value in values.items() if value not in ("", None)}
