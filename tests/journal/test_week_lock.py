"""lock_week (R-J-6) checks who locks: the school's deputy or director, nobody else."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from accounts.roles import Role
from journal.models import LockedWeek
from journal.services.locks import lock_week
from tests import factories

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 11, 2)


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.DIRECTOR])
def test_the_deputy_or_director_locks_the_week_once(role):
    school_class = factories.SchoolClassFactory()
    user = factories.staff_user(role, school_class.school)
    assert lock_week(school_class=school_class, week_start=MONDAY, acting_user=user) is True
    assert lock_week(school_class=school_class, week_start=MONDAY, acting_user=user) is False
    assert LockedWeek.objects.filter(school_class=school_class).count() == 1


@pytest.mark.parametrize(
    "role", [Role.CLASS_TEACHER, Role.SUBJECT_TEACHER, Role.SCHOOL_ADMIN, Role.SOCIAL_PEDAGOGUE]
)
def test_anyone_else_is_refused_and_nothing_is_locked(role):
    school_class = factories.SchoolClassFactory()
    user = factories.staff_user(role, school_class.school)
    with pytest.raises(PermissionDenied):
        lock_week(school_class=school_class, week_start=MONDAY, acting_user=user)
    assert not LockedWeek.objects.exists()


def test_another_schools_deputy_is_refused():
    school_class = factories.SchoolClassFactory()
    deputy = factories.staff_user(Role.DEPUTY, factories.SchoolFactory())
    with pytest.raises(PermissionDenied):
        lock_week(school_class=school_class, week_start=MONDAY, acting_user=deputy)
    assert not LockedWeek.objects.exists()
