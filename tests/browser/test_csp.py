"""Every page of every role loads under the Content-Security-Policy without a violation.

The policy (CONTENT_SECURITY_POLICY in attendance_portal/settings/base.py) allows scripts
and styles only from our static files: an inline <script>, an on*= handler, a <style> block,
a style= attribute or an eval would each be refused by the browser and reported here. The
pages are the survey's (``survey.pages_for``: every GET of the URL × role table answered
200), and for the school administrator the scoped admin's pages too.
"""

import pytest
from django.core.management import call_command

from accounts.roles import Role
from tests.accounts.world import World, build_world
from tests.browser.conftest import PASSWORD
from tests.browser.survey import DESKTOP, NINE_ROLES, Page, pages_for, sign_in_state
from tests.test_url_permissions import URL_MATRIX, _url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Reported by the page itself for every refused script, style, image, frame or eval.
LISTEN_JS = """
document.addEventListener('securitypolicyviolation', (event) => {
  window.reportCspViolation(
    `${event.effectiveDirective} refused ${event.blockedURI || 'inline'}` +
    ` at ${event.sourceFile || document.location.pathname}:${event.lineNumber}` +
    (event.sample ? ` (${event.sample})` : ''));
});
"""
# The admin's JavaScript catalogue is a script, and the import's template and error report
# are spreadsheets to download: not pages.
NOT_PAGES = {"admin:jsi18n", "administration:import_template", "administration:import_report"}


def admin_pages(role: str, world: World) -> list[Page]:
    pages = []
    for key, cases in URL_MATRIX.items():
        if not key.startswith("admin") or key in NOT_PAGES:
            continue
        for case in cases:
            if case.method == "get" and not case.xfail and case.expected(role) == 200:
                url = _url(key, case.kwargs(world)) + case.query_string(world)
                pages.append(Page(key, case.label, url))
    return pages


def listen(context) -> list[str]:
    """The CSP reports of the context's pages: their events and the console's errors."""
    reports: list[str] = []

    def report(text: str) -> None:
        reports.append(text)

    def console(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            reports.append(message.text)

    context.expose_function("reportCspViolation", report)
    context.add_init_script(LISTEN_JS)
    context.on("console", console)
    return reports


def visit(browser, base_url: str, state: dict, pages: list[Page]) -> dict[str, list[str]]:
    """Each page's CSP reports: its own events and the browser's console errors."""
    context = browser.new_context(viewport=DESKTOP, storage_state=state, locale="ru-RU")
    context.set_default_timeout(15_000)
    reports = listen(context)
    page = context.new_page()
    found = {}
    try:
        for target in pages:
            reports.clear()
            response = page.goto(base_url + target.url)
            if response.status != 200:
                found[f"{target.name} {target.url}"] = [f"answered {response.status}"]
                continue
            if not response.headers.get("content-security-policy"):
                found[f"{target.name} {target.url}"] = ["no Content-Security-Policy header"]
                continue
            page.wait_for_load_state("load")
            # Reports are delivered as tasks: let them arrive before the next page.
            page.evaluate("() => new Promise((done) => setTimeout(done, 50))")
            if reports:
                found[f"{target.name} {target.url}"] = list(dict.fromkeys(reports))
    finally:
        context.close()
    return found


@pytest.fixture(scope="module")
def violations(django_db_setup, django_db_blocker, live_server, browser):
    results = {}
    with django_db_blocker.unblock():
        try:
            world = build_world()
            for role in NINE_ROLES:
                pages = pages_for(role, world)
                if role == Role.SCHOOL_ADMIN:
                    pages += admin_pages(role, world)
                state = sign_in_state(browser, live_server.url, world.users[role], PASSWORD)
                results[role] = (len(pages), visit(browser, live_server.url, state, pages))
            results["anonymous"] = (
                1,
                visit(browser, live_server.url, {}, [Page("login", "", "/login/")]),
            )
        finally:
            call_command("flush", verbosity=0, interactive=False)
    return results


@pytest.mark.parametrize("role", [*NINE_ROLES, "anonymous"])
def test_pages_load_under_the_csp_without_a_violation(violations, role):
    count, found = violations[role]
    assert count, f"{role} has no pages"
    assert not found, f"{len(found)} of {count} pages of {role} break the CSP:\n" + "\n".join(
        f"{page}:\n    " + "\n    ".join(reports) for page, reports in found.items()
    )


def test_the_listener_sees_an_inline_script_refused(browser, live_server):
    """The check above can fail: an inline script on a served page is reported."""
    context = browser.new_context()
    reports = listen(context)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.ran = true'; document.body.append(s); }"""
    )
    page.evaluate("() => new Promise((done) => setTimeout(done, 50))")
    assert page.evaluate("() => window.ran === undefined")
    assert any("script-src" in report for report in reports), reports
    context.close()
