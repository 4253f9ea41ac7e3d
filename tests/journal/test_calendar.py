"""School days and staff working days around real Russian holidays (R-CAL-1, R-CAL-2).

The production calendar comes from the data migration, as in production.
"""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal import calendar
from journal.calendar import SchoolCalendar
from journal.models import PublicCalendarDay
from schools.models import WeekLength
from tests import factories

D = datetime.date


@pytest.fixture
def year_2024(school):
    return factories.AcademicYearFactory(
        school=school, name="2024/2025", start_date=D(2024, 9, 2), end_date=D(2025, 5, 31)
    )


@pytest.fixture
def class_2024(school, year_2024):
    return factories.SchoolClassFactory(school=school, academic_year=year_2024, grade=5)


@pytest.fixture
def six_day_school(db):
    return factories.SchoolFactory(week_length=WeekLength.SIX_DAYS)


# --- The shipped production calendar -------------------------------------------------


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_shipped_calendar_gives_the_official_247_working_days(school, year):
    days = SchoolCalendar.for_school(school, D(year, 1, 1), D(year, 12, 31))
    working = [day for day in calendar.date_range(days.start, days.end) if days.is_working_day(day)]
    assert len(working) == 247


def test_shipped_calendar_rows_are_consistent(db):
    rows = list(PublicCalendarDay.objects.filter(region=None))
    assert {row.date.year for row in rows} == {2025, 2026, 2027}
    for row in rows:
        if row.kind == PublicCalendarDay.Kind.WORKING_DAY:
            assert row.date.isoweekday() >= 6 and row.timetable_weekday in range(1, 7), row
        else:
            assert row.timetable_weekday is None, row
        if row.kind == PublicCalendarDay.Kind.DAY_OFF:
            assert row.date.isoweekday() <= 5, row


# --- School days around holidays and transfers ----------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 10, 31), True),  # Friday before the November transfer
        (D(2025, 11, 1), True),  # Saturday made working (decree № 1335)
        (D(2025, 11, 2), False),  # Sunday
        (D(2025, 11, 3), False),  # Monday made free in exchange
        (D(2025, 11, 4), False),  # Unity Day
        (D(2025, 11, 5), True),
        (D(2025, 12, 31), False),  # day off moved from Sunday 5 January
        (D(2026, 1, 9), False),  # day off moved from Saturday 3 January (decree № 1466)
        (D(2026, 1, 12), True),
        (D(2026, 2, 23), False),  # Defender of the Fatherland Day, Monday
        (D(2026, 2, 24), True),
        (D(2026, 3, 9), False),  # 8 March is a Sunday: Monday is free (art. 112)
        (D(2026, 3, 10), True),
        (D(2026, 5, 11), False),  # 9 May is a Saturday: Monday is free
    ],
)
def test_five_day_class_school_days_around_2025_2026_holidays(school_class, day, expected):
    assert calendar.is_school_day(school_class, day) is expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 2, 24), True),  # 23 February (Sunday) was moved to 8 May, not to Monday
        (D(2025, 3, 10), True),  # 8 March (Saturday) was moved to 13 June
        (D(2025, 4, 30), True),
        (D(2025, 5, 1), False),
        (D(2025, 5, 2), False),  # moved from Saturday 4 January
        (D(2025, 5, 5), True),
        (D(2025, 5, 8), False),  # moved from Sunday 23 February
        (D(2025, 5, 9), False),  # Victory Day
        (D(2025, 5, 12), True),
    ],
)
def test_school_days_of_spring_2025_follow_decree_1335(class_2024, day, expected):
    assert calendar.is_school_day(class_2024, day) is expected


def test_moved_working_saturday_follows_monday_timetable(school):
    days = SchoolCalendar.for_school(school, D(2025, 10, 27), D(2025, 11, 2))
    assert days.timetable_weekday(D(2025, 11, 1)) == 1
    assert days.timetable_weekday(D(2025, 10, 29)) == 3


def test_days_outside_the_academic_year_are_not_school_days(school_class):
    assert calendar.is_school_day(school_class, D(2025, 8, 29)) is False
    assert calendar.is_school_day(school_class, D(2025, 9, 1)) is True
    assert calendar.is_school_day(school_class, D(2026, 5, 29)) is True
    assert calendar.is_school_day(school_class, D(2026, 6, 1)) is False


