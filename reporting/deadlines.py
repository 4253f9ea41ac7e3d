"""When each report is due (spec §6, settings ``reports.*`` with the seeds' defaults).

* рапортичка: the weekday and time after the week it covers (Monday 12:00, seed 002 §3.4);
* the school's weekly report: the weekday after the week (Tuesday), end of day;
* the monthly information: the school by the 3rd of the next month, the municipality by
  the 5th (seed 003 Order §6, Procedure §5.2), end of day;
* the information on a minor not in education: the next of its annual dates (1 November,
  1 May; Procedure §5.7) on or after the end of its period;
* the term summary: the term's last day plus the set number of working days.
"""

import calendar
import datetime

from django.utils import timezone

from policy.services import settings_for

from .models import Kind, Report

END_OF_DAY = datetime.time(23, 59)


def _policy(report: Report):
    if report.school_id:
        return settings_for(report.school)
    return settings_for(region=report.municipality.region)


def _next_weekday(after: datetime.date, weekday: int) -> datetime.date:
    """The first ``weekday`` strictly after ``after``."""
    return after + datetime.timedelta(days=(weekday - after.weekday() - 1) % 7 + 1)


def _next_month_day(day: datetime.date, number: int) -> datetime.date:
    following = (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return following.replace(day=number)


def _add_working_days(day: datetime.date, count: int) -> datetime.date:
    while count > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def _annual(year: int, month: int, number: int) -> datetime.date:
    """The date in ``year``; 29 February (a setting may name it) is the 28th in other years."""
    return datetime.date(year, month, min(number, calendar.monthrange(year, month)[1]))


def _next_annual_date(day: datetime.date, dates) -> datetime.date:
    candidates = [
        _annual(year, month, number) for year in (day.year, day.year + 1) for month, number in dates
    ]
    return min(candidate for candidate in candidates if candidate >= day)


def due_for(kind: str, period_end: datetime.date, policy) -> tuple[datetime.date, datetime.time]:
    """The day and time a report of ``kind`` about a period ending ``period_end`` is due,
    under ``policy`` (a school's or region's settings, ``policy.services.settings_for``)."""
    if kind == Kind.WEEKLY_CLASS_REPORT:
        day = _next_weekday(period_end, policy["reports.weekly_class_report_weekday"])
        return day, policy["reports.weekly_class_report_time"]
    if kind == Kind.WEEKLY_SCHOOL_REPORT:
        return _next_weekday(period_end, policy["reports.school_weekly_report_weekday"]), END_OF_DAY
    if kind == Kind.MONTHLY_INFORMATION:
        return _next_month_day(period_end, policy["reports.monthly_school_due_day"]), END_OF_DAY
    if kind == Kind.MUNICIPAL_MONTHLY:
        return _next_month_day(period_end, policy["reports.monthly_municipal_due_day"]), END_OF_DAY
    if kind == Kind.NOT_IN_EDUCATION:
        return _next_annual_date(period_end, policy["reports.not_in_education_dates"]), END_OF_DAY
    return _add_working_days(period_end, policy["reports.term_summary_due_days"]), END_OF_DAY


def aware(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def due_date_and_time(report: Report) -> tuple[datetime.date, datetime.time]:
    return due_for(report.kind, report.period_end, _policy(report))


def due_at(report: Report) -> datetime.datetime:
    return aware(*due_date_and_time(report))


def annual_dates_between(start: datetime.date, end: datetime.date, dates) -> list[datetime.date]:
    """The annual due dates (``reports.not_in_education_dates``: (month, day) pairs) that
    fall from ``start`` to ``end`` inclusive, in order."""
    candidates = (
        _annual(year, month, number)
        for year in range(start.year, end.year + 1)
        for month, number in dates
    )
    return sorted(day for day in candidates if start <= day <= end)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` ``months`` calendar months later; the 31st becomes the month's last day."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
