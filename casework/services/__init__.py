"""Casework operations (R-C), one module per topic. Views, tasks and commands call these;
none repeats the rules."""

from .cases import (
    change_case_status,
    open_case,
    open_case_by_hand,
    set_family_centre_status,
    set_responsible,
)
from .common import CaseworkError, CaseworkPermissionDenied
from .contacts import log_parent_contact
from .tasks import complete_tasks_for

__all__ = [
    "CaseworkError",
    "CaseworkPermissionDenied",
    "change_case_status",
    "complete_tasks_for",
    "log_parent_contact",
    "open_case",
    "open_case_by_hand",
    "set_family_centre_status",
    "set_responsible",
]
