"""Playwright against Debian's chromium, driving pytest-django's live server.

Never run ``playwright install``: the browser is the system one at ``CHROMIUM``. When it is
missing the browser tests fail (not skip), so that a machine without it cannot pass them.
"""

import os
from pathlib import Path

import pytest
from django.test.utils import override_settings
from pytest_django.live_server_helper import LiveServer

# Playwright's sync API keeps an event loop running in this thread; the ORM calls of the
# fixtures and tests are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
]
PHONE_VIEWPORT = {"width": 360, "height": 740}
PASSWORD = "test-password-123"  # tests.factories.UserFactory


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, started while MEDIA_URL names another host.

    The project sets MEDIA_URL = None (private scans are never served by URL), and Django's
    live server wraps every request in a media-files handler that cannot parse None. With a
    URL on another host that handler passes every request through and serves nothing.
    """
    address = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    with override_settings(MEDIA_URL="http://private-media.invalid/"):
        server = LiveServer(address)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: the browser tests need Debian's chromium "
            "(apt-get install chromium). Do not run `playwright install`.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A fresh page the size of a small phone (360 × 740), touch enabled."""
    context = browser.new_context(viewport=PHONE_VIEWPORT, has_touch=True, locale="ru-RU")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def sign_in(live_server):
    """Sign in through the real login page, as a person would."""

    def sign_in(page, user, password=PASSWORD):
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert "/login/" not in page.url, "sign-in failed: still on the login page"

    return sign_in
