"""The рапортичка's way in the browser (issue #13, R-R-1): the class teacher opens and
submits it, the deputy returns it with a comment, the class teacher reads the comment and
submits again, the deputy approves it and downloads the PDF, whose checksum is the one the
file page shows. Once at desktop size (mouse) and once on a phone (390 × 844, touch), where
every workflow button must be on screen and tappable and the page never scrolls sideways.

BROWSER_SCREENSHOTS=<dir> keeps a screenshot of every state at both sizes."""

import datetime
import hashlib
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from journal.models import ReasonStatus
from reporting.models import Kind, Report, ReportFile, Status
from reporting.services import open_report, render_file, submit
from tests import factories
from tests.browser.survey import DESKTOP, MEASURE_JS, PHONE, TAP_TARGET_MIN, run_axe
from tests.pdf import pdf_text
from tests.reporting.helpers import WEEK, WEEK_END, lessons_on, mark_absent, school_setup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TUESDAY = WEEK + datetime.timedelta(days=1)
COMMENT = "Уточните причину пропусков Иванова и принятые меры"


@pytest.fixture
def class_week():
    """A 7 «А» with its class teacher and deputy; in a past week Ivanov missed 11 lessons
    without a valid reason (listed: over 10), Petrov 4 (counted, not listed)."""
    setup = school_setup()
    cls = setup.school_class
    monday, tuesday = lessons_on(cls, WEEK, 6), lessons_on(cls, TUESDAY, 6)
    ivanov = factories.enrolled_student(cls, last_name="Иванов", first_name="Пётр")
    petrov = factories.enrolled_student(cls, last_name="Петров", first_name="Илья")
    mark_absent(monday + tuesday[:5], ivanov, reason=ReasonStatus.INVALID, note="прогул")
    mark_absent(tuesday[:4], petrov)
    return setup