def test_sunday_is_never_a_school_day_even_in_a_six_day_school(six_day_school):
    school_class = factories.SchoolClassFactory(school=six_day_school)
    assert calendar.is_school_day(school_class, D(2025, 9, 7)) is False


def test_six_day_school_teaches_on_saturday_unless_it_is_a_holiday(six_day_school):
    school_class = factories.SchoolClassFactory(school=six_day_school)
    assert calendar.is_school_day(school_class, D(2025, 9, 6)) is True
    assert calendar.is_school_day(school_class, D(2026, 5, 9)) is False  # Victory Day


def test_five_day_school_does_not_teach_on_ordinary_saturday(school_class):
    assert calendar.is_school_day(school_class, D(2025, 9, 6)) is False


def test_grade_band_week_overrides_school_week_length(six_day_school):
    factories.GradeBandWeekFactory(
        school=six_day_school, grade_from=1, grade_to=4, week_length=WeekLength.FIVE_DAYS
    )
    first_grade = factories.SchoolClassFactory(school=six_day_school, grade=1)
    seventh_grade = factories.SchoolClassFactory(school=six_day_school, grade=7)
    saturday = D(2025, 9, 13)
    assert calendar.is_school_day(first_grade, saturday) is False
    assert calendar.is_school_day(seventh_grade, saturday) is True


def test_extra_february_vacation_frees_only_grade_one(school):
    first_grade = factories.SchoolClassFactory(school=school, grade=1)
    fifth_grade = factories.SchoolClassFactory(school=school, grade=5)
    factories.VacationFactory(
        academic_year=first_grade.academic_year,
        name="Дополнительные каникулы для 1 класса",
        start_date=D(2026, 2, 16),
        end_date=D(2026, 2, 22),
        grade_from=1,
        grade_to=1,
    )
    assert calendar.is_school_day(first_grade, D(2026, 2, 17)) is False
    assert calendar.is_school_day(fifth_grade, D(2026, 2, 17)) is True
    assert calendar.is_school_day(first_grade, D(2026, 2, 24)) is True


def test_vacation_of_another_school_does_not_apply(school_class, other_school):
    other_year = factories.AcademicYearFactory(school=other_school)
    factories.VacationFactory(academic_year=other_year)
    assert calendar.is_school_day(school_class, D(2025, 10, 28)) is True


def test_quarantine_of_one_class_frees_only_that_class(school):
    quarantined = factories.SchoolClassFactory(school=school)
    neighbour = factories.SchoolClassFactory(school=school)
    factories.QuarantineFactory(
        school=school, school_class=quarantined, start_date=D(2025, 12, 1), end_date=D(2025, 12, 5)
    )
    assert calendar.is_school_day(quarantined, D(2025, 12, 3)) is False
    assert calendar.is_school_day(neighbour, D(2025, 12, 3)) is True
    assert calendar.is_school_day(quarantined, D(2025, 12, 8)) is True


def test_school_wide_quarantine_frees_every_class(school):
    classes = [factories.SchoolClassFactory(school=school) for _ in range(2)]
    factories.QuarantineFactory(school=school, start_date=D(2026, 1, 26), end_date=D(2026, 1, 30))
    assert [calendar.is_school_day(c, D(2026, 1, 28)) for c in classes] == [False, False]


def test_school_override_beats_the_production_calendar(school_class):
    school = school_class.school
    factories.CalendarOverrideFactory(
        school=school, date=D(2025, 9, 13), is_school_day=True, timetable_weekday=3
    )
    factories.CalendarOverrideFactory(school=school, date=D(2025, 9, 15), is_school_day=False)
    factories.CalendarOverrideFactory(school=school, date=D(2025, 11, 1), is_school_day=False)
    assert calendar.is_school_day(school_class, D(2025, 9, 13)) is True
    assert calendar.is_school_day(school_class, D(2025, 9, 15)) is False
    assert calendar.is_school_day(school_class, D(2025, 11, 1)) is False
    days = SchoolCalendar.for_school(school, D(2025, 9, 1), D(2025, 9, 30))
    assert days.timetable_weekday(D(2025, 9, 13)) == 3


