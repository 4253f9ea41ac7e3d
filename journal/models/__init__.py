from .calendar import (
    CalendarOverride,
    GradeBandWeek,
    PublicCalendarDay,
    Quarantine,
    Term,
    Vacation,
)
from .guardian_notes import GuardianNote
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
    "GuardianNote",
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
