import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import Role
from audit.models import AuditEntry
from policy import services
from policy.models import PolicyValue
from policy.services import get_setting, reset_setting, set_setting, settings_for
from schools.models import School
from tests import factories

from .conftest import regional_user

KEY = "thresholds.streak_invite_days"


def test_default_applies_without_overrides(school):
    assert get_setting(KEY, school=school) == 3
    assert get_setting("journal.unknown_reason_deadline", school=school) == datetime.time(19, 0)


def test_school_override_wins_over_region_which_wins_over_default(
    school, neighbour_school, other_school, region, regional, school_admin
):
    set_setting(key=KEY, value=4, acting_user=regional, region=region)
    assert get_setting(KEY, school=school) == 4
    assert get_setting(KEY, school=neighbour_school) == 4
    assert get_setting(KEY, region=region) == 4
    assert get_setting(KEY, school=other_school) == 3

    set_setting(key=KEY, value=2, acting_user=school_admin, school=school)
    assert get_setting(KEY, school=school) == 2
    assert get_setting(KEY, school=neighbour_school) == 4
    assert get_setting(KEY, region=region) == 4

    resolved = settings_for(school).resolved(KEY)
    assert (resolved.value, resolved.origin) == (2, services.Origin.SCHOOL)
    assert (resolved.inherited_value, resolved.inherited_origin) == (4, services.Origin.REGION)


def test_region_can_change_one_hour_band_only(school, region, regional):
    set_setting(
        key="thresholds.hours_long_grades_10_11", value=70, acting_user=regional, region=region
    )
    snapshot = settings_for(school)
    assert snapshot["thresholds.hours_long_grades_10_11"] == 70
    assert snapshot["thresholds.hours_long_grades_5_9"] == 60


def test_settings_for_reads_everything_with_one_query(
    school, region, regional, school_admin, django_assert_num_queries
):
    set_setting(key=KEY, value=4, acting_user=regional, region=region)
    set_setting(key="security.upload_max_mb", value=5, acting_user=school_admin, school=school)
    fresh = School.objects.get(pk=school.pk)  # municipality not loaded: joined in the query
    with django_assert_num_queries(1):
        snapshot = settings_for(fresh)
    assert snapshot[KEY] == 4
    assert snapshot["security.upload_max_mb"] == 5
    assert snapshot.values() == {key: get_setting(key, school=school) for key in snapshot.values()}


def test_many_schools_read_in_one_query_resolve_like_one(
    school,
    neighbour_school,
    other_school,
    region,
    regional,
    school_admin,
    django_assert_num_queries,
):
    set_setting(key=KEY, value=4, acting_user=regional, region=region)
    set_setting(key=KEY, value=2, acting_user=school_admin, school=school)
    schools = list(School.objects.select_related("municipality").order_by("pk"))
    with django_assert_num_queries(1):
        snapshots = services.settings_for_schools(schools)
    assert {pk: snap[KEY] for pk, snap in snapshots.items()} == {
        school.pk: 2,
        neighbour_school.pk: 4,
        other_school.pk: 3,
    }
    for each in schools:
        assert snapshots[each.pk].values() == settings_for(each).values()


def test_change_takes_effect_at_the_next_read(school, school_admin):
    assert get_setting(KEY, school=school) == 3
    set_setting(key=KEY, value=5, acting_user=school_admin, school=school)
    assert get_setting(KEY, school=school) == 5


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (KEY, "три", "Введите целое число."),
        (KEY, 0, "не меньше 1"),
        ("journal.unknown_reason_deadline", "7 вечера", "ЧЧ:ММ"),
        ("thresholds.month_percent_comparison", "<=", "Выберите одно из значений"),
        ("thresholds.hours_systematic_grade_1", 45, "меньше, чем"),
        ("no.such.key", 1, "Неизвестная настройка"),
    ],
)
def test_bad_value_is_rejected_with_message_and_nothing_stored(
    school, school_admin, key, value, message
):
    with pytest.raises(ValidationError) as error:
        set_setting(key=key, value=value, acting_user=school_admin, school=school)
    assert message in " ".join(error.value.messages)
    assert not PolicyValue.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="policy.").exists()


def test_change_is_audited_with_old_and_new_values(school, region, regional, school_admin):
    set_setting(key=KEY, value=4, acting_user=regional, region=region)
    set_setting(key=KEY, value=2, acting_user=school_admin, school=school)
    set_setting(key=KEY, value=6, acting_user=school_admin, school=school)

    entries = AuditEntry.objects.filter(action="policy.setting.changed").order_by("id")
    region_entry, first, second = entries
    assert region_entry.actor == regional
    assert region_entry.school is None
    assert region_entry.data == {
        "key": KEY,
        "scope": "region",
        "region_id": region.pk,
        "school_id": None,
        "old": None,
        "old_effective": 3,
        "new": 4,
    }
    assert first.actor == school_admin
    assert first.school == school
    assert first.data["scope"] == "school"
    assert (first.data["old"], first.data["old_effective"], first.data["new"]) == (None, 4, 2)
    assert (second.data["old"], second.data["old_effective"], second.data["new"]) == (2, 2, 6)
    row = PolicyValue.objects.get(school=school, key=KEY)
    assert (row.value, row.updated_by) == (6, school_admin)


