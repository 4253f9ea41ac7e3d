"""The class month grid shows each day's reason as its colour, readable in daylight."""

import datetime
import os

import pytest

from journal.models import ReasonStatus, ValidReason
from journal.services import set_mark, set_reasons
from tests import factories
from tests.journal.helpers import class_teacher_for, make_lesson

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.date(2025, 10, 14)
# static/css/attendance-status.css
REASON_COLOURS = {
    "valid": "rgb(207, 226, 255)",
    "invalid": "rgb(248, 215, 218)",
    "unknown": "rgb(255, 230, 156)",
}


def _luminance(rgb: str) -> float:
    channels = [int(part) / 255 for part in rgb[rgb.index("(") + 1 : -1].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.fixture
def grid_month(school_class):
    teacher = class_teacher_for(school_class)
    students = {
        status: factories.enrolled_student(school_class, last_name=f"Ученик-{status}")
        for status in REASON_COLOURS
    }
    lesson = make_lesson(school_class, DAY, period=1)
    marks = {
        status: set_mark(
            lesson=lesson, student_id=student.pk, kind="absent", acting_user=lesson.teacher
        )
        for status, student in students.items()
    }
    set_reasons(
        marks=[marks["valid"]],
        status=ReasonStatus.VALID,
        valid_reason=ValidReason.ILLNESS,
        acting_user=teacher,
    )
    set_reasons(marks=[marks["invalid"]], status=ReasonStatus.INVALID, acting_user=teacher)
    return school_class, teacher, students


def test_grid_cells_show_the_reason_colour_with_readable_text(
    live_server, browser, sign_in, grid_month
):
    school_class, teacher, students = grid_month
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        sign_in(page, teacher)
        page.goto(f"{live_server.url}/journal/classes/{school_class.pk}/grid/?month=2025-10")
        for status, student in students.items():
            # The first column is the name; then one column per day of the month.
            cell = page.locator(f'tr[data-student="{student.pk}"] td:nth-child({DAY.day + 1})')
            assert cell.inner_text().strip() == "1"
            background, colour = cell.evaluate(
                "cell => [getComputedStyle(cell).backgroundColor, getComputedStyle(cell).color]"
            )
            assert background == REASON_COLOURS[status], status
            assert contrast(colour, background) >= 4.5, (status, colour, background)
        directory = os.environ.get("BROWSER_SCREENSHOTS")
        if directory:
            page.screenshot(path=os.path.join(directory, "grid-desktop.png"), full_page=True)
    finally:
        context.close()
