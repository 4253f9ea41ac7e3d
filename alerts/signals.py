"""Signals the threshold engine sends; apps above it (casework) act on them.

``cases_needed``: alerts whose rules open a case (spec §4, R-T-H and the streaks) were
raised. Sent once per evaluation, in the transaction that raises them, with ``requests``:
a list of ``CaseRequest`` (the alert, the rule's name as the reason, and the user ids of
the staff the rule names). Receivers must be idempotent: a rerun sends them again.
"""

import datetime
from dataclasses import dataclass

from django.dispatch import Signal


@dataclass(frozen=True, slots=True)
class RaisedAlert:
    """An alert just inserted, as the engine knows it (no model instance is built)."""

    pk: int
    school_id: int
    student_id: int
    rule: str
    episode: str
    period_start: datetime.date
    period_end: datetime.date

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.student_id, self.rule, self.episode)


@dataclass(frozen=True, slots=True)
class CaseRequest:
    alert: RaisedAlert
    reason: str
    responsible: tuple[int, ...]


cases_needed = Signal()
