"""Journal domain operations. Views, tasks and commands call these; none repeats the rules."""

from .errors import JournalError
from .excuses import register_excuse, withdraw_excuse
from .marks import ClientKeyConflict, confirm_attendance_taken, set_mark, set_mark_once
from .reasons import set_reasons

__all__ = [
    "ClientKeyConflict",
    "JournalError",
    "confirm_attendance_taken",
    "register_excuse",
    "set_mark",
    "set_mark_once",
    "set_reasons",
    "withdraw_excuse",
]
