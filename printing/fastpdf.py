"""Long tables to PDF with ReportLab, for the forms whose size has no bound.

Every other form is HTML laid out by WeasyPrint (``printing.pdf``). WeasyPrint spends about
0.6 ms on each line of text it lays out and draws; a municipality's consolidated monthly
information lists every child of every school (seed 004: ~0.5 % of the pupils, ~1,250
rows of ~36 lines for 250 schools), which took 45 s there. Here the cells are wrapped by
ReportLab's ``simpleSplit`` (its C-accelerated font metrics) and drawn straight on the
canvas: the same rows take ~2 s (``bench/reports.py``).

The pieces follow the print style of ``printing/base.html``: Liberation Serif shipped in
``static/fonts``, a ruled grid whose header repeats on every page, bold group rows across
the table, signature lines, and «page / pages» at the bottom right.
"""

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from itertools import accumulate

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer
from reportlab.platypus import Table as PlatypusTable

from .pdf import PDF, Document, font_dir

REGULAR, BOLD, ITALIC = "FormSerif", "FormSerif-Bold", "FormSerif-Italic"
RULE = 0.6  # pt, as table.grid in printing/base.html
PADDING = (1.5 * mm, 1 * mm)  # horizontal, vertical


@cache
def register_fonts() -> None:
    for name, file in (
        (REGULAR, "LiberationSerif-Regular.ttf"),
        (BOLD, "LiberationSerif-Bold.ttf"),
        (ITALIC, "LiberationSerif-Italic.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(font_dir() / file)))


def style(name: str) -> ParagraphStyle:
    """The paragraph styles of ``printing/base.html``: body, right, small, title, center,
    caption."""
    register_fonts()
    styles = {
        "body": {"fontName": REGULAR, "fontSize": 12, "leading": 15.6},
        "right": {"fontName": REGULAR, "fontSize": 9.5, "leading": 12, "alignment": TA_RIGHT},
        "small": {"fontName": REGULAR, "fontSize": 9.5, "leading": 12},
        "title": {
            "fontName": BOLD,
            "fontSize": 12,
            "leading": 15.6,
            "alignment": TA_CENTER,
            "spaceAfter": 1 * mm,
        },
        "center": {"fontName": REGULAR, "fontSize": 12, "leading": 15.6, "alignment": TA_CENTER},
        "caption": {
            "fontName": ITALIC,
            "fontSize": 8.5,
            "leading": 10.5,
            "alignment": TA_CENTER,
            "spaceAfter": 2 * mm,
        },
        "heading": {"fontName": BOLD, "fontSize": 12, "leading": 15.6, "spaceBefore": 5 * mm},
    }
    return ParagraphStyle(name, **({"alignment": TA_LEFT} | styles[name]))


def paragraph(text: str, style_name: str = "body") -> Paragraph:
    """A paragraph of plain text (escaped: the text is data, not ReportLab markup)."""
    escaped = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Paragraph(escaped, style(style_name))


@dataclass(frozen=True)
class Column:
    title: str
    width: float | None = None  # points; None: the rest of the line (one column at most)
    center: bool = False


@dataclass(frozen=True)
class Group:
    """A row across the whole table, in bold: the start of a group of rows."""

    text: str


class _Layout:
    """Every row of a grid wrapped once, for one width: the lines of each cell, the row's
    height and the running total, so that any page's slice is found by bisection."""

    def __init__(self, grid: "Grid", width: float):
        self.widths = _widths(grid.columns, width)
        self.size, self.leading = grid.font_size, grid.leading
        self.header = [
            self._wrap(str(column.title), w, BOLD)
            for column, w in zip(grid.columns, self.widths, strict=True)
        ]
        self.header_height = self._height(self.header)
        # A row taller than a page (a long «measures taken») goes on in continuation rows.
        most_lines = max(1, int((grid.page_height - self.header_height) // self.leading) - 2)
        self.rows = []
        for row in grid.rows:
            if isinstance(row, Group):
                cells = [self._wrap(row.text, width, BOLD)]
            else:
                cells = [
                    self._wrap(_text(value), w, REGULAR)
                    for value, w in zip(row, self.widths, strict=True)
                ]
            tallest = max(len(lines) for lines in cells)
            for first in range(0, tallest, most_lines):
                self.rows.append([lines[first : first + most_lines] for lines in cells])
        self.heights = [self._height(cells) for cells in self.rows]
        self.ends = list(accumulate(self.heights))  # ends[i]: bottom of row i from the top

    def _wrap(self, text: str, width: float, font: str) -> list[str]:
        room = width - 2 * PADDING[0]
        lines = []
        for line in simpleSplit(text, font, self.size, room) if text else [""]:
            lines.extend(_break_long_word(line, font, self.size, room))
        return lines

    def _height(self, cells: list[list[str]]) -> float:
        return max(len(lines) for lines in cells) * self.leading + 2 * PADDING[1]

    def span_height(self, start: int, end: int) -> float:
        before = self.ends[start - 1] if start else 0
        return self.ends[end - 1] - before if end > start else 0

    def rows_fitting(self, start: int, room: float) -> int:
        """The end of the longest run of rows from ``start`` whose height fits ``room``."""
        before = self.ends[start - 1] if start else 0
        return bisect_right(self.ends, before + room, lo=start)


class Grid(Flowable):
    """A ruled table of plain-text cells, its header repeated on every page. It splits
    between rows (a row taller than a whole page is cut between its lines); its layout is
    computed once and shared by the pieces, so a table of n rows costs O(n), not
    O(n × pages)."""

    def __init__(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence | Group],
        *,
        font_size: float = 9.5,
        leading: float = 11.5,
        page_height: float = A4[0] - 28 * mm,
        _layout: _Layout | None = None,
        _span: tuple[int, int] | None = None,
    ):
        super().__init__()
        register_fonts()
        self.columns, self.rows = tuple(columns), rows
        self.font_size, self.leading = font_size, leading
        self.page_height = page_height  # the frame's height: no row is made taller
        self._layout = _layout
        self._span = _span

    def _layout_for(self, width: float) -> _Layout:
        if self._layout is None or abs(sum(self._layout.widths) - width) > 0.01:
            self._layout = _Layout(self, width)
            self._span = (0, len(self._layout.rows))
        return self._layout

    def _piece(self, start: int, end: int) -> "Grid":
        return Grid(
            self.columns,
            self.rows,
            font_size=self.font_size,
            leading=self.leading,
            page_height=self.page_height,
            _layout=self._layout,
            _span=(start, end),
        )

    def wrap(self, available_width, available_height):
        layout = self._layout_for(available_width)
        self.width = available_width
        self.height = layout.header_height + layout.span_height(*self._span)
        return self.width, self.height

    def split(self, available_width, available_height):
        layout = self._layout_for(available_width)
        start, end = self._span
        room = available_height - layout.header_height
        fitting = min(layout.rows_fitting(start, room), end)
        if fitting > start:
            return [self._piece(start, fitting), self._piece(fitting, end)]
        return []  # not even one row: the next page (a row never exceeds a page, see _Layout)

    def draw(self):
        layout = self._layout
        canvas = self.canv
        canvas.setLineWidth(RULE)
        top = self.height
        top = self._draw_row(canvas, top, layout.header, layout.header_height, header=True)
        for index in range(*self._span):
            height = layout.heights[index]
            top = self._draw_row(canvas, top, layout.rows[index], height)

    def _draw_row(self, canvas, top, cells, height, *, header=False) -> float:
        layout = self._layout
        bottom = top - height
        if len(cells) == 1 and len(layout.widths) > 1:  # a group row across the table
            spans = [(0, sum(layout.widths), cells[0], False)]
            font = BOLD
        else:
            spans, x = [], 0
            for column, width, lines in zip(self.columns, layout.widths, cells, strict=True):
                spans.append((x, width, lines, header or column.center))
                x += width
            font = BOLD if header else REGULAR
        for x, width, lines, centred in spans:
            canvas.rect(x, bottom, width, height, stroke=1, fill=0)
            text = canvas.beginText()
            text.setFont(font, layout.size, layout.leading)
            y = top - PADDING[1] - layout.size
            for line in lines:
                if centred:
                    offset = (width - pdfmetrics.stringWidth(line, font, layout.size)) / 2
                else:
                    offset = PADDING[0]
                text.setTextOrigin(x + offset, y)
                text.textOut(line)
                y -= layout.leading
            canvas.drawText(text)
        return bottom


def signatures(lines: Sequence[tuple[str, str]]) -> PlatypusTable:
    """Signature lines: a label, a ruled space to sign on, and the name written out."""
    register_fonts()
    rows = [[paragraph(label, "small"), "", paragraph(value, "small")] for label, value in lines]
    table = PlatypusTable(rows, colWidths=(None, 45 * mm, None), hAlign="LEFT")
    table.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LINEBELOW", (1, 0), (1, -1), RULE, "black"),
            ("TOPPADDING", (0, 0), (-1, -1), 5 * mm),
        ]
    )
    table.keepWithNext = False
    return table


def spacer(height_mm: float) -> Spacer:
    return Spacer(1, height_mm * mm)


def render_flow_pdf(
    flowables: list, *, filename: str, title: str = "", is_landscape: bool = False
) -> Document:
    """The flowables as an A4 PDF (landscape for wide tables) with «page / pages»."""
    register_fonts()
    size = landscape(A4) if is_landscape else A4
    margins = (
        {
            "leftMargin": 15 * mm,
            "rightMargin": 12 * mm,
            "topMargin": 14 * mm,
            "bottomMargin": 14 * mm,
        }
        if is_landscape
        else {
            "leftMargin": 25 * mm,
            "rightMargin": 15 * mm,
            "topMargin": 18 * mm,
            "bottomMargin": 18 * mm,
        }
    )
    buffer = BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=size, title=title, **margins)
    for flowable in flowables:
        if isinstance(flowable, Grid):
            flowable.page_height = document.height
    document.build(list(flowables), canvasmaker=_NumberedCanvas)
    return Document(filename=filename, mime_type=PDF, content=buffer.getvalue())


class _NumberedCanvas(Canvas):
    """«page / pages» at the bottom right: pages are kept until the total is known."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            width, _height = self._pagesize
            self.setFont(REGULAR, 9)
            self.drawRightString(width - 12 * mm, 8 * mm, f"{self._pageNumber} / {total}")
            super().showPage()
        super().save()


def _widths(columns: Sequence[Column], width: float) -> list[float]:
    fixed = sum(column.width for column in columns if column.width is not None)
    rest = max(width - fixed, 10 * mm)
    return [column.width if column.width is not None else rest for column in columns]


def _text(value) -> str:
    return "" if value is None else str(value)


def _break_long_word(line: str, font: str, size: float, room: float) -> list[str]:
    """A line still wider than its cell (one long word): cut between characters."""
    if pdfmetrics.stringWidth(line, font, size) <= room:
        return [line]
    pieces, current = [], ""
    for character in line:
        if current and pdfmetrics.stringWidth(current + character, font, size) > room:
            pieces.append(current)
            current = character
        else:
            current += character
    return [*pieces, current]
