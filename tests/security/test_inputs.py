"""``accounts.inputs``: whatever a browser sends as a day, a month or an id, the parsers
answer a bounded value or ``InputError`` with a Russian message, never another exception."""

import datetime
import re

import pytest
from django import forms
from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

from accounts import inputs
from accounts.inputs import EARLIEST_DAY, MAX_ID, InputError

TODAY = datetime.date(2026, 11, 30)
LATEST = datetime.date(2031, 11, 30)
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)

# Strings shaped like dates as well as anything at all.
date_like = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"\A-?\d{1,6}-\d{1,3}(-\d{1,3})?\Z"),
    st.dates().map(lambda day: day.isoformat()),
    st.text(alphabet="0123456789-²³¹٣۵߁ W", max_size=20),
)


def _refused_in_russian(call, value):
    with pytest.raises(InputError) as refused:
        call(value)
    assert CYRILLIC.search(str(refused.value))


@given(date_like)
@example("9999-12-31")
@example("0001-01-01")
@example("2026-13-45")
@example("abc")
@example("9" * 10_000)
def test_parse_day_answers_a_bounded_day_or_a_russian_error(value):
    try:
        day = inputs.parse_day(value, today=TODAY)
    except InputError as error:
        assert CYRILLIC.search(str(error))
    else:
        assert EARLIEST_DAY <= day <= LATEST
        assert day.isoformat() == value.strip()


@given(st.dates(min_value=EARLIEST_DAY, max_value=LATEST))
def test_parse_day_takes_every_day_inside_the_bounds(day):
    assert inputs.parse_day(day.isoformat(), today=TODAY) == day


@given(st.dates().filter(lambda day: not EARLIEST_DAY <= day <= LATEST))
def test_parse_day_refuses_every_day_outside_the_bounds(day):
    _refused_in_russian(lambda value: inputs.parse_day(value, today=TODAY), day.isoformat())


@given(date_like)
@example("9999-12")
@example("0000-01")
@example("2026-00")
@example("1999-12")
def test_parse_month_answers_a_bounded_first_day_or_a_russian_error(value):
    try:
        first = inputs.parse_month(value, today=TODAY)
    except InputError as error:
        assert CYRILLIC.search(str(error))
    else:
        assert first.day == 1
        assert EARLIEST_DAY <= first <= LATEST


def test_parse_month_reads_the_month_of_the_bounds():
    assert inputs.parse_month("2000-01", today=TODAY) == datetime.date(2000, 1, 1)
    assert inputs.parse_month("2031-11", today=TODAY) == datetime.date(2031, 11, 1)
    for value in ("1999-12", "2031-12", "9999-12", "0000-01", "2026-13"):
        _refused_in_russian(lambda v: inputs.parse_month(v, today=TODAY), value)


@given(st.one_of(st.text(max_size=30), st.integers().map(str)))
@example("²")
@example("٣")
@example("9" * 20)
@example("-1")
@example("0")
@example(str(2**63))
def test_parse_id_answers_a_bigint_or_a_russian_error(value):
    try:
        number = inputs.parse_id(value)
    except InputError as error:
        assert CYRILLIC.search(str(error))
    else:
        assert 1 <= number <= MAX_ID
        assert value.strip().isascii()


def test_latest_day_of_a_leap_day():
    assert inputs.latest_day(datetime.date(2028, 2, 29)) == datetime.date(2033, 2, 28)


class _Form(forms.Form):
    day = inputs.BoundedDateField()


@given(date_like)
@example("9999-12-31")
@example("1900-01-01")
def test_bounded_date_field_gives_a_form_error_not_an_exception(value):
    form = _Form({"day": value})
    if form.is_valid():
        assert EARLIEST_DAY <= form.cleaned_data["day"] <= inputs.latest_day()
    else:
        assert CYRILLIC.search(form.errors["day"][0])


def test_not_future_refuses_tomorrow():
    with pytest.raises(ValidationError):
        inputs.not_future(datetime.date.today() + datetime.timedelta(days=2))
