"""When each report is due (spec §6, settings ``reports.*`` with the seeds' defaults).

* рапортичка: the weekday and time after the week it covers (Monday 12:00, seed 002 §3.4);
* the school's weekly report: the weekday after the week (Tuesday), end of day;
* the monthly information: the school by the 3rd of the next month, the municipality by
  the 5th (seed 003 Order §6, Procedure §5.2), end of day;
* the information on a minor not in education: the next of its annual dates (1 November,
  1 May; Procedure §5.7) on or after the end of its period;
* the term summary: the term's last day plus the set number of working days.
"""

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


def _next_annual_date(day: datetime.date, dates) -> datetime.date:
    candidates = [
        datetime.date(year, month, number)
        for year in (day.year, day.year + 1)
        for month, number in dates
    ]
    return min(candidate for candidate in candidates if candidate >= day)


def due_date_and_time(report: Report) -> tuple[datetime.date, datetime.time]:
    policy = _policy(report)
    end = report.period_end
    if report.kind == Kind.WEEKLY_CLASS_REPORT:
        day = _next_weekday(end, policy["reports.weekly_class_report_weekday"])
        return day, policy["reports.weekly_class_report_time"]
    if report.kind == Kind.WEEKLY_SCHOOL_REPORT:
        return _next_weekday(end, policy["reports.school_weekly_report_weekday"]), END_OF_DAY
    if report.kind == Kind.MONTHLY_INFORMATION:
        return _next_month_day(end, policy["reports.monthly_school_due_day"]), END_OF_DAY
    if report.kind == Kind.MUNICIPAL_MONTHLY:
        return _next_month_day(end, policy["reports.monthly_municipal_due_day"]), END_OF_DAY
    if report.kind == Kind.NOT_IN_EDUCATION:
        return _next_annual_date(end, policy["reports.not_in_education_dates"]), END_OF_DAY
    return _add_working_days(end, policy["reports.term_summary_due_days"]), END_OF_DAY


def due_at(report: Report) -> datetime.datetime:
    day, time = due_date_and_time(report)
    return timezone.make_aware(datetime.datetime.combine(day, time))
