"""Set-based detection of threshold episodes (spec §4) in the database.

One pass builds a temporary table of student school days (lessons scheduled while
enrolled, absences by reason, lateness) for the students who have any mark in the
window, then grouped queries find:

* streaks with gaps-and-islands: a class's school days are numbered with DENSE_RANK;
  for the days a student missed without a valid reason, ``day_no - ROW_NUMBER()`` is
  constant along a run of consecutive school days. Weekends, holidays, vacations and
  quarantine have no lessons, so they neither break nor extend a streak; a day attended
  or excused breaks it; enrollment dates bound it (a transfer starts a new run);
* monthly and per-term hours and shares of instructional time with grouped sums;
* weeks missed and systematic lateness per ISO week;
* the first school day after each vacation.

The result is a list of raw episodes with evidence; ``alerts.rules`` turns them into
alerts using the school's thresholds. Nothing here loops over students or days in Python.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection


@dataclass(frozen=True)
class Streak:
    student_id: int
    school_class_id: int
    start: datetime.date
    end: datetime.date
    length: int
    dates: tuple[datetime.date, ...] = field(compare=False)


@dataclass(frozen=True)
class UnknownDay:
    student_id: int
    school_class_id: int
    date: datetime.date
    unknown: int


@dataclass(frozen=True)
class PeriodSum:
    student_id: int
    school_class_id: int
    key: str  # «2026-11» or a term id
    start: datetime.date
    end: datetime.date
    scheduled: int
    without_valid: int


@dataclass(frozen=True)
class WeekRow:
    student_id: int
    school_class_id: int
    week_start: datetime.date
    school_days: int
    days_missed: int
    days_late: int


@dataclass(frozen=True)
class VacationReturn:
    student_id: int
    school_class_id: int
    date: datetime.date
    vacation_id: int


@dataclass
class Detection:
    streaks: list[Streak]
    unknown_streaks: list[Streak]
    unknown_days: list[UnknownDay]
    months: list[PeriodSum]
    terms: list[PeriodSum]
    weeks: list[WeekRow]
    vacation_returns: list[VacationReturn]
    student_ids: frozenset[int]


def _date(value) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


class _Sql:
    """The few expressions that differ between PostgreSQL and SQLite."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"

    def month(self, col: str) -> str:
        return f"to_char({col}, 'YYYY-MM')" if self.postgres else f"strftime('%%Y-%%m', {col})"

    def week_start(self, col: str) -> str:
        if self.postgres:
            return f"({col} - (EXTRACT(ISODOW FROM {col})::int - 1))"
        return (
            f"date({col}, '-' || ((CAST(strftime('%%w', {col}) AS INTEGER) + 6) %% 7) || ' days')"
        )

    def date_list(self, col: str) -> str:
        if self.postgres:
            return f"string_agg(to_char({col}, 'YYYY-MM-DD'), ',' ORDER BY {col})"
        return f"group_concat({col}, ',')"


def _scope(school_ids, student_ids) -> tuple[str, str, list]:
    """SQL conditions on lessons (alias l) and marks (alias m) for the evaluated scope."""
    if student_ids is not None:
        ids = sorted(student_ids)
        lesson_cond = (
            "l.school_class_id IN (SELECT school_class_id FROM schools_enrollment "
            f"WHERE student_id IN ({_placeholders(ids)}))"
        )
        mark_cond = f"m.student_id IN ({_placeholders(ids)})"
        return lesson_cond, mark_cond, ids
    if school_ids is not None:
        ids = sorted(school_ids)
        return (
            f"l.school_id IN ({_placeholders(ids)})",
            f"m.school_id IN ({_placeholders(ids)})",
            ids,
        )
    return "1 = 1", "1 = 1", []


