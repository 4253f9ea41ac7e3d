from .calendar import (
    CalendarOverride,
    GradeBandWeek,
    PublicCalendarDay,
    Quarantine,
    Term,
    Vacation,
)
from .marks import (
    ExcuseDocument,
    LockedWeek,
    Mark,
    MarkRequest,
    ReasonStatus,
    ValidReason,
)
from .timetable import BellPeriod, Lesson, TimetableEntry

__all__ = [
    "ExcuseDocument",
    "Mark",
    "MarkRequest",
    "ReasonStatus",
    "ValidReason",
    "BellPeriod",
    "CalendarOverride",
    "GradeBandWeek",
    "Lesson",
    "LockedWeek",
    "PublicCalendarDay",
    "Quarantine",
    "Term",
    "TimetableEntry",
    "Vacation",
]
