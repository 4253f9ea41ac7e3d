"""XLSX rendering by openpyxl: sheets of a heading, one table and a footer.

Text that a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@`` or a tab or
carriage return first: «=HYPERLINK(…)» typed into a free-text column) is written with a
leading ``'``, so that neither Excel nor LibreOffice evaluates it (OWASP "CSV injection").
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from .pdf import Document

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A cell value that no spreadsheet evaluates: formula-like text gets a leading «'»."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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


def render_xlsx(sheets: Sequence[Sheet], *, filename: str) -> Document:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        ws = workbook.create_sheet(_sheet_title(sheet.title))
        for line in sheet.heading:
            ws.append([neutralise(line)])
            ws.cell(ws.max_row, 1).font = bold
        for table in sheet.tables:
            if table.caption:
                ws.append([neutralise(table.caption)])
                ws.cell(ws.max_row, 1).font = bold
            ws.append([neutralise(str(title)) for title in table.columns])
            for cell in ws[ws.max_row]:
                cell.font, cell.alignment = bold, wrap
            for row in table.rows:
                ws.append([neutralise(value) for value in row])
            for index, width in enumerate(table.widths, start=1):
                ws.column_dimensions[_column_letter(index)].width = width
        for line in sheet.footer:
            ws.append([neutralise(line)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return Document(filename=filename, mime_type=XLSX, content=buffer.getvalue())


def _sheet_title(title: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title)
    return cleaned[:31] or "Sheet"


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)
