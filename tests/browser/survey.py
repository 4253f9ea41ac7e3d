"""Visit every HTML page of every role once per screen size and record what the checks need.

The pages come from the declared URL × role table of ``tests/test_url_permissions.py``: each
GET case of a non-admin URL whose expectation for the role is 200. One sign-in per role
(through the real login page) is reused for both sizes through the context's storage state.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from accounts.roles import Role
from tests.accounts.world import World
from tests.test_url_permissions import URL_MATRIX, _url

AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SIZES = {"desktop": DESKTOP, "phone": PHONE}
# Impacts that fail the test (axe's scale: minor, moderate, serious, critical).
FAILING_IMPACTS = ("serious", "critical")
TAP_TARGET_MIN = 44
# Failing elements listed per violation (AXE_NODES_SHOWN to see more).
NODES_SHOWN = int(os.environ.get("AXE_NODES_SHOWN", "5"))
# Downloads (not HTML pages): the scan of an excuse, the registry as XLSX.
DOWNLOADS = {"journal:excuse_scan", "journal:registry_export"}
# Casework's PDFs (each topic adds its own).
DOWNLOADS |= {"casework:council_protocol", "casework:council_conclusion_pdf"}
DOWNLOADS |= {"casework:referral_letter"}
DOWNLOADS |= {
    "casework:case_dossier",
    "casework:plan_pdf",
    "casework:memo_pdf",
    "casework:characteristic_pdf",
    "casework:visit_act_pdf",
}
# Reports: a rendered file's bytes (its list, detail and file pages are HTML and surveyed).
DOWNLOADS |= {"reporting:file_download"}
# The school's audit log as XLSX or CSV (its page is surveyed).
DOWNLOADS |= {"schools:audit_export"}
# The API's JSON, and Swagger UI over its schema: not our page (tests/browser/test_api.py
# checks it under the CSP).
DOWNLOADS |= {
    "api:v1_my_lessons",
    "api:v1_lesson",
    "api:v1_lesson_mark",
    "api:v1_school_students",
    "api:v1_school_alerts",
    "api:v1_school_tasks",
    "api:schema",
    "api:docs",
}
# Fragments htmx loads into a surveyed page, not pages of their own: the class day's call
# form (tests/browser/test_class_day_call.py opens it on a phone).
FRAGMENTS = {"casework:class_day_contact_form"}

# Tap targets on a phone page: buttons and button-like links, and the labels of radio
# buttons and checkboxes in forms (their row is what a finger hits). Hidden ones are skipped.
MEASURE_JS = """
(minimum) => {
  const visible = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim();
    return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}` +
      `${el.className ? '.' + String(el.className).trim().split(/\\s+/).join('.') : ''}` +
      ` "${text.slice(0, 40)}"`;
  };
  const targets = new Set(document.querySelectorAll(
    'button, .btn, input[type=submit], input[type=button], input[type=reset]'));
  for (const input of document.querySelectorAll(
      'form input[type=radio], form input[type=checkbox]')) {
    const label = input.closest('label') || (input.id &&
      document.querySelector(`label[for="${CSS.escape(input.id)}"]`));
    targets.add(input.closest('.form-check') || label || input);
  }
  const small = [];
  for (const el of targets) {
    if (!visible(el)) continue;
    const height = el.getBoundingClientRect().height;
    if (height < minimum - 0.5) small.push(`${describe(el)}: ${height.toFixed(1)} px`);
  }
  // What sticks out: elements past the right edge of the screen and of their parent, outside
  // any box that scrolls or clips sideways.
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => ['auto', 'scroll', 'hidden'].includes(getComputedStyle(el).overflowX);
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const right = el.getBoundingClientRect().right;
    if (wide.length >= 5 || right <= width + 1) continue;
    if (right <= el.parentElement.getBoundingClientRect().right + 1) continue;
    let clipped = false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (scrolls(up)) { clipped = true; break; }
    }
    if (!clipped) wide.push(`${describe(el)} to ${Math.round(right)} px`);
  }
  return {
    small,
    wide,
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: width,
  };
}
"""


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    url: str

    @property
    def name(self) -> str:
        return f"{self.key}[{self.label}]" if self.label else self.key


@dataclass
class Visit:
    page: Page
    violations: list[dict] = field(default_factory=list)
    small_targets: list[str] = field(default_factory=list)
    wide_elements: list[str] = field(default_factory=list)
    scroll_width: int = 0
    client_width: int = 0


def pages_for(role: str, world: World) -> list[Page]:
    """The HTML pages ``role`` may open (200 on GET), in the table's order, each URL once."""
    pages, seen = [], set()
    for key, cases in URL_MATRIX.items():
        if key.startswith("admin") or key in DOWNLOADS or key in FRAGMENTS:
            continue
        for case in cases:
            if case.method != "get" or case.xfail or case.expected(role) != 200:
                continue
            url = _url(key, case.kwargs(world)) + case.query_string(world)
            if url not in seen:
                seen.add(url)
                pages.append(Page(key, case.label, url))
    return pages


def sign_in_state(browser, base_url: str, user, password: str) -> dict:
    """Sign in once through the login page; the cookies serve every later context."""
    context = browser.new_context(viewport=DESKTOP, locale="ru-RU")
    page = context.new_page()
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/login/" not in page.url, f"sign-in of {user.username} failed"
    state = context.storage_state()
    context.close()
    return state


def run_axe(page) -> list[dict]:
    """axe-core's WCAG 2.1 A and AA rules; the violations of failing impact."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: the CSP refuses a <script> added inline.
        page.evaluate(AXE_JS.read_text())
    result = page.evaluate(
        """async () => {
          const result = await axe.run(document, {
            runOnly: {type: 'tag', values: [
              'wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            resultTypes: ['violations'],
          });
          return result.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => ({
              target: n.target.join(' '), summary: n.failureSummary})),
          }));
        }"""
    )
    return [v for v in result if v["impact"] in FAILING_IMPACTS]


def visit_all(browser, base_url: str, state: dict, size: str, pages: list[Page]) -> list[Visit]:
    is_phone = size == "phone"
    context = browser.new_context(
        viewport=SIZES[size], storage_state=state, has_touch=is_phone, locale="ru-RU"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    shots = os.environ.get("BROWSER_SCREENSHOTS")
    visits = []
    try:
        for target in pages:
            response = page.goto(base_url + target.url)
            assert response.status == 200, f"{target.name}: {response.status}"
            content_type = response.headers.get("content-type", "")
            assert content_type.startswith("text/html"), f"{target.name}: {content_type}"
            visit = Visit(target, violations=run_axe(page))
            if is_phone:
                measured = page.evaluate(MEASURE_JS, TAP_TARGET_MIN)
                visit.small_targets = measured["small"]
                visit.wide_elements = measured["wide"]
                visit.scroll_width = measured["scrollWidth"]
                visit.client_width = measured["clientWidth"]
            if shots:
                name = f"{size}-{target.name}".replace(":", "_").replace("/", "_")
                page.screenshot(path=os.path.join(shots, f"{name}.png"), full_page=True)
            visits.append(visit)
    finally:
        context.close()
    return visits


def describe_violations(visits: list[Visit]) -> str:
    lines = []
    for visit in visits:
        for violation in visit.violations:
            lines.append(
                f"{visit.page.name} {visit.page.url}: {violation['id']} ({violation['impact']}) "
                f"{violation['help']}"
            )
            lines.extend(
                f"    {node['target']}: {node['summary'].splitlines()[-1].strip()}"
                for node in violation["nodes"][:NODES_SHOWN]
            )
    return "\n".join(lines)


NINE_ROLES = list(Role.values)
