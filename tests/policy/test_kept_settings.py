"""A school's settings kept in the cache for the taps (policy.services.school_settings):
read once, forgotten by every change of an override, whoever makes it."""

from django.test import override_settings

from policy.models import PolicyValue
from policy.services import reset_setting, school_settings, set_setting
from tests import factories
from tests.alerts.test_views import CACHE_DOWN

KEY = "journal.marking_opens_minutes_before"
KEPT = override_settings(SCHOOL_SETUP_CACHE_SECONDS=300)


@KEPT
def test_settings_are_read_once_then_kept(school, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert school_settings(school.pk)[KEY] == 0
    with django_assert_num_queries(0):
        assert school_settings(school.pk)[KEY] == 0


@KEPT
def test_a_school_override_and_its_reset_show_at_once(school, school_admin):
    assert school_settings(school.pk)[KEY] == 0
    set_setting(key=KEY, value=15, acting_user=school_admin, school=school)
    assert school_settings(school.pk)[KEY] == 15
    reset_setting(key=KEY, acting_user=school_admin, school=school)
    assert school_settings(school.pk)[KEY] == 0


@KEPT
def test_a_region_override_shows_at_once_in_each_of_its_schools(
    school, neighbour_school, other_school, regional, region
):
    for kept in (school, neighbour_school, other_school):
        assert school_settings(kept.pk)[KEY] == 0
    set_setting(key=KEY, value=10, acting_user=regional, region=region)
    assert school_settings(school.pk)[KEY] == 10
    assert school_settings(neighbour_school.pk)[KEY] == 10
    assert school_settings(other_school.pk)[KEY] == 0


@KEPT
def test_an_override_saved_or_deleted_around_the_services_shows_at_once(school):
    assert school_settings(school.pk)[KEY] == 0
    row = PolicyValue.objects.create(key=KEY, school=school, value=20)  # the admin, a shell
    assert school_settings(school.pk)[KEY] == 20
    row.delete()
    assert school_settings(school.pk)[KEY] == 0


@KEPT
def test_a_school_moved_to_another_region_takes_its_settings(school, regional, region):
    set_setting(key=KEY, value=10, acting_user=regional, region=region)
    assert school_settings(school.pk)[KEY] == 10
    school.municipality = factories.MunicipalityFactory()
    school.save()
    assert school_settings(school.pk)[KEY] == 0


@override_settings(SCHOOL_SETUP_CACHE_SECONDS=300, CACHES=CACHE_DOWN)
def test_settings_come_from_the_database_when_the_cache_is_down(school, school_admin):
    assert school_settings(school.pk)[KEY] == 0
    set_setting(key=KEY, value=15, acting_user=school_admin, school=school)
    assert school_settings(school.pk)[KEY] == 15