def test_school_override_does_not_cancel_a_vacation(school_class):
    factories.VacationFactory(academic_year=school_class.academic_year)
    factories.CalendarOverrideFactory(
        school=school_class.school, date=D(2025, 10, 28), is_school_day=True
    )
    assert calendar.is_school_day(school_class, D(2025, 10, 28)) is False


def test_regional_holiday_applies_to_schools_of_that_region_only(school_class, other_school):
    other_class = factories.SchoolClassFactory(school=other_school)
    PublicCalendarDay.objects.create(
        date=D(2026, 2, 18),
        kind=PublicCalendarDay.Kind.HOLIDAY,
        name="Сагаалган",
        region=school_class.school.municipality.region,
    )
    assert calendar.is_school_day(school_class, D(2026, 2, 18)) is False
    assert calendar.is_school_day(other_class, D(2026, 2, 18)) is True


def test_calendars_of_many_schools_load_at_once_each_with_its_own_region(
    school_class, other_school, django_assert_num_queries
):
    """SchoolCalendar.for_schools (the threshold engine dates a region's tasks with it):
    six queries for any number of schools, each school with its region's days only."""
    here = school_class.school
    neighbour = factories.SchoolFactory(municipality=here.municipality)
    PublicCalendarDay.objects.create(
        date=D(2026, 2, 18),
        kind=PublicCalendarDay.Kind.HOLIDAY,
        name="Сагаалган",
        region=here.municipality.region,
    )
    factories.VacationFactory(academic_year=school_class.academic_year)
    with django_assert_num_queries(6):
        calendars = SchoolCalendar.for_schools(
            [here, neighbour, other_school], D(2025, 9, 1), D(2026, 5, 31)
        )
    for school in (here, neighbour, other_school):
        alone = SchoolCalendar.for_school(school, D(2025, 9, 1), D(2026, 5, 31))
        assert calendars[school.pk].public_days == alone.public_days
        assert calendars[school.pk].vacations == alone.vacations
    assert D(2026, 2, 18) in calendars[neighbour.pk].public_days
    assert D(2026, 2, 18) not in calendars[other_school.pk].public_days
    assert calendars[here.pk].vacations and not calendars[other_school.pk].vacations


def test_regional_row_wins_over_the_national_row_of_the_same_date(school_class):
    PublicCalendarDay.objects.create(
        date=D(2025, 11, 1),
        kind=PublicCalendarDay.Kind.DAY_OFF,
        name="Региональный выходной",
        region=school_class.school.municipality.region,
    )
    assert calendar.is_school_day(school_class, D(2025, 11, 1)) is False


def test_school_days_lists_the_days_of_a_week_with_a_transfer(school_class):
    assert calendar.school_days(school_class, D(2025, 10, 27), D(2025, 11, 9)) == [
        D(2025, 10, 27),
        D(2025, 10, 28),
        D(2025, 10, 29),
        D(2025, 10, 30),
        D(2025, 10, 31),
        D(2025, 11, 1),
        D(2025, 11, 5),
        D(2025, 11, 6),
        D(2025, 11, 7),
    ]


def test_school_days_of_a_whole_year_take_a_constant_number_of_queries(
    school_class, django_assert_num_queries
):
    school = school_class.school
    factories.VacationFactory(academic_year=school_class.academic_year)
    factories.QuarantineFactory(school=school, school_class=school_class)
    with django_assert_num_queries(6):
        days = calendar.school_days(school_class, D(2025, 9, 1), D(2026, 5, 31))
    # 2025/26, 5-day week: 9 months minus holidays, autumn vacation and one quarantine week.
    assert D(2025, 10, 28) not in days and D(2025, 12, 3) not in days
    assert days[0] == D(2025, 9, 1) and days[-1] == D(2026, 5, 29)


def test_calendar_refuses_dates_outside_the_loaded_range(school_class):
    days = SchoolCalendar.for_school(school_class.school, D(2025, 9, 1), D(2025, 9, 30))
    with pytest.raises(ValueError):
        days.is_school_day(school_class, D(2025, 10, 1))


