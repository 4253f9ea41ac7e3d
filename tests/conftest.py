import pytest

from tests import factories


@pytest.fixture
def school(db):
    return factories.SchoolFactory()


@pytest.fixture
def other_school(db):
    return factories.SchoolFactory()


@pytest.fixture
def school_class(school):
    return factories.SchoolClassFactory(school=school)
