import pytest

from accounts.models import RoleAssignment
from accounts.roles import Role
from tests import factories


@pytest.fixture
def region(db):
    return factories.RegionFactory()


@pytest.fixture
def school(region):
    return factories.SchoolFactory(municipality__region=region)


@pytest.fixture
def neighbour_school(region):
    """Another school of the same region."""
    return factories.SchoolFactory(municipality__region=region)


@pytest.fixture
def other_school(db):
    """A school of another region."""
    return factories.SchoolFactory()


def regional_user(region, **kwargs):
    user = factories.UserFactory(**kwargs)
    RoleAssignment.objects.create(user=user, role=Role.REGIONAL, region=region)
    return user


@pytest.fixture
def school_admin(school):
    return factories.staff_user(Role.SCHOOL_ADMIN, school)


@pytest.fixture
def regional(region):
    return regional_user(region)
