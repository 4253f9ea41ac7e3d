"""Derived units of attendance, seed 002 §2 (R-J-5). Every count in the product uses these.

Definitions (all «missed» counts treat an unknown reason as without a valid reason, R-J-2):

* **instructional time** of a student on a day: the scheduled (not cancelled) lessons of
  their class that day — group lessons only for members of the group — while enrolled
  (R-CAL-3, R-CAL-4). One lesson is one academic hour.
* **lesson missed**: an absence mark (Н) on such a lesson.
* **school day missed** (§2.7): more than half of that day's lessons missed. It is missed
  *without a valid reason* when the lessons missed without a valid reason alone are more
  than half of the day's lessons.
* **school days of a week**: the days of that week with instructional time for the student.
* **week missed** (§2.8): more than half of the week's school days missed.
* **systematic lateness** (§2.5): late on half or more of the week's school days.

«Half» is the seed's number; each is an R-CFG setting (``units.*_fraction``) a region or
school may change, carried by ``Fractions``. Comparisons are exact (rational arithmetic),
so a share of exactly the fraction is decided the same way in Python and in SQL.

The pure functions below take counts; ``daily_records`` builds those counts with one SQL
query whatever the number of students or days.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field, replace
from fractions import Fraction

from django.db import connection

from policy.services import settings_for

from .models import Mark

HALF = Fraction(1, 2)


@dataclass(frozen=True)
class Fractions:
    """The shares that define the units (seed 002 §2.4–2.8), from the R-CFG settings."""

    lesson: Fraction = HALF  # late by less than this share of the lesson; more is absent
    day: Fraction = HALF
    week: Fraction = HALF
    lateness: Fraction = HALF

    @classmethod
    def from_values(cls, values) -> "Fractions":
        return cls(
            lesson=Fraction(values["journal.lesson_missed_fraction"]),
            day=Fraction(values["units.school_day_missed_fraction"]),
            week=Fraction(values["units.week_missed_fraction"]),
            lateness=Fraction(values["units.systematic_lateness_fraction"]),
        )

    @classmethod
    def for_school(cls, school) -> "Fractions":
        return cls.from_values(settings_for(school).values())


DEFAULT = Fractions()


def more_than(part: int, whole: int, share: Fraction) -> bool:
    """part > share × whole, exactly."""
    return part * share.denominator > share.numerator * whole


def at_least(part: int, whole: int, share: Fraction) -> bool:
    """part ≥ share × whole, exactly."""
    return part * share.denominator >= share.numerator * whole


def lesson_missed(mark_kind: str | None) -> bool:
    return mark_kind == Mark.Kind.ABSENT


def day_missed(lessons: int, missed: int, share: Fraction = HALF) -> bool:
    """§2.7: absent on more than half (the setting's share) of the day's lessons."""
    return lessons > 0 and more_than(missed, lessons, share)


def week_missed(school_days: int, days_missed: int, share: Fraction = HALF) -> bool:
    """§2.8: more than half (the setting's share) of the week's school days missed."""
    return school_days > 0 and more_than(days_missed, school_days, share)


def systematic_lateness(school_days: int, days_late: int, share: Fraction = HALF) -> bool:
    """§2.5: late on half (the setting's share) or more of the week's school days."""
    return school_days > 0 and at_least(days_late, school_days, share)


def percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


class DayStatus:
    PRESENT = "present"
    LATE = "late"
    PARTIAL = "partial"  # some lessons missed, not the day
    VALID = "valid"
    INVALID = "invalid"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class DayRecord:
    """One student's school day: lessons scheduled and deviations by reason."""

    lessons: int
    valid: int = 0
    invalid: int = 0
    unknown: int = 0
    late: int = 0
    fractions: Fractions = field(default=DEFAULT, compare=False, repr=False)
    # Lessons whose attendance was never taken (no «all present», no mark): a gap in the
    # journal, not presence (issue #15 point 8). Today's lessons count until they are marked.
    unmarked: int = field(default=0, compare=False)

    @property
    def absent(self) -> int:
        return self.valid + self.invalid + self.unknown

    @property
    def without_valid(self) -> int:
        return self.invalid + self.unknown

    @property
    def missed(self) -> bool:
        return day_missed(self.lessons, self.absent, self.fractions.day)

    @property
    def missed_without_valid(self) -> bool:
        return day_missed(self.lessons, self.without_valid, self.fractions.day)

    @property
    def status(self) -> str:
        if self.missed:
            if not self.missed_without_valid:
                return DayStatus.VALID
            return DayStatus.INVALID if self.invalid else DayStatus.UNKNOWN
        if self.absent:
            return DayStatus.PARTIAL
        return DayStatus.LATE if self.late else DayStatus.PRESENT


@dataclass
class AttendanceTotals:
    scheduled: int = 0
    absent_valid: int = 0
    absent_invalid: int = 0
    absent_unknown: int = 0
    late: int = 0
    school_days: int = 0
    days_missed: int = 0
    days_missed_without_valid: int = 0

    @property
    def absent_total(self) -> int:
        return self.absent_valid + self.absent_invalid + self.absent_unknown

    @property
    def absent_without_valid(self) -> int:
        return self.absent_invalid + self.absent_unknown

    @property
    def percent_without_valid(self) -> float:
        """Share of instructional time missed without a valid reason (R-T-30)."""
        return percent(self.absent_without_valid, self.scheduled)

    @property
    def percent_total(self) -> float:
        return percent(self.absent_total, self.scheduled)

    def add(self, day: DayRecord) -> None:
        self.scheduled += day.lessons
        self.absent_valid += day.valid
        self.absent_invalid += day.invalid
        self.absent_unknown += day.unknown
        self.late += day.late
        self.school_days += 1
        self.days_missed += day.missed
        self.days_missed_without_valid += day.missed_without_valid


@dataclass(frozen=True)
class WeekSummary:
    week_start: datetime.date
    school_days: int
    days_missed: int
    days_missed_without_valid: int
    days_late: int
    fractions: Fractions = field(default=DEFAULT, compare=False, repr=False)

    @property
    def missed(self) -> bool:
        return week_missed(self.school_days, self.days_missed, self.fractions.week)

    @property
    def missed_without_valid(self) -> bool:
        return week_missed(self.school_days, self.days_missed_without_valid, self.fractions.week)

    @property
    def systematic_lateness(self) -> bool:
        return systematic_lateness(self.school_days, self.days_late, self.fractions.lateness)


def totals(days: dict[datetime.date, DayRecord]) -> AttendanceTotals:
    result = AttendanceTotals()
    for record in days.values():
        result.add(record)
    return result


def with_fractions(days: dict[datetime.date, DayRecord], fractions: Fractions):
    """The same days judged with another school's shares."""
    return {day: replace(record, fractions=fractions) for day, record in days.items()}


def weeks(days: dict[datetime.date, DayRecord], fractions: Fractions | None = None):
    """[WeekSummary] of the student's weeks; the shares default to the days' own."""
    if fractions is None:
        fractions = next(iter(days.values())).fractions if days else DEFAULT
    by_week: dict[datetime.date, list[DayRecord]] = defaultdict(list)
    for day, record in days.items():
        by_week[day - datetime.timedelta(days=day.weekday())].append(record)
    return [
        WeekSummary(
            week_start=start,
            school_days=len(records),
            days_missed=sum(r.missed for r in records),
            days_missed_without_valid=sum(r.missed_without_valid for r in records),
            days_late=sum(1 for r in records if r.late),
            fractions=fractions,
        )
        for start, records in sorted(by_week.items())
    ]


_DAILY_SQL = """
SELECT e.student_id, l.date, COUNT(*),
       SUM(CASE WHEN m.kind = 'absent' AND m.reason_status = 'valid' THEN 1 ELSE 0 END),
       SUM(CASE WHEN m.kind = 'absent' AND m.reason_status = 'invalid' THEN 1 ELSE 0 END),
       SUM(CASE WHEN m.kind = 'absent' AND m.reason_status = 'unknown' THEN 1 ELSE 0 END),
       SUM(CASE WHEN m.kind = 'late' THEN 1 ELSE 0 END),
       SUM(CASE WHEN l.attendance_taken_at IS NULL AND NOT EXISTS (
             SELECT 1 FROM journal_mark u WHERE u.lesson_id = l.id) THEN 1 ELSE 0 END)
FROM journal_lesson l
JOIN schools_enrollment e
  ON e.school_class_id = l.school_class_id
 AND e.start_date <= l.date
 AND (e.end_date IS NULL OR e.end_date >= l.date)
LEFT JOIN journal_mark m ON m.lesson_id = l.id AND m.student_id = e.student_id
WHERE l.status = 'scheduled'
  AND l.date >= %s AND l.date <= %s
  AND e.student_id IN ({ids})
  AND (l.group_id IS NULL OR EXISTS (
        SELECT 1 FROM schools_classgroup_students g
        WHERE g.classgroup_id = l.group_id AND g.student_id = e.student_id))
GROUP BY e.student_id, l.date
ORDER BY e.student_id, l.date
"""


def daily_records(
    student_ids, start: datetime.date, end: datetime.date, fractions: Fractions = DEFAULT
):
    """{student_id: {date: DayRecord}} for every school day of each student in [start, end].

    One query: only marks on lessons that count as the student's instructional time count.
    ``fractions`` are the school's (``Fractions.for_school``).
    """
    ids = sorted(set(student_ids))
    result: dict[int, dict[datetime.date, DayRecord]] = defaultdict(dict)
    if not ids:
        return result
    sql = _DAILY_SQL.format(ids=", ".join(["%s"] * len(ids)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, end, *ids])
        for student_id, day, lessons, valid, invalid, unknown, late, unmarked in cursor.fetchall():
            result[student_id][day] = DayRecord(
                lessons=lessons,
                valid=valid,
                invalid=invalid,
                unknown=unknown,
                late=late,
                fractions=fractions,
                unmarked=unmarked,
            )
    return result


def attendance_totals(
    student_ids, start: datetime.date, end: datetime.date, fractions: Fractions = DEFAULT
):
    """{student_id: AttendanceTotals}; students without instructional time get zeros."""
    records = daily_records(student_ids, start, end, fractions)
    return {sid: totals(records.get(sid, {})) for sid in student_ids}


def day_statuses(
    student_ids, start: datetime.date, end: datetime.date, fractions: Fractions = DEFAULT
):
    """{student_id: {date: DayStatus}} for the school days of each student."""
    records = daily_records(student_ids, start, end, fractions)
    return {
        sid: {day: record.status for day, record in records.get(sid, {}).items()}
        for sid in student_ids
    }
