"""Threshold numbers and deadlines of spec §4 for one school, read from R-CFG (policy)."""

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from journal.units import Fractions
from policy.catalog import hours_band
from policy.services import settings_for, settings_for_schools


def _reached(missed: int, scheduled: int, percent: Decimal, comparison: str) -> bool:
    if scheduled <= 0:
        return False
    share, limit = 100 * missed, percent * scheduled
    return share >= limit if comparison == ">=" else share > limit


@dataclass(frozen=True)
class ThresholdConfig:
    streak_invite_days: int
    streak_memo_after_days: int
    streak_home_visit_after_days: int
    streak_all_lessons_after_days: int
    after_vacation_enabled: bool
    month_percent: Decimal
    month_comparison: str
    term_percent: Decimal
    term_comparison: str
    hours: dict[str, int]
    unknown_reason_deadline: datetime.time
    due_days: dict[str, int]
    fractions: Fractions

    @classmethod
    def from_values(cls, values: dict) -> "ThresholdConfig":
        return cls(
            streak_invite_days=values["thresholds.streak_invite_days"],
            streak_memo_after_days=values["thresholds.streak_memo_after_days"],
            streak_home_visit_after_days=values["thresholds.streak_home_visit_after_days"],
            streak_all_lessons_after_days=values["thresholds.streak_all_lessons_after_days"],
            after_vacation_enabled=values["thresholds.after_vacation_enabled"],
            month_percent=Decimal(values["thresholds.month_percent_missed"]),
            month_comparison=values["thresholds.month_percent_comparison"],
            term_percent=Decimal(values["thresholds.term_percent_missed"]),
            term_comparison=values["thresholds.term_percent_comparison"],
            hours={k: v for k, v in values.items() if k.startswith("thresholds.hours_")},
            unknown_reason_deadline=values["journal.unknown_reason_deadline"],
            due_days={k: v for k, v in values.items() if k.startswith("deadlines.")},
            fractions=Fractions.from_values(values),
        )

    @classmethod
    def for_school(cls, school) -> "ThresholdConfig":
        return cls.from_values(settings_for(school).values())

    @classmethod
    def for_schools(cls, schools) -> dict[int, "ThresholdConfig"]:
        """{school id: config} with one settings query (municipalities loaded)."""
        return {
            pk: cls.from_values(snapshot.values())
            for pk, snapshot in settings_for_schools(schools).items()
        }

    def hour_bands(self, grade: int) -> tuple[int, int]:
        """(systematic, long) monthly hours without a valid reason, seed 002 §2.12."""
        return hours_band(self.hours, grade)

    def month_percent_reached(self, missed: int, scheduled: int) -> bool:
        return _reached(missed, scheduled, self.month_percent, self.month_comparison)

    def term_percent_reached(self, missed: int, scheduled: int) -> bool:
        return _reached(missed, scheduled, self.term_percent, self.term_comparison)

    @cached_property
    def fingerprint(self) -> str:
        """Changes whenever any number above changes: the alerts built under other
        thresholds are then evaluated again (alerts.detect)."""
        return hashlib.md5(repr(self).encode(), usedforsecurity=False).hexdigest()

    @property
    def lowest_hours(self) -> int:
        return min(self.hours.values())

    @property
    def lowest_percent(self) -> int:
        return int(min(self.month_percent, self.term_percent))
