"""Which days are school days, and working days for staff (R-CAL-1, R-CAL-2).

A **school day** of a class (a day with lessons) is decided in this order:

1. The day lies inside the class's academic year; otherwise it is not.
2. A vacation (``Vacation``) of that year that applies to the class's grade
   makes it free (the extra February week of grade 1 applies to grade 1 only).
3. A quarantine (``Quarantine``) of the whole school or of this class makes it free.
4. The school's own decision for the date (``CalendarOverride``) wins over
   everything below: a school may teach on a Saturday or close on a weekday.
5. The production calendar (``PublicCalendarDay``: national rows plus the rows
   of the school's region, the regional row winning for the same date):
   a public holiday or a day off made by a transfer is free; a Saturday or
   Sunday made a working day by a transfer **is** a school day, for 5-day and
   6-day schools alike.
6. Otherwise the weekday decides: a 5-day week teaches Monday–Friday, a 6-day
   week Monday–Saturday. A ``GradeBandWeek`` of the class's grade overrides
   ``School.week_length``. Sunday is never a school day by itself.

On a moved working day the school follows the timetable of the weekday the
transfer names (``timetable_weekday``, e.g. Saturday 2025-11-01 follows
Monday's timetable because Monday 2025-11-03 became free). An override may name
a timetable weekday too. A 6-day school that prefers its own Saturday lessons
on such a day records an override with ``timetable_weekday`` = 6.

A **working day** for staff deadlines (``add_working_days``) follows the
production calendar, not the school year: Monday–Friday unless a holiday or a
day off, plus Saturdays and Sundays made working by a transfer, plus ordinary
Saturdays when the school has a 6-day week (``School.week_length``) unless the
Saturday is a holiday. Vacations, quarantines and school overrides do not stop
staff from working, so they do not matter here.

Everything is answered by a ``SchoolCalendar`` that loads the calendar rows of
one school and one date range in a fixed number of queries; build it once and
ask it about many classes and days. The module-level functions are shortcuts
for a single question.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import F, Q

from journal.models import (
    CalendarOverride,
    GradeBandWeek,
    PublicCalendarDay,
    Quarantine,
    Term,
    Vacation,
)
from schools.models import AcademicYear, School, WeekLength

ONE_DAY = datetime.timedelta(days=1)
SATURDAY = 6


def date_range(start: datetime.date, end: datetime.date) -> Iterator[datetime.date]:
    """Every date from ``start`` to ``end`` inclusive."""
    day = start
    while day <= end:
        yield day
        day += ONE_DAY


@dataclass
class SchoolCalendar:
    """The calendar of one school between two dates, loaded at once.

    Methods that take a ``school_class`` use only its ``id``, ``grade`` and
    ``academic_year_id``, so they never query; asking about a date outside
    ``start``–``end`` raises ``ValueError`` instead of answering wrongly.
    """

    school: School
    start: datetime.date
    end: datetime.date
    public_days: dict[datetime.date, PublicCalendarDay] = field(default_factory=dict)
    overrides: dict[datetime.date, CalendarOverride] = field(default_factory=dict)
    vacations: list[Vacation] = field(default_factory=list)
    quarantines: list[Quarantine] = field(default_factory=list)
    grade_weeks: list[GradeBandWeek] = field(default_factory=list)
    academic_years: dict[int, AcademicYear] = field(default_factory=dict)

    @classmethod
    def for_school(cls, school, start: datetime.date, end: datetime.date) -> SchoolCalendar:
        """Load everything needed for ``school`` between ``start`` and ``end`` (six queries)."""
        return cls.for_schools([school], start, end)[school.pk]

    @classmethod
    def for_schools(
        cls, schools, start: datetime.date, end: datetime.date
    ) -> dict[int, SchoolCalendar]:
        """Each school's calendar between ``start`` and ``end``, by school id, in six queries
        whatever the number of schools (the threshold engine dates a region's tasks)."""
        if start > end:
            raise ValueError(f"start {start} is after end {end}")
        schools = list(schools)
        ids = [school.pk for school in schools]
        overlapping = Q(start_date__lte=end, end_date__gte=start)
        # A regional row comes once per school of its region asked for (``owner``), a
        # national one once with no owner.
        public_rows = (
            PublicCalendarDay.objects.filter(date__range=(start, end))
            .filter(Q(region__isnull=True) | Q(region__municipalities__schools__in=ids))
            .annotate(owner=F("region__municipalities__schools"))
        )
        calendars = {
            school.pk: cls(school=school, start=start, end=end, public_days={})
            for school in schools
        }
        # National rows first, so that a regional row for the same date replaces them.
        for row in sorted(public_rows, key=lambda row: row.region_id is not None):
            for calendar in [calendars[row.owner]] if row.owner else calendars.values():
                calendar.public_days[row.date] = row
        for row in CalendarOverride.objects.filter(school_id__in=ids, date__range=(start, end)):
            calendars[row.school_id].overrides[row.date] = row
        for row in Vacation.objects.filter(overlapping, academic_year__school_id__in=ids).annotate(
            owner=F("academic_year__school_id")
        ):
            calendars[row.owner].vacations.append(row)
        for row in Quarantine.objects.filter(overlapping, school_id__in=ids):
            calendars[row.school_id].quarantines.append(row)
        for row in GradeBandWeek.objects.filter(school_id__in=ids).order_by("grade_from"):
            calendars[row.school_id].grade_weeks.append(row)
        for year in AcademicYear.objects.filter(overlapping, school_id__in=ids):
            calendars[year.school_id].academic_years[year.pk] = year
        return calendars

    def _check_range(self, day: datetime.date) -> None:
        if not self.start <= day <= self.end:
            raise ValueError(f"{day} is outside the loaded calendar {self.start}–{self.end}")

    def week_length(self, grade: int) -> int:
        """Days in the school week of ``grade``: its grade band's, else the school's."""
        for band in self.grade_weeks:
            if band.grade_from <= grade <= band.grade_to:
                return band.week_length
        return self.school.week_length

    def is_school_day(self, school_class, day: datetime.date) -> bool:
        """Whether ``school_class`` has lessons on ``day`` (rules in the module docstring)."""
        self._check_range(day)
        year = self.academic_years.get(school_class.academic_year_id)
        if year is None or not year.start_date <= day <= year.end_date:
            return False
        if self._in_vacation(school_class, day) or self._in_quarantine(school_class, day):
            return False
        override = self.overrides.get(day)
        if override is not None:
            return override.is_school_day
        public = self.public_days.get(day)
        if public is not None:
            return public.kind == PublicCalendarDay.Kind.WORKING_DAY
        return day.isoweekday() <= self.week_length(school_class.grade)

    def _in_vacation(self, school_class, day: datetime.date) -> bool:
        return any(
            vacation.academic_year_id == school_class.academic_year_id
            and vacation.start_date <= day <= vacation.end_date
            and vacation.applies_to_grade(school_class.grade)
            for vacation in self.vacations
        )

    def _in_quarantine(self, school_class, day: datetime.date) -> bool:
        return any(
            quarantine.school_class_id in (None, school_class.id)
            and quarantine.start_date <= day <= quarantine.end_date
            for quarantine in self.quarantines
        )

    def school_days(
        self,
        school_class,
        start: datetime.date | None = None,
        end: datetime.date | None = None,
    ) -> list[datetime.date]:
        """The school days of ``school_class`` in ``start``–``end`` (default: the loaded range)."""
        start = start or self.start
        end = end or self.end
        return [day for day in date_range(start, end) if self.is_school_day(school_class, day)]

    def timetable_weekday(self, day: datetime.date) -> int:
        """ISO weekday whose timetable applies on ``day`` (1 = Monday … 7 = Sunday).

        A school override naming a weekday wins, then a moved working day of the
        production calendar, then the day's own weekday.
        """
        self._check_range(day)
        override = self.overrides.get(day)
        if override is not None and override.timetable_weekday:
            return override.timetable_weekday
        public = self.public_days.get(day)
        if (
            public is not None
            and public.kind == PublicCalendarDay.Kind.WORKING_DAY
            and public.timetable_weekday
        ):
            return public.timetable_weekday
        return day.isoweekday()

    def is_working_day(self, day: datetime.date) -> bool:
        """Whether staff work on ``day`` (production calendar plus a 6-day week's Saturday)."""
        self._check_range(day)
        public = self.public_days.get(day)
        if public is not None:
            return public.kind == PublicCalendarDay.Kind.WORKING_DAY
        weekday = day.isoweekday()
        if weekday == SATURDAY:
            return self.school.week_length == WeekLength.SIX_DAYS
        return weekday < SATURDAY

    def add_working_days(self, day: datetime.date, n: int) -> datetime.date | None:
        """The ``n``-th working day after ``day`` (``day`` itself or the next working day
        for ``n = 0``), or ``None`` when the loaded range ends first."""
        if n < 0:
            raise ValueError("n must not be negative")
        needed = max(n, 1)  # working days still to count, the one returned included
        for candidate in date_range(day if n == 0 else day + ONE_DAY, self.end):
            if self.is_working_day(candidate):
                needed -= 1
                if needed == 0:
                    return candidate
        return None


def is_school_day(school_class, day: datetime.date) -> bool:
    """Whether ``school_class`` has lessons on ``day``; see the module docstring for the rules."""
    return SchoolCalendar.for_school(school_class.school, day, day).is_school_day(school_class, day)


def school_days(school_class, start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The school days of ``school_class`` from ``start`` to ``end`` inclusive, in order.

    Runs a fixed number of queries whatever the length of the range.
    """
    if start > end:
        return []
    calendar = SchoolCalendar.for_school(school_class.school, start, end)
    return calendar.school_days(school_class)


def add_working_days(school, day: datetime.date, n: int) -> datetime.date:
    """The ``n``-th staff working day after ``day``, for deadlines ("within 3 working days").

    ``n = 0`` returns ``day`` itself when it is a working day, else the next
    working day. Working days follow the production calendar and the school's
    week length, not vacations (see the module docstring).
    """
    # 2n calendar days plus three weeks hold n working days even across the New Year
    # holidays; a longer window is loaded in the unlikely case they do not.
    span = datetime.timedelta(days=2 * max(n, 1) + 21)
    while True:
        found = SchoolCalendar.for_school(school, day, day + span).add_working_days(day, n)
        if found is not None:
            return found
        span *= 2


def current_academic_year(school, day: datetime.date) -> AcademicYear | None:
    """The academic year of ``school`` that contains ``day``, or ``None`` (e.g. in summer)."""
    return (
        AcademicYear.objects.filter(school=school, start_date__lte=day, end_date__gte=day)
        .order_by("-start_date")
        .first()
    )


def term_for(school_class_or_year, day: datetime.date) -> Term | None:
    """The term (четверть or триместр) containing ``day``, or ``None`` between terms.

    Accepts a class (its academic year is used) or an academic year.
    """
    if isinstance(school_class_or_year, AcademicYear):
        academic_year_id = school_class_or_year.pk
    else:
        academic_year_id = school_class_or_year.academic_year_id
    return Term.objects.filter(
        academic_year_id=academic_year_id, start_date__lte=day, end_date__gte=day
    ).first()
