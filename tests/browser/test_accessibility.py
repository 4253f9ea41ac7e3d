"""axe-core, tap targets and sideways scrolling on every page of every role (WCAG 2.1 AA).

Each role signs in once; every page it may open (see ``survey.pages_for``) is visited at
desktop (1280 × 800) and phone (390 × 844) size in one browser. axe-core comes from
``node_modules`` (``npm ci``, run by scripts/test.sh) and is injected from the file: the
test needs no network. Any violation of impact serious or critical fails.
"""

import pytest
from django.core.management import call_command

from tests.accounts.world import build_world
from tests.browser.conftest import PASSWORD
from tests.browser.survey import (
    AXE_JS,
    NINE_ROLES,
    PHONE,
    SIZES,
    TAP_TARGET_MIN,
    describe_violations,
    pages_for,
    sign_in_state,
    visit_all,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def survey(django_db_setup, django_db_blocker, live_server, browser):
    """Every page of every role at both sizes, visited once for all the tests below.

    The world is committed so that the live server sees it, and flushed afterwards, as
    the transactional tests do after themselves.
    """
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} missing: run `npm ci` (scripts/test.sh does)", pytrace=False)
    results = {}
    with django_db_blocker.unblock():
        try:
            world = build_world()
            for role in NINE_ROLES:
                state = sign_in_state(browser, live_server.url, world.users[role], PASSWORD)
                pages = pages_for(role, world)
                for size in SIZES:
                    results[role, size] = visit_all(browser, live_server.url, state, size, pages)
        finally:
            call_command("flush", verbosity=0, interactive=False)
    return results


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("role", NINE_ROLES)
def test_pages_have_no_serious_or_critical_axe_violations(survey, role, size):
    visits = survey[role, size]
    assert visits, f"{role} has no pages"
    failing = [visit for visit in visits if visit.violations]
    assert not failing, (
        f"{len(failing)} of {len(visits)} pages of {role} at {size} size fail axe:\n"
        + describe_violations(failing)
    )


@pytest.mark.parametrize("role", NINE_ROLES)
def test_tap_targets_on_phone_pages_are_at_least_44_px_tall(survey, role):
    small = [
        f"{visit.page.name}: {target}"
        for visit in survey[role, "phone"]
        for target in visit.small_targets
    ]
    assert not small, f"tap targets under {TAP_TARGET_MIN} px:\n" + "\n".join(small)


@pytest.mark.parametrize("role", NINE_ROLES)
def test_no_page_scrolls_sideways_on_a_phone(survey, role):
    wide = [
        f"{visit.page.name} {visit.page.url}: {visit.scroll_width} px wide "
        f"({', '.join(visit.wide_elements)})"
        for visit in survey[role, "phone"]
        if visit.scroll_width > visit.client_width
    ]
    assert not wide, f"pages wider than the {PHONE['width']} px screen:\n" + "\n".join(wide)
