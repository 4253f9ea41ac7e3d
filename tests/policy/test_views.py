import pytest
from django.urls import reverse

from accounts.roles import Role
from audit.models import AuditEntry
from policy.models import PolicyValue
from policy.services import get_setting, set_setting
from tests import factories

from .conftest import regional_user

KEY = "thresholds.streak_invite_days"


def _school_url(name, school, *args):
    return reverse(f"policy:school_{name}", args=[school.pk, *args])


def _region_url(name, region, *args):
    return reverse(f"policy:region_{name}", args=[region.pk, *args])


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.SCHOOL_ADMIN, 200),
        (Role.DIRECTOR, 200),
        (Role.DEPUTY, 200),
        (Role.SUBJECT_TEACHER, 403),
        (Role.CLASS_TEACHER, 403),
        (Role.SOCIAL_PEDAGOGUE, 403),
        (Role.PSYCHOLOGIST, 403),
    ],
)
def test_settings_page_by_role(client, school, role, status):
    client.force_login(factories.staff_user(role, school))
    assert client.get(reverse("policy:index")).status_code == status
    assert client.get(_school_url("settings", school)).status_code == status
    assert client.get(_school_url("history", school)).status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.SCHOOL_ADMIN, 200),
        (Role.DIRECTOR, 200),
        (Role.DEPUTY, 403),
        (Role.SUBJECT_TEACHER, 403),
        (Role.CLASS_TEACHER, 403),
    ],
)
def test_edit_page_by_role(client, school, role, status):
    client.force_login(factories.staff_user(role, school))
    assert client.get(_school_url("edit", school, KEY)).status_code == status


def test_anonymous_is_sent_to_login(client, school):
    response = client.get(_school_url("settings", school))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_municipal_official_is_refused(client, school):
    user = factories.UserFactory()
    user.role_assignments.create(role=Role.MUNICIPAL, municipality=school.municipality)
    client.force_login(user)
    assert client.get(reverse("policy:index")).status_code == 403


def test_settings_page_shows_value_and_origin_but_not_the_spec_source(
    client, school, region, regional, school_admin
):
    set_setting(key=KEY, value=4, acting_user=regional, region=region)
    set_setting(key="security.upload_max_mb", value=5, acting_user=school_admin, school=school)
    client.force_login(school_admin)

    page = client.get(reverse("policy:index")).content.decode()

    assert 'data-key="thresholds.streak_invite_days"' in page
    row = page.split('id="thresholds.streak_invite_days"')[1].split("</tr>")[0]
    assert "4 дн." in row and "регион" in row and "003 алг. 3" not in row
    upload_row = page.split('id="security.upload_max_mb"')[1].split("</tr>")[0]
    assert "5 МБ" in upload_row and "школа" in upload_row
    deadline_row = page.split('id="journal.unknown_reason_deadline"')[1].split("</tr>")[0]
    assert "19:00" in deadline_row and "по умолчанию" in deadline_row
    assert "Пропущенные часы за месяц по параллелям" in page
    assert _school_url("edit", school, KEY) in page


def test_deputy_sees_settings_without_edit_links(client, school):
    client.force_login(factories.staff_user(Role.DEPUTY, school))
    page = client.get(_school_url("settings", school)).content.decode()
    assert "Только просмотр" in page
    assert _school_url("edit", school, KEY) not in page


def test_admin_of_another_school_gets_404_and_changes_nothing(client, school, neighbour_school):
    client.force_login(factories.staff_user(Role.SCHOOL_ADMIN, neighbour_school))
    assert client.get(_school_url("settings", school)).status_code == 404
    assert client.get(_school_url("history", school)).status_code == 404
    response = client.post(_school_url("edit", school, KEY), {"value": "7"})
    assert response.status_code == 404
    response = client.post(_school_url("reset", school, KEY))
    assert response.status_code == 404
    assert not PolicyValue.objects.exists()
    assert get_setting(KEY, school=school) == 3


def test_school_admin_changes_a_value(client, school, school_admin):
    client.force_login(school_admin)
    response = client.post(_school_url("edit", school, KEY), {"value": "4"})
    assert response.status_code == 302
    assert response["Location"].startswith(_school_url("settings", school))
    assert get_setting(KEY, school=school) == 4
    entry = AuditEntry.objects.get(action="policy.setting.changed")
    assert (entry.actor, entry.data["old_effective"], entry.data["new"]) == (school_admin, 3, 4)


