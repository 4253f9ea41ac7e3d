"""The API's pages in a browser: the director makes an integration token on a phone and
sees it once; Swagger UI over the schema loads and lists the endpoints under the CSP."""

import os

import pytest

from accounts.roles import Role
from api.models import ApiToken, token_digest
from tests import factories
from tests.browser.test_csp import listen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def _screenshot(page, name: str) -> None:
    directory = os.environ.get("BROWSER_SCREENSHOTS")
    if directory:
        page.screenshot(path=os.path.join(directory, f"{name}.png"), full_page=True)


@pytest.mark.parametrize("size", SIZES)
def test_director_makes_an_integration_token_seen_once(live_server, browser, sign_in, size):
    school = factories.SchoolFactory()
    director = factories.staff_user(Role.DIRECTOR, school)
    context = browser.new_context(viewport=SIZES[size], locale="ru-RU", has_touch=True)
    reports = listen(context)
    page = context.new_page()
    try:
        sign_in(page, director)
        page.goto(f"{live_server.url}/api/tokens/")
        page.click(f"a[href='/api/schools/{school.pk}/tokens/']")
        page.fill("input[name=name]", "Региональный электронный журнал")
        page.check("input[name=scopes][value='marks:read']")
        page.check("input[name=scopes][value='students:read']")
        with page.expect_navigation():
            page.click("[data-testid=token-form] button[type=submit]")
        secret = page.input_value("[data-testid=token-secret]")
        token = ApiToken.objects.get()
        assert token.digest == token_digest(secret) and token.scopes == [
            "marks:read",
            "students:read",
        ]
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= SIZES[size]["width"], f"{width} px wide"
        _screenshot(page, f"api-school-tokens-{size}")
        page.goto(f"{live_server.url}/api/schools/{school.pk}/tokens/")
        assert secret not in page.content()
        assert not reports, reports
    finally:
        context.close()


def test_swagger_ui_lists_the_endpoints_under_the_csp(live_server, browser, sign_in):
    user = factories.staff_user(Role.SUBJECT_TEACHER, factories.SchoolFactory())
    context = browser.new_context(viewport=SIZES["desktop"], locale="ru-RU")
    reports = listen(context)
    page = context.new_page()
    try:
        sign_in(page, user)
        response = page.goto(f"{live_server.url}/api/v1/docs/")
        assert response.headers.get("content-security-policy")
        page.locator("text=/api/v1/lessons/{lesson_id}/marks/{student_id}/").first.wait_for()
        _screenshot(page, "api-docs-desktop")
        assert not reports, reports
    finally:
        context.close()