def detect(
    *,
    start: datetime.date,
    end: datetime.date,
    school_ids: Iterable[int] | None = None,
    student_ids: Iterable[int] | None = None,
    min_streak: int = 3,
    min_hours: int = 24,
    min_percent: int = 30,
) -> Detection:
    """Find the raw episodes in [start, end] for some schools, some students, or everyone.

    The ``min_*`` cut-offs only prune rows that no school's thresholds could use; callers
    pass the lowest values of the schools evaluated.
    """
    sql = _Sql()
    lesson_cond, mark_cond, ids = _scope(
        list(school_ids) if school_ids is not None else None,
        list(student_ids) if student_ids is not None else None,
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS eval_days")
        cursor.execute("DROP TABLE IF EXISTS eval_class_days")
        cursor.execute(
            f"""
            CREATE TEMPORARY TABLE eval_days AS
            SELECT e.student_id, e.school_class_id, l.date, COUNT(*) AS lessons,
                   SUM(CASE WHEN m.kind = 'absent' AND m.reason_status = 'valid' THEN 1 ELSE 0 END) AS valid,
                   SUM(CASE WHEN m.kind = 'absent' AND m.reason_status = 'invalid' THEN 1 ELSE 0 END) AS invalid,
                   SUM(CASE WHEN m.kind = 'absent' AND m.reason_status = 'unknown' THEN 1 ELSE 0 END) AS unknown,
                   SUM(CASE WHEN m.kind = 'late' THEN 1 ELSE 0 END) AS late
            FROM journal_lesson l
            JOIN schools_enrollment e
              ON e.school_class_id = l.school_class_id
             AND e.start_date <= l.date
             AND (e.end_date IS NULL OR e.end_date >= l.date)
            LEFT JOIN journal_mark m ON m.lesson_id = l.id AND m.student_id = e.student_id
            WHERE l.status = 'scheduled' AND l.date >= %s AND l.date <= %s AND {lesson_cond}
              AND e.student_id IN (
                    SELECT DISTINCT m.student_id FROM journal_mark m
                    WHERE m.date >= %s AND m.date <= %s AND {mark_cond})
              AND (l.group_id IS NULL OR EXISTS (
                    SELECT 1 FROM schools_classgroup_students g
                    WHERE g.classgroup_id = l.group_id AND g.student_id = e.student_id))
            GROUP BY e.student_id, e.school_class_id, l.date
            """,
            [start, end, *ids, start, end, *ids],
        )
        cursor.execute(
            """
            CREATE TEMPORARY TABLE eval_class_days AS
            SELECT school_class_id, date,
                   DENSE_RANK() OVER (PARTITION BY school_class_id ORDER BY date) AS day_no
            FROM (SELECT DISTINCT l.school_class_id, l.date FROM journal_lesson l
                  WHERE l.status = 'scheduled' AND l.date >= %s AND l.date <= %s
                    AND l.school_class_id IN (SELECT DISTINCT school_class_id FROM eval_days)) c
            """,
            [start, end],
        )
        cursor.execute("CREATE INDEX eval_days_idx ON eval_days (school_class_id, date)")
        cursor.execute(
            "CREATE INDEX eval_class_days_idx ON eval_class_days (school_class_id, date)"
        )
        if sql.postgres:
            cursor.execute("ANALYZE eval_days")
            cursor.execute("ANALYZE eval_class_days")
        try:
            return Detection(
                streaks=_islands(
                    cursor, sql, "(d.invalid + d.unknown) * 2 > d.lessons", min_streak
                ),
                unknown_streaks=_islands(
                    cursor, sql, "d.unknown = d.lessons AND d.lessons > 0", min_streak
                ),
                unknown_days=_unknown_days(cursor),
                months=_months(cursor, sql, min_hours, min_percent),
                terms=_terms(cursor, min_percent),
                weeks=_weeks(cursor, sql),
                vacation_returns=_vacation_returns(cursor),
                student_ids=_students(cursor),
            )
        finally:
            cursor.execute("DROP TABLE IF EXISTS eval_days")
            cursor.execute("DROP TABLE IF EXISTS eval_class_days")


def _islands(cursor, sql: _Sql, flag: str, min_length: int) -> list[Streak]:
    cursor.execute(
        f"""
        SELECT student_id, school_class_id, MIN(date), MAX(date), COUNT(*), {sql.date_list("date")}
        FROM (
            SELECT d.student_id, d.school_class_id, d.date,
                   c.day_no - ROW_NUMBER() OVER (
                       PARTITION BY d.student_id, d.school_class_id ORDER BY d.date) AS island
            FROM eval_days d
            JOIN eval_class_days c ON c.school_class_id = d.school_class_id AND c.date = d.date
            WHERE {flag}
        ) flagged
        GROUP BY student_id, school_class_id, island
        HAVING COUNT(*) >= %s
        """,
        [min_length],
    )
    return [
        Streak(
            student_id=row[0],
            school_class_id=row[1],
            start=_date(row[2]),
            end=_date(row[3]),
            length=int(row[4]),
            dates=tuple(sorted(_date(d) for d in row[5].split(","))),
        )
        for row in cursor.fetchall()
    ]


def _unknown_days(cursor) -> list[UnknownDay]:
    cursor.execute(
        "SELECT student_id, school_class_id, date, unknown FROM eval_days WHERE unknown > 0"
    )
    return [UnknownDay(r[0], r[1], _date(r[2]), int(r[3])) for r in cursor.fetchall()]


def _months(cursor, sql: _Sql, min_hours: int, min_percent: int) -> list[PeriodSum]:
    month = sql.month("date")
    cursor.execute(
        f"""
        SELECT student_id, MAX(school_class_id), {month} AS month, MIN(date), MAX(date),
               SUM(lessons), SUM(invalid + unknown)
        FROM eval_days
        GROUP BY student_id, {month}
        HAVING SUM(invalid + unknown) >= %s OR 100 * SUM(invalid + unknown) >= %s * SUM(lessons)
        """,
        [min_hours, min_percent],
    )
    return [
        PeriodSum(r[0], r[1], r[2], _date(r[3]), _date(r[4]), int(r[5]), int(r[6]))
        for r in cursor.fetchall()
    ]


def _terms(cursor, min_percent: int) -> list[PeriodSum]:
    cursor.execute(
        """
        SELECT d.student_id, MAX(d.school_class_id), t.id, t.start_date, t.end_date,
               SUM(d.lessons), SUM(d.invalid + d.unknown)
        FROM eval_days d
        JOIN schools_schoolclass sc ON sc.id = d.school_class_id
        JOIN journal_term t ON t.academic_year_id = sc.academic_year_id
                           AND d.date >= t.start_date AND d.date <= t.end_date
        GROUP BY d.student_id, t.id, t.start_date, t.end_date
        HAVING 100 * SUM(d.invalid + d.unknown) >= %s * SUM(d.lessons)
        """,
        [min_percent],
    )
    return [
        PeriodSum(r[0], r[1], str(r[2]), _date(r[3]), _date(r[4]), int(r[5]), int(r[6]))
        for r in cursor.fetchall()
    ]


def _weeks(cursor, sql: _Sql) -> list[WeekRow]:
    week = sql.week_start("date")
    cursor.execute(
        f"""
        SELECT student_id, MAX(school_class_id), {week} AS week, COUNT(*),
               SUM(CASE WHEN (invalid + unknown) * 2 > lessons THEN 1 ELSE 0 END),
               SUM(CASE WHEN late > 0 THEN 1 ELSE 0 END)
        FROM eval_days
        GROUP BY student_id, {week}
        HAVING 2 * SUM(CASE WHEN (invalid + unknown) * 2 > lessons THEN 1 ELSE 0 END) > COUNT(*)
            OR 2 * SUM(CASE WHEN late > 0 THEN 1 ELSE 0 END) >= COUNT(*)
        """,
        [],  # params given so that «%%» is unescaped on every backend
    )
    return [
        WeekRow(r[0], r[1], _date(r[2]), int(r[3]), int(r[4]), int(r[5])) for r in cursor.fetchall()
    ]


def _vacation_returns(cursor) -> list[VacationReturn]:
    cursor.execute(
        """
        SELECT d.student_id, d.school_class_id, d.date, v.id
        FROM eval_days d
        JOIN schools_schoolclass sc ON sc.id = d.school_class_id
        JOIN journal_vacation v ON v.academic_year_id = sc.academic_year_id
                               AND sc.grade >= v.grade_from AND sc.grade <= v.grade_to
        WHERE d.unknown > 0
          AND (d.valid + d.invalid + d.unknown) * 2 > d.lessons
          AND d.date = (SELECT MIN(c.date) FROM eval_class_days c
                        WHERE c.school_class_id = d.school_class_id AND c.date > v.end_date)
        """
    )
    return [VacationReturn(r[0], r[1], _date(r[2]), r[3]) for r in cursor.fetchall()]


def _students(cursor) -> frozenset[int]:
    cursor.execute("SELECT DISTINCT student_id FROM eval_days")
    return frozenset(r[0] for r in cursor.fetchall())
