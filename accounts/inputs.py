"""Dates, months and ids read from what a browser sends: bounded, and never a server error.

Every page that reads a day, a month or an object's id from a query string or a POST goes
through these functions, so that one rule holds everywhere (spec §9, R-SEC):

* **The bounds.** A day is accepted from ``EARLIEST_DAY`` (2000-01-01: the product holds
  nothing older) to ``FUTURE_YEARS`` (5) years after today (timetables, plans and
  deadlines look ahead; nothing looks further). Without them ``9999-12-31`` or
  ``0001-01-01`` reach ``day ± timedelta(…)`` and stop the page with ``OverflowError``.
  Dates typed into forms are bounded the same way (``BoundedDateField``; a form may
  narrow them, e.g. ``not_future``).
* **An id** is ASCII digits only (``'²'.isdigit()`` is true, ``int('²')`` fails) and fits
  PostgreSQL's ``bigint`` (a 20-digit id makes the query fail with ``DataError``).
* **What a page does with a bad value — one behaviour.** A query parameter that is
  malformed or out of range is ignored: the page shows its default (today, this month)
  and says in Russian what was ignored (``day_from_query`` / ``month_from_query`` add the
  message). A bad value in a POST is refused: the view answers 400 with the message of
  ``InputError`` (or the form shows it as a field error), and nothing is changed.

Lowest layer that every page-serving app can import; no domain knowledge.
"""

import datetime
import re

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

EARLIEST_DAY = datetime.date(2000, 1, 1)
FUTURE_YEARS = 5
# PostgreSQL ``bigint`` (Django's BigAutoField and the ids it references).
MAX_ID = 2**63 - 1

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_MONTH = re.compile(r"(\d{4})-(\d{1,2})", re.ASCII)
_ID = re.compile(r"\d{1,19}", re.ASCII)


class InputError(ValueError):
    """A value the browser sent that cannot be used; ``str()`` is a Russian message."""


def latest_day(today: datetime.date | None = None) -> datetime.date:
    """The last day accepted: ``FUTURE_YEARS`` after today (29 February → 28 February)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + FUTURE_YEARS)
    except ValueError:
        return today.replace(year=today.year + FUTURE_YEARS, day=28)


def day_bounds(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    return EARLIEST_DAY, latest_day(today)


def check_day(day: datetime.date, *, today: datetime.date | None = None) -> datetime.date:
    """``day`` itself when inside the bounds, else ``InputError``."""
    earliest, latest = day_bounds(today)
    if not earliest <= day <= latest:
        raise InputError(
            _("Дата %(day)s вне допустимого диапазона (%(earliest)s – %(latest)s).")
            % {
                "day": f"{day:%d.%m.%Y}",
                "earliest": f"{earliest:%d.%m.%Y}",
                "latest": f"{latest:%d.%m.%Y}",
            }
        )
    return day


def parse_day(value: str | None, *, today: datetime.date | None = None) -> datetime.date:
    """``YYYY-MM-DD`` inside the bounds, else ``InputError``."""
    value = (value or "").strip()
    if not _DAY.fullmatch(value):
        raise InputError(_("Дата должна быть в формате ГГГГ-ММ-ДД."))
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError as error:
        raise InputError(_("Такой даты нет в календаре.")) from error
    return check_day(day, today=today)


def parse_month(value: str | None, *, today: datetime.date | None = None) -> datetime.date:
    """``YYYY-MM`` → the month's first day, inside the bounds; else ``InputError``."""
    match = _MONTH.fullmatch((value or "").strip())
    if not match:
        raise InputError(_("Месяц должен быть в формате ГГГГ-ММ."))
    year, month = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        raise InputError(_("Такого месяца нет в календаре."))
    first = datetime.date(year, month, 1) if year >= 1 else None
    earliest, latest = day_bounds(today)
    if first is None or not earliest.replace(day=1) <= first <= latest:
        raise InputError(
            _("Месяц вне допустимого диапазона (%(earliest)s – %(latest)s).")
            % {"earliest": f"{earliest:%m.%Y}", "latest": f"{latest:%m.%Y}"}
        )
    return first


def parse_id(value) -> int:
    """A positive id that fits the database (ASCII digits, at most ``MAX_ID``)."""
    text = str(value if value is not None else "").strip()
    if not _ID.fullmatch(text) or not 1 <= int(text) <= MAX_ID:
        raise InputError(_("Неверный идентификатор."))
    return int(text)


def id_or_none(value) -> int | None:
    """``parse_id``, or ``None`` for anything it refuses."""
    try:
        return parse_id(value)
    except InputError:
        return None


def _from_query(request, name: str, default, parse):
    value = request.GET.get(name)
    if value in (None, ""):
        return default
    try:
        return parse(value)
    except InputError as error:
        messages.warning(
            request,
            _("Параметр «%(name)s» не учтён: %(error)s") % {"name": name, "error": error},
        )
        return default


def day_from_query(request, name: str, default: datetime.date) -> datetime.date:
    """``?<name>=YYYY-MM-DD``; ``default`` when missing, and with a message when bad."""
    return _from_query(request, name, default, parse_day)


def month_from_query(request, name: str, default: datetime.date) -> datetime.date:
    """``?<name>=YYYY-MM`` → its first day; ``default``'s month when missing or bad (with a
    message when bad)."""
    return _from_query(request, name, default.replace(day=1), parse_month)


def _validate_bounds(day: datetime.date) -> None:
    try:
        check_day(day)
    except InputError as error:
        raise ValidationError(str(error), code="out_of_range") from error


def not_future(day: datetime.date) -> None:
    """A validator for what has already happened (a contact, a visit, a document)."""
    if day > timezone.localdate():
        raise ValidationError(_("Дата не может быть в будущем."), code="future")


# How long before a student's enrolment the school may already deal with the family (the
# talk before admission): a contact dated earlier is a typing error.
BEFORE_ENROLMENT = datetime.timedelta(days=92)

# How far ahead a document, a plan or a deadline may reach (an excuse for a planned
# absence, a visit, a measure's due date): a year, not the five years of the bounds.
AHEAD_DAYS = 366


def within_a_year(day: datetime.date) -> None:
    """A validator for what is planned: at most ``AHEAD_DAYS`` after today."""
    if day > timezone.localdate() + datetime.timedelta(days=AHEAD_DAYS):
        raise ValidationError(_("Дата не может быть позже чем через год."), code="too_far")


def moment_in_bounds(moment: datetime.datetime) -> None:
    """A validator for a form's date and time: its day inside the bounds."""
    _validate_bounds(timezone.localtime(moment).date())


class BoundedDateField(forms.DateField):
    """A form's date inside the bounds above, with a Russian error; the formats are
    Django's (``input_formats`` as for ``DateField``). The bounds are checked when the
    form is cleaned, against that day's today."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(_validate_bounds)

    def to_python(self, value):
        # Django parses with strptime, which takes 0001-01-01; an over-long string only
        # costs time: refuse it before parsing.
        if isinstance(value, str) and len(value.strip()) > 32:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)