class Person:
    """One signed-in user's page at one size: clicks with a mouse, taps on a phone."""

    def __init__(self, browser, sign_in, user, size: str):
        self.size = size
        self.viewport = PHONE if size == "phone" else DESKTOP
        self.context = browser.new_context(
            viewport=self.viewport,
            has_touch=size == "phone",
            locale="ru-RU",
            accept_downloads=True,
        )
        self.context.set_default_timeout(20_000)
        self.page = self.context.new_page()
        sign_in(self.page, user)

    def press(self, locator) -> None:
        """Press a button or link as a person would, after checking it can be pressed."""
        self.check_reachable(locator)
        if self.size == "phone":
            locator.tap()
        else:
            locator.click()

    def check_reachable(self, locator) -> None:
        """Visible, inside the screen's width (no sideways scrolling to reach it), and on a
        phone at least 44 px tall."""
        expect(locator).to_be_visible()
        locator.scroll_into_view_if_needed()
        box = locator.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= self.viewport["width"], (
            f"{locator} sticks out of the {self.viewport['width']} px screen: {box}"
        )
        if self.size == "phone":
            assert box["height"] >= TAP_TARGET_MIN - 0.5, f"{locator}: {box['height']} px tall"

    def check_page(self, state: str) -> None:
        """No serious axe violation; on a phone no tap target under 44 px and nothing that
        scrolls the page sideways. A screenshot when asked for."""
        page = self.page
        violations = run_axe(page)
        assert not violations, f"{state} at {self.size}: {violations}"
        measured = page.evaluate(MEASURE_JS, TAP_TARGET_MIN)
        assert measured["scrollWidth"] <= measured["clientWidth"], (
            f"{state} at {self.size} scrolls sideways: {measured['wide']}"
        )
        if self.size == "phone":
            assert not measured["small"], f"{state}: {measured['small']}"
        directory = os.environ.get("BROWSER_SCREENSHOTS")
        if directory:
            path = os.path.join(directory, f"report-{state}-{self.size}.png")
            page.screenshot(path=path, full_page=True)

    def status(self) -> str:
        return self.page.locator("h1 + [data-testid=report-status]").inner_text()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_class_teacher_submits_deputy_returns_then_approves_and_downloads_the_pdf(
    live_server, browser, sign_in, class_week, size
):
    setup = class_week
    school_class = setup.school_class
    teacher = Person(browser, sign_in, setup.class_teacher, size)
    deputy = Person(browser, sign_in, setup.deputy, size)
    try:
        # The class teacher opens the рапортичка of the past week from the list.
        page = teacher.page
        page.goto(f"{live_server.url}/reports/")
        opening = page.locator("[data-testid=report-open]")
        expect(opening).to_have_attribute("open", "")
        opening.locator("select[name=kind]").select_option(Kind.WEEKLY_CLASS_REPORT)
        opening.locator("input[name=day]").fill(TUESDAY.isoformat())
        opening.locator("select[name=school_class]").select_option(str(school_class.pk))
        with page.expect_navigation():
            teacher.press(opening.get_by_role("button", name="Открыть"))
        report = Report.objects.get(kind=Kind.WEEKLY_CLASS_REPORT, school_class=school_class)
        assert page.url.endswith(f"/reports/{report.pk}/")
        assert (report.period_start, report.period_end) == (WEEK, WEEK_END)
        assert teacher.status() == "черновик"
        sheet = page.locator("[data-testid=report-form]").inner_text()
        assert "Рапортичка 7 «А» класса" in sheet
        assert "без уваж. причины: 15" in sheet
        assert "Иванов Пётр" in sheet and "Петров Илья" not in sheet
        teacher.check_page("draft")

        # … and submits it.
        with page.expect_navigation():
            teacher.press(page.get_by_role("button", name="Сдать на утверждение"))
        assert teacher.status() == "сдан"
        assert page.get_by_role("button", name="Сдать на утверждение").count() == 0
        teacher.check_page("submitted-class-teacher")

        # The deputy finds it in the list and returns it with a comment.
        page = deputy.page
        page.goto(f"{live_server.url}/reports/")
        deputy.check_page("list-deputy")
        with page.expect_navigation():
            deputy.press(page.locator(f"[data-testid=report-list] a[href$='/{report.pk}/']"))
        assert deputy.status() == "сдан"
        deputy.check_reachable(page.get_by_role("button", name="Утвердить"))
        deputy.check_page("submitted")
        page.get_by_label("Комментарий (что исправить)").fill(COMMENT)
        with page.expect_navigation():
            deputy.press(page.get_by_role("button", name="Вернуть на доработку"))
        assert "Отчёт возвращён на доработку." in page.locator("main").inner_text()
        report.refresh_from_db()
        assert report.status == Status.RETURNED

        # The class teacher sees the comment on the report and submits it again.
        page = teacher.page
        page.goto(f"{live_server.url}/reports/")
        returned = page.locator(f"[data-testid=report-list] a[href$='/{report.pk}/']")
        assert "возвращён на доработку" in returned.inner_text()
        teacher.check_page("list-returned")
        with page.expect_navigation():
            teacher.press(returned)
        notice = page.locator("[data-testid=return-comment]")
        expect(notice).to_contain_text(COMMENT)
        expect(notice).to_contain_text(setup.deputy.get_full_name())
        assert (
            "возвращён на доработку" in page.locator("[data-testid=report-versions]").inner_text()
        )
        teacher.check_page("returned")
        with page.expect_navigation():
            teacher.press(page.get_by_role("button", name="Сдать на утверждение"))
        assert teacher.status() == "сдан"

        # The deputy approves the second version.
        page = deputy.page
        page.reload()
        assert "Версия 2" in page.locator("[data-testid=report-versions]").inner_text()
        with page.expect_navigation():
            deputy.press(page.get_by_role("button", name="Утвердить"))
        assert deputy.status() == "утверждён"
        assert page.get_by_role("button", name="Утвердить").count() == 0
        report.refresh_from_db()
        assert (report.status, report.approved_number) == (Status.APPROVED, 2)
        deputy.check_page("approved")

        # … and downloads its PDF: the file page shows the checksum of what is downloaded.
        with page.expect_navigation():
            deputy.press(page.get_by_role("button", name="PDF"))
        expect(page.locator("[data-testid=file-status]")).to_have_attribute("data-state", "done")
        shown_sha = page.locator("[data-testid=file-sha256]").inner_text().strip()
        deputy.check_page("file")
        link = page.locator("[data-testid=file-download]")
        deputy.check_reachable(link)
        with page.expect_download() as download_info:
            deputy.press(link)
        download = download_info.value
        content = Path(download.path()).read_bytes()
        assert download.suggested_filename.endswith(".pdf")
    finally:
        teacher.context.close()
        deputy.context.close()

    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == shown_sha
    stored = ReportFile.objects.get(version__report=report, version__number=2, format="pdf")
    assert stored.sha256 == shown_sha
    text = pdf_text(content, "weekly-class-report")
    assert "Рапортичка" in text
    assert str(school_class) in text
    assert "Иванов Пётр" in text


def test_file_page_polls_until_the_file_is_rendered(live_server, browser, sign_in, class_week):
    """A file still in the queue: the page shows its progress and turns into the download
    link by itself (htmx) once the task has rendered it, without a reload."""
    setup = class_week
    report = open_report(
        kind=Kind.WEEKLY_CLASS_REPORT,
        school_class=setup.school_class,
        period_start=WEEK,
        period_end=WEEK_END,
        acting_user=setup.class_teacher,
    )
    version = submit(report=report, version=1, acting_user=setup.class_teacher)
    queued = ReportFile.objects.create(version=version, format=ReportFile.Format.XLSX)
    person = Person(browser, sign_in, setup.deputy, "phone")
    try:
        page = person.page
        page.goto(f"{live_server.url}/reports/files/{queued.pk}/")
        status = page.locator("[data-testid=file-status]")
        expect(status).to_have_attribute("data-state", "queued")
        expect(page.get_by_role("progressbar")).to_be_visible()
        assert page.locator("[data-testid=file-download]").count() == 0
        person.check_page("file-queued")

        assert render_file(queued.pk) is not None  # the Celery task's body
        expect(status).to_have_attribute("data-state", "done")
        link = page.locator("[data-testid=file-download]")
        person.check_reachable(link)
        queued.refresh_from_db()
        assert page.locator("[data-testid=file-sha256]").inner_text().strip() == queued.sha256
    finally:
        person.context.close()
