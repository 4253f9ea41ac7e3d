"""Reading an uploaded CSV or XLSX into a ``tablib.Dataset`` and the row-by-row report.

Rows keep the numbers a spreadsheet shows (the header is row 1), blank rows included, so
that «строка 17» in the report is row 17 on the administrator's screen. Cell text is kept
as typed: a cell «=cmd|' /C calc'!A0» is read as that text (openpyxl with
``data_only=False``; tablib's own XLSX loader would read the formula's cached value, which
is empty) and stored as text; nothing is ever evaluated, and every export neutralises it
again (``printing.xlsx``).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import tablib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

XLSX_MAGIC = b"PK\x03\x04"
# More rows than any school has (a 10,000-student file is the benchmark).
MAX_ROWS = 20_000
DATE_INPUTS = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%y")
YES = {"да", "д", "+", "1", "yes", "y", "true", "истина", "x", "х", "v", "✓"}
NO = {"", "нет", "н", "0", "no", "n", "false", "ложь"}


class ImportFileError(ValidationError):
    """A file that cannot be read at all; the message is Russian and shown as is."""


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # the Russian header of the template
    sample: object = ""
    required: bool = False
    hint: str = ""
    # Other headers accepted for the column (what other systems' exports call it).
    aliases: Sequence[str] = ()
    # Whether the sample value tells the template's sample row (not a school's own choice,
    # which the administrator may have adjusted on that row: the class).
    in_sample: bool = True


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Row:
    """One data row: its number in the file and its cells by column key (text stripped,
    dates as dates)."""

    number: int
    cells: dict[str, object]
    errors: list[RowError] = field(default_factory=list)

    def text(self, key: str) -> str:
        value = self.cells.get(key)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return value.strftime("%d.%m.%Y")
        return str(value).strip()

    def error(self, column: Column | str, message: str) -> None:
        title = column.title if isinstance(column, Column) else column
        self.errors.append(RowError(self.number, title, message))

    def required_text(self, column: Column, max_length: int | None = None) -> str:
        value = self.text(column.key)
        if not value:
            self.error(column, _("Не заполнено."))
        return self.bounded(column, value, max_length)

    def bounded(self, column: Column, value: str, max_length: int | None) -> str:
        if max_length is not None and len(value) > max_length:
            self.error(column, _("Длиннее %(n)d символов.") % {"n": max_length})
            return value[:max_length]
        return value

    def date(self, column: Column, *, required: bool = False) -> datetime.date | None:
        value = self.cells.get(column.key)
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = self.text(column.key)
        if not text:
            if required:
                self.error(column, _("Не заполнено."))
            return None
        for pattern in DATE_INPUTS:
            try:
                parsed = datetime.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
            if not 1900 <= parsed.year <= 2100:
                break
            return parsed
        self.error(
            column, _("«%(value)s» — не дата; нужна дата вида 01.09.2015.") % {"value": text[:40]}
        )
        return None

    def flag(self, column: Column) -> bool:
        text = self.text(column.key).casefold()
        if text in YES:
            return True
        if text not in NO:
            self.error(
                column,
                _("«%(value)s»: укажите «да» или «нет» (пусто — нет).") % {"value": text[:40]},
            )
        return False

    def number_in(self, column: Column, low: int, high: int) -> int | None:
        text = self.text(column.key)
        if not text:
            self.error(column, _("Не заполнено."))
            return None
        if not text.isdigit() or not low <= int(text) <= high:
            self.error(
                column,
                _("«%(value)s»: нужно число от %(low)d до %(high)d.")
                % {"value": text[:40], "low": low, "high": high},
            )
            return None
        return int(text)


def fold(text: str) -> str:
    """A name for matching: case, «ё», repeated spaces and compatibility forms ignored."""
    text = unicodedata.normalize("NFKC", text or "").casefold().replace("ё", "е")
    return " ".join(text.split())


def header_key(text) -> str:
    return re.sub(r"[^\w]+", "", fold(str(text or "")).replace("*", ""))


def sniff_format(content: bytes) -> str:
    if content.startswith(XLSX_MAGIC):
        return "xlsx"
    head = content[:4096]
    if b"\x00" in head:
        raise ImportFileError(
            _(
                "Допускаются только файлы XLSX (Excel) и CSV; этот файл ни тем, ни другим не является."
            )
        )
    return "csv"


def load_dataset(content: bytes, file_format: str) -> tablib.Dataset:
    """The file's first sheet as a Dataset: headers from row 1, every row after it (blank
    rows too, as empty rows) with as many cells as there are headers."""
    try:
        rows = _xlsx_rows(content) if file_format == "xlsx" else _csv_rows(content)
        headers = next(rows, None)
        if not headers or not any(_present(cell) for cell in headers):
            raise ImportFileError(_("В первой строке файла нет заголовков столбцов."))
        headers = [str(cell).strip() if _present(cell) else "" for cell in headers]
        width = len(headers)
        while width and not headers[width - 1]:
            width -= 1
        dataset = tablib.Dataset(headers=headers[:width])
        for count, row in enumerate(rows, start=1):
            if count > MAX_ROWS:
                raise ImportFileError(
                    _("В файле больше %(n)d строк: разделите его на части.") % {"n": MAX_ROWS}
                )
            row = list(row)[:width]
            dataset.append(row + [None] * (width - len(row)))
    except ImportFileError:
        raise
    except Exception:  # a damaged zip, a broken sheet, a CSV quote never closed
        raise ImportFileError(
            _("Файл не удалось прочитать: он повреждён или это не XLSX и не CSV.")
        ) from None
    # Trailing blank rows are no rows at all.
    while dataset.height and not any(_present(cell) for cell in dataset[-1]):
        del dataset[-1]
    return dataset


def _present(cell) -> bool:
    return cell is not None and str(cell).strip() != ""


def _xlsx_rows(content: bytes) -> Iterator[list]:
    from openpyxl import load_workbook

    # data_only=False: a formula-like cell is read as its text, never as a computed value.
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def _csv_rows(content: bytes) -> Iterator[list]:
    text = _decode(content)
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    # csv.reader over the lines: a blank line is an empty row, so numbering follows the file.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    yield from reader


def _decode(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        # What Excel for Windows saves as «CSV (разделители — точка с запятой)».
        return content.decode("cp1251")


def map_columns(dataset: tablib.Dataset, columns: Sequence[Column]) -> dict[str, int]:
    """Column key → index in the file, by the Russian header (case, «ё», spaces, a «*» of
    a required column ignored). ImportFileError names a missing required column."""
    index = {}
    for position, title in enumerate(dataset.headers or ()):
        key = header_key(title)
        if key and key not in index:
            index[key] = position
    found, missing = {}, []
    for column in columns:
        for title in (column.title, *column.aliases):
            if header_key(title) in index:
                found[column.key] = index[header_key(title)]
                break
        else:
            if column.required:
                missing.append(column.title)
    if missing:
        raise ImportFileError(
            _(
                "В файле нет обязательных столбцов: %(columns)s. Скачайте шаблон и сверьте заголовки."
            )
            % {"columns": ", ".join(f"«{title}»" for title in missing)}
        )
    return found


def data_rows(dataset: tablib.Dataset, columns: Sequence[Column]) -> list[Row]:
    """The non-blank rows with their file row numbers (header = 1)."""
    positions = map_columns(dataset, columns)
    rows = []
    for offset, values in enumerate(dataset, start=2):
        if not any(_present(cell) for cell in values):
            continue
        cells = {key: values[position] for key, position in positions.items()}
        rows.append(Row(number=offset, cells=cells))
    return rows


def mark_samples(rows: list[Row], columns: Sequence[Column]) -> None:
    """A row left as the template's sample (every sample value in place, a school's own
    choices such as the class aside) is an error: it would add «Иванов Пётр» to the school."""
    probe = Row(
        number=0,
        cells={c.key: c.sample for c in columns if c.in_sample and c.sample not in ("", None)},
    )
    sample = {key: probe.text(key) for key in probe.cells}
    if not sample:
        return
    first = next(c for c in columns if c.key in sample)
    for row in rows:
        if all(fold(row.text(key)) == fold(value) for key, value in sample.items()):
            row.error(first, _("Это строка-образец из шаблона: замените её своими данными."))


Progress = Callable[[int], None]


def in_steps(rows: Sequence, progress: Progress | None, step: int = 500) -> Iterator:
    """Yield ``rows``, telling ``progress`` how many were handled every ``step`` rows."""
    for count, row in enumerate(rows, start=1):
        yield row
        if progress is not None and count % step == 0:
            progress(count)
    if progress is not None:
        progress(len(rows))