@pytest.mark.parametrize(
    ("key", "data"),
    [
        ("journal.unknown_reason_deadline", {"value": "19:30"}),
        ("reports.monthly_months", {"value": ["9", "10", "11"]}),
        ("thresholds.after_vacation_enabled", {"value": "false"}),
        ("units.week_missed_fraction", {"value": "0,6"}),
        ("reports.weekly_class_report_weekday", {"value": "1"}),
        ("reports.not_in_education_dates", {"value": "01.10, 01.04"}),
    ],
)
def test_edit_form_handles_every_kind(client, school, school_admin, key, data):
    client.force_login(school_admin)
    assert client.get(_school_url("edit", school, key)).status_code == 200
    response = client.post(_school_url("edit", school, key), data)
    assert response.status_code == 302, response.content.decode()
    assert PolicyValue.objects.filter(school=school, key=key).exists()


def test_bad_value_is_shown_and_not_stored(client, school, school_admin):
    client.force_login(school_admin)
    response = client.post(_school_url("edit", school, KEY), {"value": "0"})
    assert response.status_code == 200
    assert "Значение должно быть не меньше 1." in response.content.decode()
    response = client.post(
        _school_url("edit", school, "thresholds.hours_systematic_grade_1"), {"value": "40"}
    )
    assert "меньше, чем" in response.content.decode()
    assert not PolicyValue.objects.exists()
    assert not AuditEntry.objects.exists()


def test_unknown_key_is_404(client, school, school_admin):
    client.force_login(school_admin)
    assert client.get(_school_url("edit", school, "no.such.key")).status_code == 404


def test_reset_restores_the_inherited_value(client, school, school_admin):
    set_setting(key=KEY, value=4, acting_user=school_admin, school=school)
    client.force_login(school_admin)
    assert "Убрать своё значение" in client.get(_school_url("edit", school, KEY)).content.decode()
    response = client.post(_school_url("reset", school, KEY))
    assert response.status_code == 302
    assert get_setting(KEY, school=school) == 3


def test_reset_needs_post(client, school, school_admin):
    client.force_login(school_admin)
    assert client.get(_school_url("reset", school, KEY)).status_code == 405


def test_regional_official_edits_their_region(client, school, region, regional):
    client.force_login(regional)
    assert client.get(reverse("policy:index")).status_code == 200
    assert client.get(_region_url("settings", region)).status_code == 200
    response = client.post(_region_url("edit", region, KEY), {"value": "4"})
    assert response.status_code == 302
    assert get_setting(KEY, school=school) == 4
    # A regional official does not edit a single school's values.
    assert client.get(_school_url("edit", school, KEY)).status_code == 403


def test_region_pages_are_closed_to_others(client, school, region, school_admin):
    outsider = regional_user(factories.RegionFactory())
    client.force_login(outsider)
    assert client.get(_region_url("settings", region)).status_code == 404
    assert client.post(_region_url("edit", region, KEY), {"value": "4"}).status_code == 404

    client.force_login(school_admin)
    assert client.get(_region_url("settings", region)).status_code == 403
    assert client.post(_region_url("edit", region, KEY), {"value": "4"}).status_code == 403
    assert not PolicyValue.objects.exists()


def test_history_lists_who_when_old_and_new(client, school, region, regional, school_admin):
    set_setting(key=KEY, value=4, acting_user=regional, region=region)
    set_setting(key=KEY, value=2, acting_user=school_admin, school=school)
    other_admin = factories.staff_user(Role.SCHOOL_ADMIN, factories.SchoolFactory())
    set_setting(
        key=KEY, value=9, acting_user=other_admin, school=other_admin.role_assignments.get().school
    )
    client.force_login(school_admin)

    response = client.get(reverse("policy:history"))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()

    assert "не задано (действовало: 3 дн.)" in page  # the region's change
    assert "не задано (действовало: 4 дн.)" in page  # the school's change
    assert "2 дн." in page
    assert str(school_admin) in page and str(regional) in page
    assert "9 дн." not in page  # another region's school


def test_user_with_several_scopes_chooses(client, school, region):
    user = factories.staff_user(Role.SCHOOL_ADMIN, school)
    user.role_assignments.create(role=Role.REGIONAL, region=region)
    client.force_login(user)
    page = client.get(reverse("policy:index")).content.decode()
    assert _school_url("settings", school) in page
    assert _region_url("settings", region) in page


def test_settings_page_query_count_is_bounded(
    client, school, region, regional, school_admin, django_assert_max_num_queries
):
    for key, value in [(KEY, 4), ("security.upload_max_mb", 5), ("deadlines.home_visit_days", 2)]:
        set_setting(key=key, value=value, acting_user=regional, region=region)
        set_setting(key=key, value=value + 1, acting_user=school_admin, school=school)
    client.force_login(school_admin)
    # Session, user, roles, school, overrides: the same whatever the number of settings.
    with django_assert_max_num_queries(6):
        response = client.get(_school_url("settings", school))
    assert response.status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("policy:index")).status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(_school_url("history", school)).status_code == 200
