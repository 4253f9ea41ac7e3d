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


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a counter one test left (the guardian page's
    limit of posts per link, the login throttle) must not refuse another test's request."""
    from django.core.cache import cache

    cache.clear()