# --- Staff working days ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2025, 10, 30), 1, D(2025, 10, 31)),
        (D(2025, 10, 31), 1, D(2025, 11, 1)),  # the moved working Saturday counts
        (D(2025, 10, 31), 2, D(2025, 11, 5)),  # Sunday, 3 and 4 November are skipped
        (D(2025, 12, 30), 1, D(2026, 1, 12)),  # across the New Year holidays
        (D(2026, 2, 20), 1, D(2026, 2, 24)),  # weekend and Monday 23 February
        (D(2026, 3, 6), 3, D(2026, 3, 12)),  # weekend and Monday 9 March
        (D(2026, 3, 8), 0, D(2026, 3, 10)),  # n = 0 on a holiday: the next working day
        (D(2026, 3, 10), 0, D(2026, 3, 10)),  # n = 0 on a working day: that day
        (D(2025, 9, 1), 20, D(2025, 9, 29)),
    ],
)
def test_add_working_days_follows_the_production_calendar(school, start, n, expected):
    assert calendar.add_working_days(school, start, n) == expected


def test_add_working_days_counts_saturdays_of_a_six_day_school(six_day_school):
    assert calendar.add_working_days(six_day_school, D(2025, 9, 5), 1) == D(2025, 9, 6)
    # Saturday 9 May 2026 is Victory Day, Monday 11 May a day off.
    assert calendar.add_working_days(six_day_school, D(2026, 5, 8), 1) == D(2026, 5, 12)


def test_add_working_days_ignores_vacations(school_class):
    factories.VacationFactory(academic_year=school_class.academic_year)
    assert calendar.add_working_days(school_class.school, D(2025, 10, 27), 1) == D(2025, 10, 28)


def test_add_working_days_rejects_negative_n(school):
    with pytest.raises(ValueError):
        calendar.add_working_days(school, D(2025, 9, 1), -1)


# --- Academic year and term helpers -----------------------------------------------------


def test_current_academic_year_is_the_one_containing_the_day(school, year_2024):
    year_2025 = factories.AcademicYearFactory(school=school)
    assert calendar.current_academic_year(school, D(2025, 3, 3)) == year_2024
    assert calendar.current_academic_year(school, D(2025, 9, 1)) == year_2025
    assert calendar.current_academic_year(school, D(2025, 7, 15)) is None


def test_term_for_finds_the_term_of_a_class_or_a_year(school_class):
    year = school_class.academic_year
    first = factories.TermFactory(academic_year=year, number=1)
    second = factories.TermFactory(
        academic_year=year, number=2, start_date=D(2025, 11, 5), end_date=D(2025, 12, 28)
    )
    assert calendar.term_for(school_class, D(2025, 9, 15)) == first
    assert calendar.term_for(year, D(2025, 12, 1)) == second
    assert calendar.term_for(school_class, D(2025, 10, 30)) is None  # autumn vacation


# --- Properties ------------------------------------------------------------------------------

dates_2025_2026 = st.dates(min_value=D(2025, 8, 1), max_value=D(2026, 7, 31))


@pytest.fixture
def busy_class(school):
    """A class whose calendar has every kind of exception in it."""
    school_class = factories.SchoolClassFactory(school=school, grade=1)
    year = school_class.academic_year
    factories.VacationFactory(academic_year=year)
    factories.VacationFactory(
        academic_year=year,
        name="Дополнительные каникулы",
        start_date=D(2026, 2, 16),
        end_date=D(2026, 2, 22),
        grade_from=1,
        grade_to=1,
    )
    factories.QuarantineFactory(school=school, school_class=school_class)
    factories.CalendarOverrideFactory(school=school, date=D(2025, 9, 20), is_school_day=True)
    factories.CalendarOverrideFactory(school=school, date=D(2026, 4, 1), is_school_day=False)
    return school_class


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(start=dates_2025_2026, length=st.integers(min_value=0, max_value=40))
def test_school_days_equals_the_days_that_are_school_days(busy_class, start, length):
    end = start + datetime.timedelta(days=length)
    expected = [
        day for day in calendar.date_range(start, end) if calendar.is_school_day(busy_class, day)
    ]
    assert calendar.school_days(busy_class, start, end) == expected


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(start=dates_2025_2026, n=st.integers(min_value=0, max_value=30))
def test_add_working_days_lands_on_the_nth_working_day(school, start, n):
    result = calendar.add_working_days(school, start, n)
    days = SchoolCalendar.for_school(school, start, result)
    assert days.is_working_day(result)
    counted = [day for day in calendar.date_range(start, result) if days.is_working_day(day)]
    if n == 0:
        assert counted == [result]
    else:
        assert len(counted) - days.is_working_day(start) == n
