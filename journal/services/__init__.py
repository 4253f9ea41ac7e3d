"""Journal domain operations. Views, tasks and commands call these; none repeats the rules."""

from .errors import JournalError
from .excuses import register_excuse, withdraw_excuse
from .marks import confirm_attendance_taken, set_mark
from .reasons import set_reasons

__all__ = [
    "JournalError",
    "confirm_attendance_taken",
    "register_excuse",
    "set_mark",
    "set_reasons",
    "withdraw_excuse",
]
