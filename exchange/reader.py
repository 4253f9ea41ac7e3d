"""Reading an e-journal's per-lesson absence export (CSV or XLSX) into rows.

Columns are found by their headers, in any order, under the names the e-journals use
(docs/ejournal-import.md); lines above the header (a report's title) are passed over.
Row numbers are those a spreadsheet shows, so «строка 17» is row 17 on the deputy's
screen. A CSV may be in UTF-8 (with or without BOM) or Windows-1251, separated by «;»,
«,» or a tab. Nothing in a cell is ever evaluated: an XLSX formula is read as its text
(and is then no date, number or letter the import takes).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .letters import MAX_LETTER, is_letter, normalise_letter

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"
MAX_ROWS = 20_000
# How far down the header may be (a report's title and period above it).
HEADER_SEARCH_ROWS = 15
MAX_CELL = 300
DATE_INPUTS = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%y", "%d-%m-%Y")


class ExportFileError(ValidationError):
    """A file that cannot be read at all; the message is Russian and shown as is."""


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    aliases: tuple[str, ...]
    required: bool = True


COLUMNS = (
    Column("date", gettext_lazy("Дата"), ("дата", "дата урока", "день")),
    Column(
        "period",
        gettext_lazy("Урок"),
        ("урок", "номер урока", "урок №", "№ урока", "n урока", "пара", "номер"),
    ),
    Column("class", gettext_lazy("Класс"), ("класс", "класс группа", "класс/группа")),
    Column("subject", gettext_lazy("Предмет"), ("предмет", "учебный предмет", "дисциплина")),
    Column(
        "student",
        gettext_lazy("Обучающийся"),
        ("обучающийся", "ученик", "учащийся", "фио", "фио обучающегося", "фио ученика"),
    ),
    Column(
        "letter",
        gettext_lazy("Отметка"),
        ("отметка", "обозначение", "пропуск", "отметка о посещаемости", "посещаемость", "буква"),
    ),
    Column(
        "minutes",
        gettext_lazy("Опоздание, мин"),
        ("опоздание мин", "опоздание минут", "минуты опоздания", "опоздание"),
        required=False,
    ),
)


def fold_header(value) -> str:
    text = unicodedata.normalize("NFC", str(value or "")).lower().replace("ё", "е")
    text = text.replace("№", " № ")
    return " ".join(re.findall(r"[\w№/]+", text))


def _column_aliases() -> dict[str, str]:
    aliases = {}
    for column in COLUMNS:
        for alias in column.aliases:
            aliases[fold_header(alias)] = column.key
    return aliases


@dataclass
class SourceRow:
    """One data row: its number in the file, its cells as read, and what is wrong with it."""

    row: int
    date: str = ""  # ISO, when the cell is a date
    period: int | None = None
    school_class: str = ""
    subject: str = ""
    student: str = ""
    letter: str = ""  # normalised (exchange.letters.normalise_letter)
    minutes: int | None = None
    # The cells as the file has them, for the report.
    shown: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> SourceRow:
        return cls(**data)

    @property
    def day(self) -> datetime.date | None:
        return datetime.date.fromisoformat(self.date) if self.date else None


def read_export(uploaded) -> list[SourceRow]:
    """The rows of an uploaded export; ExportFileError when it cannot be read at all."""
    if uploaded.size > settings.UPLOAD_MAX_BYTES:
        raise ExportFileError(
            _("Файл больше %(size)s МБ.") % {"size": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
        )
    content = uploaded.read()
    if not content.strip():
        raise ExportFileError(_("Файл пуст."))
    if content.startswith(XLS_MAGIC):
        raise ExportFileError(
            _("Старый формат XLS не читается: сохраните выгрузку как XLSX или CSV.")
        )
    table = _xlsx_rows(content) if content.startswith(XLSX_MAGIC) else _csv_rows(content)
    return _rows(table)


def _xlsx_rows(content: bytes) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise ExportFileError(_too_many())
            rows.append((number, list(values)))
        workbook.close()
    except ExportFileError:
        raise
    except Exception as error:  # noqa: BLE001 (any damage in the archive or its XML)
        raise ExportFileError(
            _("Файл XLSX не читается: %(error)s. Сохраните выгрузку заново.")
            % {"error": type(error).__name__}
        ) from error
    return rows


def _decode(content: bytes) -> str:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1251")
        except UnicodeDecodeError as error:
            raise ExportFileError(
                _("Файл CSV не читается: сохраните его в кодировке UTF-8 или Windows-1251.")
            ) from error
    if "\x00" in text:
        raise ExportFileError(_("Это не текстовый файл CSV и не XLSX."))
    return text


def _csv_rows(content: bytes) -> list[tuple[int, list]]:
    text = _decode(content)
    first = text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]
    delimiter = max(";,\t", key=lambda d: sum(line.count(d) for line in first))
    rows = []
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
            if number > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise ExportFileError(_too_many())
            rows.append((number, values))
    except csv.Error as error:
        raise ExportFileError(
            _("Файл CSV не читается: %(error)s.") % {"error": str(error)[:100]}
        ) from error
    return rows


def _too_many() -> str:
    return _("В файле больше %(max)s строк: разделите выгрузку по месяцам.") % {"max": MAX_ROWS}


def _find_header(table) -> tuple[int, dict[str, int]]:
    aliases = _column_aliases()
    for index, (_number, values) in enumerate(table[:HEADER_SEARCH_ROWS]):
        columns = {}
        for position, value in enumerate(values):
            key = aliases.get(fold_header(value))
            if key and key not in columns:
                columns[key] = position
        if all(c.key in columns for c in COLUMNS if c.required):
            return index, columns
    required = ", ".join(f"«{c.title}»" for c in COLUMNS if c.required)
    raise ExportFileError(
        _("Не найдена строка заголовков со столбцами %(columns)s (см. описание формата).")
        % {"columns": required}
    )


def _rows(table) -> list[SourceRow]:
    header, columns = _find_header(table)
    rows = []
    for number, values in table[header + 1 :]:
        cells = {
            key: values[position] if position < len(values) else None
            for key, position in columns.items()
        }
        if all(_text(value) == "" for value in cells.values()):
            continue
        rows.append(_row(number, cells))
    if not rows:
        raise ExportFileError(_("В файле нет ни одной строки с данными под заголовками."))
    return rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    return " ".join(str(value).split())[:MAX_CELL]


def _row(number: int, cells: dict) -> SourceRow:
    row = SourceRow(row=number, shown={key: _text(value) for key, value in cells.items()})
    day = _date(cells.get("date"))
    if day is None:
        row.errors.append(
            _("Дата «%(value)s» не распознана: нужна ДД.ММ.ГГГГ.") % _v(cells, "date")
        )
    else:
        row.date = day.isoformat()
    row.period = _small_number(cells.get("period"), 1, 20)
    if row.period is None:
        row.errors.append(
            _("Номер урока «%(value)s» не распознан: нужно число от 1 до 20.") % _v(cells, "period")
        )
    row.school_class = _text(cells.get("class"))
    if not row.school_class:
        row.errors.append(_("Не указан класс."))
    row.subject = _text(cells.get("subject"))
    row.student = _text(cells.get("student"))
    if not row.student:
        row.errors.append(_("Не указан обучающийся."))
    raw_letter = _text(cells.get("letter"))
    row.letter = normalise_letter(raw_letter)[: MAX_LETTER + 1]
    if not raw_letter:
        row.errors.append(_("Не указана отметка (Н, ОП, УП, Б …)."))
    elif not is_letter(row.letter):
        row.errors.append(
            _("Отметка «%(value)s» — не обозначение электронного журнала (Н, ОП, УП, Б …).")
            % {"value": raw_letter[:20]}
        )
    minutes = _text(cells.get("minutes"))
    if minutes:
        row.minutes = _small_number(cells.get("minutes"), 1, 600)
        if row.minutes is None:
            row.errors.append(
                _("Опоздание «%(value)s» не распознано: нужно число минут.")
                % {"value": minutes[:20]}
            )
    return row


def _v(cells: dict, key: str) -> dict:
    return {"value": _text(cells.get(key))[:40]}


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if re.fullmatch(r"\d{5}", text):  # a spreadsheet's day number without a date format
        day = datetime.date(1899, 12, 30) + datetime.timedelta(days=int(text))
        return day if 2000 <= day.year <= 2100 else None
    text = text.split(" ")[0]  # «13.10.2025 0:00»
    for pattern in DATE_INPUTS:
        try:
            day = datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        return day if 2000 <= day.year <= 2100 else None
    return None


def _small_number(value, low: int, high: int) -> int | None:
    text = _text(value)
    match = re.fullmatch(r"(\d{1,3})(?:[.,]0+)?(?:\s*(?:-?й|-?ый|урок|ур\.?|мин\.?))?", text, re.I)
    if not match:
        return None
    number = int(match.group(1))
    return number if low <= number <= high else None
