from .calendar import (
    CalendarOverride,
    GradeBandWeek,
    PublicCalendarDay,
    Quarantine,
    Term,
    Vacation,
)
from .timetable import BellPeriod, Lesson, TimetableEntry

__all__ = [
    "BellPeriod",
    "CalendarOverride",
    "GradeBandWeek",
    "Lesson",
    "PublicCalendarDay",
    "Quarantine",
    "Term",
    "TimetableEntry",
    "Vacation",
]
