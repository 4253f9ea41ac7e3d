"""Resolving and changing the settings of R-CFG: school override → region override → default.

:func:`settings_for` reads the database on every call: a changed value is what the next
evaluation reads. A caller that needs many values (a nightly evaluation, a page) takes one
snapshot, which costs one query. The marking pages and taps, which read their school's
settings on every request, take :func:`school_settings`, the same snapshot kept in the cache
until a change forgets it (``policy.receivers``).
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.caching import forget, kept
from audit.services import log_action
from schools.models import School

from . import catalog
from .catalog import Setting
from .models import PolicyValue

logger = logging.getLogger(__name__)

ACTION_CHANGED = "policy.setting.changed"
ACTION_RESET = "policy.setting.reset"


class Origin(StrEnum):
    DEFAULT = "default"
    REGION = "region"
    SCHOOL = "school"


ORIGIN_LABELS = {
    Origin.DEFAULT: gettext_lazy("по умолчанию"),
    Origin.REGION: gettext_lazy("регион"),
    Origin.SCHOOL: gettext_lazy("школа"),
}


@dataclass(frozen=True)
class Resolved:
    """The effective value of one setting for a scope, and where it comes from."""

    setting: Setting
    value: object
    origin: Origin
    # The value this scope would have without its own override (what "reset" restores).
    inherited_value: object
    inherited_origin: Origin

    @property
    def display(self) -> str:
        return self.setting.display(self.value)

    @property
    def inherited_display(self) -> str:
        return self.setting.display(self.inherited_value)

    @property
    def origin_label(self) -> str:
        return ORIGIN_LABELS[self.origin]

    @property
    def inherited_origin_label(self) -> str:
        return ORIGIN_LABELS[self.inherited_origin]

    @property
    def default_display(self) -> str:
        return self.setting.display(self.setting.default)


class PolicySnapshot:
    """All effective values for one school or region, read with one query; each resolved
    when first asked (a tap asks three of the catalogue's fifty)."""

    def __init__(self, school_rows: dict[str, PolicyValue], region_rows: dict[str, PolicyValue]):
        self._school_rows, self._region_rows = school_rows, region_rows
        self._resolved: dict[str, Resolved] = {}

    def __getitem__(self, key: str):
        return self.resolved(key).value

    def resolved(self, key: str) -> Resolved:
        found = self._resolved.get(key)
        if found is None:
            setting = catalog.get(key)  # a clear error for an unknown key
            found = self._resolved[key] = _resolve(
                setting, self._school_rows.get(key), self._region_rows.get(key)
            )
        return found

    def values(self) -> dict[str, object]:
        return {setting.key: self[setting.key] for setting in catalog.SETTINGS}

    def __iter__(self):
        return (self.resolved(setting.key) for setting in catalog.SETTINGS)


def _scope(school, region) -> tuple[School | None, int | None]:
    """The school (or None) and the region id whose overrides apply."""
    if school is not None:
        # A school's region is its municipality's; without the municipality loaded the
        # overrides query joins through it instead of fetching it first.
        if School._meta.get_field("municipality").is_cached(school):
            return school, school.municipality.region_id
        return school, None
    return None, getattr(region, "pk", region)


def _overrides_query(school, region_id):
    """Overrides of a school (with its region's) or of a region, in one query."""
    if school is not None:
        condition = Q(school_id=school.pk)
        if region_id is not None:
            condition |= Q(region_id=region_id)
        else:
            condition |= Q(region__municipalities__schools=school.pk)
        return PolicyValue.objects.filter(condition)
    if region_id is None:
        return PolicyValue.objects.none()
    return PolicyValue.objects.filter(region_id=region_id)


def _typed(setting: Setting, row: PolicyValue):
    """The Python value of a stored override, or None when the row no longer validates."""
    try:
        return setting.clean(row.value)
    except ValidationError:
        # A row written around the services (shell, old code): ignore it, say so loudly.
        logger.error("Ignoring invalid policy value %s=%r (id %s)", row.key, row.value, row.pk)
        return None


def _resolve(setting: Setting, school_row, region_row) -> Resolved:
    inherited_value, inherited_origin = setting.default, Origin.DEFAULT
    if region_row is not None and (value := _typed(setting, region_row)) is not None:
        inherited_value, inherited_origin = value, Origin.REGION
    if school_row is not None and (value := _typed(setting, school_row)) is not None:
        return Resolved(setting, value, Origin.SCHOOL, inherited_value, inherited_origin)
    return Resolved(setting, inherited_value, inherited_origin, inherited_value, inherited_origin)


def _rows_by_key(rows) -> tuple[dict[str, PolicyValue], dict[str, PolicyValue]]:
    school_rows, region_rows = {}, {}
    for row in rows:
        (school_rows if row.school_id is not None else region_rows)[row.key] = row
    return school_rows, region_rows


def get_setting(key: str, *, school=None, region=None):
    """Effective value of ``key`` for a school (its override, else its region's) or a region."""
    setting = catalog.get(key)
    school, region_id = _scope(school, region)
    school_rows, region_rows = _rows_by_key(_overrides_query(school, region_id).filter(key=key))
    return _resolve(setting, school_rows.get(key), region_rows.get(key)).value


def settings_for(school=None, *, region=None) -> PolicySnapshot:
    """Every setting's effective value for a school or a region, with one query."""
    school, region_id = _scope(school, region)
    return PolicySnapshot(*_rows_by_key(_overrides_query(school, region_id)))


def _school_key(school_id: int) -> str:
    return f"policy:school-overrides:{school_id}"


def school_settings(school_id: int) -> PolicySnapshot:
    """``settings_for`` the school with its and its region's overrides kept in the cache for
    ``SCHOOL_SETUP_CACHE_SECONDS`` (``accounts.caching``): for what reads them on every
    request (a tap, the lessons' opening times). Saving or deleting an override forgets them."""

    def read() -> list[PolicyValue]:
        overrides = Q(school_id=school_id) | Q(region__municipalities__schools=school_id)
        return list(PolicyValue.objects.filter(overrides))

    rows = kept(_school_key(school_id), settings.SCHOOL_SETUP_CACHE_SECONDS, read)
    return PolicySnapshot(*_rows_by_key(rows))


def forget_school_settings(*, school_id: int | None = None, region_id: int | None = None):
    """The next :func:`school_settings` of the school, or of every school of the region,
    reads the database."""
    if region_id is not None:
        schools = School.objects.filter(municipality__region_id=region_id)
        forget(_school_key(pk) for pk in schools.values_list("pk", flat=True))
    if school_id is not None:
        forget([_school_key(school_id)])


def settings_for_schools(schools) -> dict[int, PolicySnapshot]:
    """{school id: snapshot} for many schools with one query (their municipalities loaded)."""
    schools = list(schools)
    region_ids = {school.municipality.region_id for school in schools}
    by_school, by_region = defaultdict(dict), defaultdict(dict)
    rows = PolicyValue.objects.filter(
        Q(school_id__in=[school.pk for school in schools]) | Q(region_id__in=region_ids)
    )
    for row in rows:
        if row.school_id is not None:
            by_school[row.school_id][row.key] = row
        else:
            by_region[row.region_id][row.key] = row
    return {
        school.pk: PolicySnapshot(by_school[school.pk], by_region[school.municipality.region_id])
        for school in schools
    }


def _check_scope(school, region) -> None:
    if (school is None) == (region is None):
        raise TypeError("pass exactly one of school= or region=")


def _check_permission(acting_user, school, region) -> None:
    if school is not None:
        allowed = acting_user.has_perm("policy.change_school_settings", school)
    else:
        allowed = acting_user.has_perm("policy.change_region_settings", region)
    if not allowed:
        raise PermissionDenied(_("Недостаточно прав для изменения настроек."))


def _scope_data(school, region) -> dict:
    if school is not None:
        return {"scope": Origin.SCHOOL.value, "school_id": school.pk, "region_id": None}
    return {"scope": Origin.REGION.value, "school_id": None, "region_id": region.pk}


def _locked_row(key: str, school, region) -> PolicyValue | None:
    scope = {"school": school} if school is not None else {"region": region, "school": None}
    return PolicyValue.objects.select_for_update().filter(key=key, **scope).first()


def set_setting(*, key: str, value, acting_user, school=None, region=None) -> PolicyValue:
    """Override ``key`` for a school or a region; ValidationError (Russian) changes nothing.

    Setting the value the scope already overrides with is a no-op without an audit entry.
    """
    _check_scope(school, region)
    _check_permission(acting_user, school, region)
    setting = catalog.get(key)
    cleaned = setting.clean(value)
    new_json = setting.to_json(cleaned)

    with transaction.atomic():
        row = _locked_row(key, school, region)
        if row is not None and row.value == new_json:
            return row
        snapshot = settings_for(school, region=region)
        catalog.check_order(snapshot.values() | {key: cleaned})
        old_json = row.value if row is not None else None
        old_effective = setting.to_json(snapshot[key])
        if row is None:
            row = PolicyValue(key=key, school=school, region=region if school is None else None)
        row.value = new_json
        row.updated_by = acting_user
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            raise ValidationError(
                _("Эту настройку одновременно изменил другой пользователь. Повторите попытку.")
            ) from None
        log_action(
            actor=acting_user,
            action=ACTION_CHANGED,
            obj=row,
            school=school,
            data={
                "key": key,
                **_scope_data(school, region),
                "old": old_json,
                "old_effective": old_effective,
                "new": new_json,
            },
        )
    return row


def reset_setting(*, key: str, acting_user, school=None, region=None) -> bool:
    """Delete the scope's override of ``key`` so the inherited value applies again.

    Returns False (and writes nothing) when the scope had no override.
    """
    _check_scope(school, region)
    _check_permission(acting_user, school, region)
    setting = catalog.get(key)
    with transaction.atomic():
        row = _locked_row(key, school, region)
        if row is None:
            return False
        snapshot = settings_for(school, region=region)
        inherited = snapshot.resolved(key).inherited_value
        catalog.check_order(snapshot.values() | {key: inherited})
        log_action(
            actor=acting_user,
            action=ACTION_RESET,
            obj=row,
            school=school,
            data={
                "key": key,
                **_scope_data(school, region),
                "old": row.value,
                "old_effective": row.value,
                "new": None,
                "new_effective": setting.to_json(inherited),
            },
        )
        row.delete()
    return True
