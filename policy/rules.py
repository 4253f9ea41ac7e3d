"""Who may read and change the settings of R-CFG (spec §1, §8). Views and services ask these.

Objects: a ``School`` for a school's settings, a ``Region`` for a region's.
"""

import rules

from accounts.roles import ADMINISTRATION_ROLES, SETTINGS_EDITOR_ROLES
from accounts.rules import has_school_role, is_staff_of_school, is_superuser
from accounts.selectors import region_ids_for_user, school_ids_with_role
from schools.models import Region
from schools.rules import oversees_school
from schools.selectors import schools_for_user

# A school's settings are edited by its administrator or director (spec §1) and read by
# the deputy, who runs the daily work these numbers drive.
is_settings_editor_of_school = has_school_role(*SETTINGS_EDITOR_ROLES)
is_settings_reader_of_school = has_school_role(*ADMINISTRATION_ROLES)


@rules.predicate
def is_regional_official_of(user, region) -> bool:
    """A regional official of this region."""
    return isinstance(region, Region) and region.pk in region_ids_for_user(user)


@rules.predicate
def manages_some_policy(user) -> bool:
    """Holds a role that edits or reads settings somewhere (the /settings/ start page)."""
    return bool(school_ids_with_role(user, *ADMINISTRATION_ROLES) or region_ids_for_user(user))


# Whether the user may know the object exists at all: outsiders get 404, not 403.
is_related_to_school = is_staff_of_school | oversees_school | is_superuser


@rules.predicate
def is_related_to_region(user, region) -> bool:
    """The region is the user's (as a regional official) or their school's region."""
    if not isinstance(region, Region):
        return False
    if region.pk in region_ids_for_user(user):
        return True
    return schools_for_user(user).filter(municipality__region=region).exists()


rules.add_perm("policy.view_any_settings", manages_some_policy | is_superuser)
rules.add_perm("policy.view_school_settings", is_settings_reader_of_school | is_superuser)
rules.add_perm("policy.change_school_settings", is_settings_editor_of_school | is_superuser)
rules.add_perm("policy.view_region_settings", is_regional_official_of | is_superuser)
rules.add_perm("policy.change_region_settings", is_regional_official_of | is_superuser)
rules.add_perm("policy.see_school", is_related_to_school)
rules.add_perm("policy.see_region", is_related_to_region | is_superuser)