def test_setting_the_same_value_again_changes_nothing(school, school_admin):
    set_setting(key=KEY, value=4, acting_user=school_admin, school=school)
    set_setting(key=KEY, value="4", acting_user=school_admin, school=school)
    assert AuditEntry.objects.filter(action="policy.setting.changed").count() == 1


def test_values_are_stored_as_json(school, school_admin):
    set_setting(
        key="journal.unknown_reason_deadline",
        value="18:00",
        acting_user=school_admin,
        school=school,
    )
    set_setting(
        key="reports.not_in_education_dates",
        value="01.12, 01.06",
        acting_user=school_admin,
        school=school,
    )
    stored = dict(PolicyValue.objects.values_list("key", "value"))
    assert stored == {
        "journal.unknown_reason_deadline": "18:00",
        "reports.not_in_education_dates": ["12-01", "06-01"],
    }
    assert get_setting("reports.not_in_education_dates", school=school) == ((12, 1), (6, 1))


def test_reset_deletes_the_override_and_is_audited(school, region, regional, school_admin):
    set_setting(key=KEY, value=4, acting_user=regional, region=region)
    set_setting(key=KEY, value=2, acting_user=school_admin, school=school)

    assert reset_setting(key=KEY, acting_user=school_admin, school=school) is True
    assert get_setting(KEY, school=school) == 4
    entry = AuditEntry.objects.get(action="policy.setting.reset")
    assert entry.school == school
    assert (entry.data["old"], entry.data["new"], entry.data["new_effective"]) == (2, None, 4)

    assert reset_setting(key=KEY, acting_user=school_admin, school=school) is False
    assert AuditEntry.objects.filter(action="policy.setting.reset").count() == 1


def test_reset_refused_when_the_inherited_value_breaks_an_ordered_pair(
    school, region, regional, school_admin
):
    systematic, long = "thresholds.hours_systematic_grade_1", "thresholds.hours_long_grade_1"
    set_setting(key=systematic, value=30, acting_user=regional, region=region)
    set_setting(key=systematic, value=20, acting_user=school_admin, school=school)
    set_setting(key=long, value=25, acting_user=school_admin, school=school)

    with pytest.raises(ValidationError, match="меньше, чем"):
        reset_setting(key=systematic, acting_user=school_admin, school=school)
    assert get_setting(systematic, school=school) == 20
    assert not AuditEntry.objects.filter(action="policy.setting.reset").exists()


@pytest.mark.parametrize("role", [Role.SUBJECT_TEACHER, Role.CLASS_TEACHER, Role.DEPUTY])
def test_staff_without_the_right_cannot_change(school, role):
    user = factories.staff_user(role, school)
    with pytest.raises(PermissionDenied):
        set_setting(key=KEY, value=4, acting_user=user, school=school)
    assert not PolicyValue.objects.exists()


def test_director_may_change_the_schools_value(school):
    director = factories.staff_user(Role.DIRECTOR, school)
    set_setting(key=KEY, value=4, acting_user=director, school=school)
    assert get_setting(KEY, school=school) == 4


def test_admin_of_another_school_cannot_change_this_one(school, neighbour_school):
    stranger = factories.staff_user(Role.SCHOOL_ADMIN, neighbour_school)
    with pytest.raises(PermissionDenied):
        set_setting(key=KEY, value=4, acting_user=stranger, school=school)
    assert not PolicyValue.objects.exists()


def test_only_the_regions_official_changes_the_region(school, region, school_admin):
    with pytest.raises(PermissionDenied):
        set_setting(key=KEY, value=4, acting_user=school_admin, region=region)
    outsider = regional_user(factories.RegionFactory())
    with pytest.raises(PermissionDenied):
        set_setting(key=KEY, value=4, acting_user=outsider, region=region)
    assert not PolicyValue.objects.exists()


def test_exactly_one_scope_is_required(school, region, school_admin):
    with pytest.raises(TypeError):
        set_setting(key=KEY, value=4, acting_user=school_admin)
    with pytest.raises(TypeError):
        set_setting(key=KEY, value=4, acting_user=school_admin, school=school, region=region)


def test_invalid_stored_row_is_ignored(school, region):
    PolicyValue.objects.create(key=KEY, region=region, value="много")
    PolicyValue.objects.create(key="no.longer.known", school=school, value=1)
    assert get_setting(KEY, school=school) == 3
    assert KEY in settings_for(school).values()


def test_admin_form_rejects_unknown_key_and_bad_value(school):
    from policy.admin import PolicyValueForm

    form = PolicyValueForm(data={"key": "no.such.key", "value": "1", "school": school.pk})
    assert not form.is_valid()
    assert "Неизвестная настройка" in str(form.errors["key"])
    form = PolicyValueForm(data={"key": KEY, "value": '"много"', "school": school.pk})
    assert not form.is_valid()
    assert "целое число" in str(form.errors["value"])
    form = PolicyValueForm(
        data={"key": "journal.unknown_reason_deadline", "value": '"18:00"', "school": school.pk}
    )
    assert form.is_valid(), form.errors
    assert form.save().value == "18:00"
