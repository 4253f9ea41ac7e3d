"""XLSX rendering by openpyxl (sheets of a heading, one table and a footer), and CSV.

The one spreadsheet writer of the product: every export goes through ``render_xlsx`` so that
text typed by someone (a surname, a leaving reason, a report's column) can never become a
live formula (OWASP "CSV injection"). Such text is written with a leading ``'`` (see
``neutralise``); numbers and dates stay numbers and dates.
"""

import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from .pdf import Document

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
# OWASP's list, and the minus sign U+2212 some spreadsheets read as "-". Full-width and
# small forms (＝, ＋, ﹦…) are folded into these by NFKC before the check.
FORMULA_STARTS = ("=", "+", "-", "@", "\u2212")
# Digits, spaces, signs, brackets and separators only ("+7 (495) 123-45-67", "-", "-12,5"):
# even read as a formula it names no function and no cell, so it is left readable.
HARMLESS = re.compile(r"[0-9()+\-.,][0-9 ()+\-.,]*")
# Characters XML 1.0 cannot carry (openpyxl refuses the C0 controls; U+FFFE/U+FFFF and
# lone surrogates would make a file no spreadsheet opens).
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _blank(char: str) -> bool:
    # Spaces, tabs, line breaks and invisible format characters (zero-width space, BOM…),
    # which a spreadsheet or a CSV import may drop before it reads the formula behind them.
    return char.isspace() or unicodedata.category(char) in {"Cc", "Cf", "Zs", "Zl", "Zp"}


def formula_like(text: str) -> bool:
    """Would a spreadsheet (Excel, LibreOffice, a CSV import) take ``text`` for a formula?"""
    if text.startswith(("\t", "\r")):  # OWASP: a cell break in a CSV or TSV import
        return True
    start = 0
    while start < len(text) and _blank(text[start]):
        start += 1
    if start == len(text):
        return False
    if not unicodedata.normalize("NFKC", text[start]).startswith(FORMULA_STARTS):
        return False
    return start > 0 or not HARMLESS.fullmatch(text)


def neutralise(value):
    """A cell value that no spreadsheet evaluates: formula-like text gets a leading «'»."""
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value


def cell_value(value):
    """What the writer puts in a cell: text without unwritable characters, neutralised."""
    if isinstance(value, str):
        value = neutralise(UNWRITABLE.sub("", value))
    elif isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones
    return value


def _date_format(value: datetime.date) -> str:
    return DATETIME_FORMAT if isinstance(value, datetime.datetime) else DATE_FORMAT


@dataclass
class Table:
    """A table of a sheet: column titles and rows of plain values (str, int, date…)."""

    columns: Sequence[str]
    rows: Sequence[Sequence]
    # A row spanning the table before the rows, e.g. a group's title.
    caption: str = ""
    widths: Sequence[int] = ()


@dataclass
class Sheet:
    title: str
    heading: Sequence[str] = ()
    tables: Sequence[Table] = ()
    footer: Sequence[str] = field(default_factory=tuple)
    # Keep the heading and the first table's column titles in view while scrolling.
    freeze_header: bool = False


def render_xlsx(sheets: Sequence[Sheet], *, filename: str) -> Document:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        ws = workbook.create_sheet(_sheet_title(sheet.title))
        for line in sheet.heading:
            ws.append([cell_value(line)])
            ws.cell(ws.max_row, 1).font = bold
        for number, table in enumerate(sheet.tables):
            if table.caption:
                ws.append([cell_value(table.caption)])
                ws.cell(ws.max_row, 1).font = bold
            ws.append([cell_value(str(title)) for title in table.columns])
            for cell in ws[ws.max_row]:
                cell.font, cell.alignment = bold, wrap
            if sheet.freeze_header and number == 0:
                ws.freeze_panes = f"A{ws.max_row + 1}"
            for row in table.rows:
                values = [cell_value(value) for value in row]
                ws.append(values)
                for column, value in enumerate(values, start=1):
                    if isinstance(value, datetime.date):
                        ws.cell(ws.max_row, column).number_format = _date_format(value)
            for index, width in enumerate(table.widths, start=1):
                ws.column_dimensions[_column_letter(index)].width = width
        for line in sheet.footer:
            ws.append([cell_value(line)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return Document(filename=filename, mime_type=XLSX, content=buffer.getvalue())


def _sheet_title(title: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in UNWRITABLE.sub("", title))
    return cleaned[:31] or "Sheet"


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


CSV = "text/csv; charset=utf-8"


def render_csv(columns: Sequence[str], rows: Sequence[Sequence], *, filename: str) -> Document:
    """A CSV of one table: UTF-8 with a BOM and «;» (what a Russian spreadsheet opens by a
    double click); dates as dd.mm.yyyy, text neutralised as in the XLSX."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([cell_value(str(column)) for column in columns])
    for row in rows:
        writer.writerow([_csv_text(value) for value in row])
    content = ("\ufeff" + buffer.getvalue()).encode("utf-8")
    return Document(filename=filename, mime_type=CSV, content=content)


def _csv_text(value) -> str:
    value = cell_value(value)
    if isinstance(value, datetime.datetime):
        return f"{value:%d.%m.%Y %H:%M:%S}"
    if isinstance(value, datetime.date):
        return f"{value:%d.%m.%Y}"
    return "" if value is None else str(value)
