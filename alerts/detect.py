"""Set-based detection of threshold episodes (spec §4) in the database.

It reads the class days and student days that triggers keep up to date
(``alerts.facts``): one pass numbers the school days of each class (days with scheduled
lessons) and joins them to the student days that carry marks (absences by reason,
lateness, and the student's lessons that day: enrolled, group lessons only for members).
Days without marks are attended days, so they need no row: a gap in the day numbers
breaks a streak. Grouped queries then find:

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
import re
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection

from journal.units import Fractions

WORK_MEM = "64MB"  # of the full evaluation's session, reset afterwards

# A day missed without a valid reason (seed 002 §2.7) on a row of eval_days (alias d).
DAY_MISSED_WITHOUT_VALID = (
    "(d.invalid + d.unknown) * d.day_denominator > d.day_numerator * d.lessons"
)


@dataclass(slots=True)  # not frozen: built by the hundred thousand per run
class Streak:
    student_id: int
    school_class_id: int
    start: datetime.date
    end: datetime.date
    length: int
    dates: tuple[datetime.date, ...] = field(compare=False)


@dataclass(slots=True)
class UnknownDay:
    student_id: int
    school_class_id: int
    date: datetime.date
    unknown: int


@dataclass(slots=True)
class PeriodSum:
    student_id: int
    school_class_id: int
    key: str  # «2026-11» or a term id
    start: datetime.date
    end: datetime.date
    scheduled: int | None  # None when the share cannot be reached (pruned)
    without_valid: int


@dataclass(slots=True)
class WeekRow:
    student_id: int
    school_class_id: int
    week_start: datetime.date
    school_days: int
    days_missed: int
    days_late: int


@dataclass(slots=True)
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

    def month_start(self, col: str) -> str:
        if self.postgres:  # date arithmetic; date_trunc would go through timestamptz
            return f"({col} - (EXTRACT(DAY FROM {col})::int - 1))"
        return f"date({col}, 'start of month')"

    def month_end(self, month_start: str) -> str:
        """The last day of the month that starts on ``month_start``."""
        if self.postgres:
            return f"(CAST({month_start} + interval '1 month' AS date) - 1)"
        return f"date({month_start}, '+1 month', '-1 day')"

    def plus_days(self, expr: str, days: int) -> str:
        return f"({expr} + {days})" if self.postgres else f"date({expr}, '+{days} days')"

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


def _scope(school_ids, student_ids, postgres: bool) -> tuple[str, str, list]:
    """SQL conditions on class days (alias c) and student days (alias d) for the evaluated
    scope, and their parameters (used once by each condition)."""
    if student_ids is not None:
        ids = sorted(student_ids)
        # On PostgreSQL one array parameter keeps the statement's text (and so its
        # prepared plan) the same whatever the number of students.
        students = "= ANY(%s)" if postgres else f"IN ({_placeholders(ids)})"
        class_cond = (
            "c.school_class_id IN (SELECT school_class_id FROM schools_enrollment "
            f"WHERE student_id {students})"
        )
        return class_cond, f"d.student_id {students}", [ids] if postgres else ids
    if school_ids is not None:
        ids = sorted(school_ids)
        return (
            f"c.school_id IN ({_placeholders(ids)})",
            f"d.school_id IN ({_placeholders(ids)})",
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
    fractions: dict[int, Fractions] | None = None,
) -> Detection:
    """Find the raw episodes in [start, end] for some schools, some students, or everyone.

    The ``min_*`` cut-offs only prune rows that no school's thresholds could use; callers
    pass the lowest values of the schools evaluated. ``fractions`` are the shares that
    define a day missed, a week missed and systematic lateness per school (R-J-5); a
    school not named uses the seed's halves.
    """
    sql = _Sql()
    class_cond, day_cond, ids = _scope(
        list(school_ids) if school_ids is not None else None,
        list(student_ids) if student_ids is not None else None,
        sql.postgres,
    )
    shares = _shares(fractions or {})
    # Class days and student days are kept up to date by triggers (alerts.facts).
    class_days = f"""
        SELECT c.school_class_id, c.date, c.whole, c.grouped,
               ROW_NUMBER() OVER (PARTITION BY c.school_class_id ORDER BY c.date) AS day_no,
               COALESCE(f.day_numerator, 1) AS day_numerator, COALESCE(f.day_denominator, 2) AS day_denominator,
               COALESCE(f.week_numerator, 1) AS week_numerator, COALESCE(f.week_denominator, 2) AS week_denominator,
               COALESCE(f.late_numerator, 1) AS late_numerator, COALESCE(f.late_denominator, 2) AS late_denominator
        FROM alerts_classday c
        LEFT JOIN eval_shares f ON f.school_id = c.school_id
        WHERE c.date >= %s AND c.date <= %s AND {class_cond}
    """
    marked_days = f"""
        SELECT d.student_id, d.school_class_id, d.date, d.valid, d.invalid, d.unknown, d.late,
               d.lessons, c.day_no, c.day_numerator, c.day_denominator, c.week_numerator,
               c.week_denominator, c.late_numerator, c.late_denominator
        FROM alerts_studentday d
        JOIN eval_class_days c ON c.school_class_id = d.school_class_id AND c.date = d.date
        WHERE d.date >= %s AND d.date <= %s AND {day_cond}
    """
    tables = [
        shares,
        ("eval_class_days", class_days, [start, end, *ids]),
        ("eval_days", marked_days, [start, end, *ids]),
    ]
    with connection.cursor() as cursor:
        if student_ids is not None:
            # One student's rows are few: common table expressions spare the catalog
            # writes of temporary tables, which dominate an incremental evaluation.
            db = _Source(cursor, tables, prepare=sql.postgres)
        else:
            db = _Source(cursor, None)
        try:
            if student_ids is None:
                if sql.postgres:
                    # Sets of a whole region: hash aggregates and joins in memory rather
                    # than in batches on disk, and no JIT for queries that run once.
                    cursor.execute(f"SET work_mem = '{WORK_MEM}'")
                    cursor.execute("SET jit = off")
                _create_tables(cursor, sql, tables)
            return Detection(
                streaks=_islands(db, sql, DAY_MISSED_WITHOUT_VALID, min_streak),
                unknown_streaks=_islands(
                    db, sql, "d.unknown = d.lessons AND d.lessons > 0", min_streak
                ),
                unknown_days=_unknown_days(db),
                months=_months(db, sql, min_hours, min_percent, end),
                terms=_terms(db, min_percent, end),
                weeks=_weeks(db, sql, end),
                vacation_returns=_vacation_returns(db),
                student_ids=_students(db),
            )
        finally:
            if student_ids is None:
                _drop_tables(cursor)
                if sql.postgres:
                    cursor.execute("RESET work_mem")
                    cursor.execute("RESET jit")


class _Source:
    """Runs the detection queries against the temporary tables or, given their
    definitions, against common table expressions of the same names.

    With ``prepare`` (PostgreSQL, one student's evaluation) each statement is prepared
    once per connection and executed with its parameters: planning these statements
    costs more than running them on one student's rows.
    """

    def __init__(self, cursor, ctes, *, prepare=False):
        self.cursor = cursor
        self.ctes = ctes or []
        self.prepare = prepare

    def execute(self, query: str, params=(), extra=()):
        ctes = [*self.ctes, *extra]
        if ctes:
            query = (
                "WITH " + ", ".join(f"{name} AS ({body})" for name, body, _ in ctes) + " " + query
            )
        values = [p for *_, values in ctes for p in values] + list(params)
        if self.prepare:
            _execute_prepared(self.cursor, query, values)
        else:
            self.cursor.execute(query, values)

    def fetchall(self):
        return self.cursor.fetchall()


_PG_TYPES = {bool: "boolean", int: "bigint", str: "text", datetime.date: "date"}


def _pg_type(value) -> str | None:
    if isinstance(value, list):
        return "bigint[]" if all(type(item) is int for item in value) else None
    return _PG_TYPES.get(type(value))


_PLACEHOLDER = re.compile(r"%s|%%")
# Statements prepared on each database connection (a new connection starts empty).
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _execute_prepared(cursor, query: str, values: list) -> None:
    types = tuple(_pg_type(value) for value in values)
    if None in types:
        cursor.execute(query, values)  # a parameter we cannot type: plan it each time
        return
    raw = cursor.db.connection  # the DB-API connection this statement runs on
    names = _prepared.setdefault(raw, {})
    name = names.get((query, types))
    if name is None:
        counter = iter(range(1, len(values) + 1))
        numbered = _PLACEHOLDER.sub(lambda m: "%" if m[0] == "%%" else f"${next(counter)}", query)
        name = f"eval_{len(names) + 1}"
        signature = f" ({', '.join(types)})" if types else ""
        cursor.execute(f"PREPARE {name}{signature} AS {numbered}")
        names[(query, types)] = name
    arguments = f" ({', '.join(['%s'] * len(values))})" if values else ""
    cursor.execute(f"EXECUTE {name}{arguments}", values)


def _drop_tables(cursor) -> None:
    for name in ("eval_days", "eval_class_days", "eval_shares"):
        cursor.execute(f"DROP TABLE IF EXISTS {name}")


def _shares(fractions: dict[int, Fractions]):
    """The schools' shares as a table body; integer numerators and denominators keep the
    comparisons exact on every backend."""
    rows = [
        (school_id, f.day.numerator, f.day.denominator, f.week.numerator, f.week.denominator)
        + (f.lateness.numerator, f.lateness.denominator)
        for school_id, f in sorted(fractions.items())
    ] or [(0, 1, 2, 1, 2, 1, 2)]
    columns = (
        "school_id",
        "day_numerator",
        "day_denominator",
        "week_numerator",
        "week_denominator",
        "late_numerator",
        "late_denominator",
    )
    first = "SELECT " + ", ".join(f"%s AS {c}" for c in columns)
    rest = " UNION ALL SELECT " + ", ".join(["%s"] * len(columns))
    body = first + rest * (len(rows) - 1)
    return ("eval_shares", body, [value for row in rows for value in row])


def _create_tables(cursor, sql: _Sql, tables) -> None:
    _drop_tables(cursor)
    for name, body, params in tables:
        cursor.execute(f"CREATE TEMPORARY TABLE {name} AS {body}", params)
    cursor.execute("CREATE INDEX eval_class_days_idx ON eval_class_days (school_class_id, date)")
    if sql.postgres:
        cursor.execute("ANALYZE eval_days")
        cursor.execute("ANALYZE eval_class_days")


# Instructional time of students over candidate periods (alias p: student_id, period_key,
# period_start, period_end): whole-class lessons plus the lessons of their groups, on the class days
# they were enrolled. Only the periods the marks alone cannot rule out are candidates.
_SCHEDULED = """
    SELECT p.student_id, p.period_key,
           SUM(c.whole + CASE WHEN c.grouped = 0 THEN 0 ELSE (
               SELECT COUNT(*) FROM journal_lesson gl
               JOIN schools_classgroup_students g
                 ON g.classgroup_id = gl.group_id AND g.student_id = e.student_id
               WHERE gl.school_class_id = c.school_class_id AND gl.date = c.date
                 AND gl.status = 'scheduled') END) AS lessons,
           SUM(CASE WHEN c.whole > 0 OR EXISTS (
               SELECT 1 FROM journal_lesson gl
               JOIN schools_classgroup_students g
                 ON g.classgroup_id = gl.group_id AND g.student_id = e.student_id
               WHERE gl.school_class_id = c.school_class_id AND gl.date = c.date
                 AND gl.status = 'scheduled') THEN 1 ELSE 0 END) AS days
    FROM eval_candidates p
    JOIN schools_enrollment e ON e.student_id = p.student_id
    JOIN eval_class_days c ON c.school_class_id = e.school_class_id
     AND c.date >= e.start_date AND (e.end_date IS NULL OR c.date <= e.end_date)
     AND c.date >= p.period_start AND c.date <= p.period_end
    WHERE {only}
    GROUP BY p.student_id, p.period_key
"""


def _with_scheduled(db, candidates: str, params=(), only: str = "1 = 1"):
    """Rows of ``candidates`` (student_id, period_key, period_start, period_end, …) followed by the lessons
    and school days of each period, in one statement: no round trip per candidate."""
    db.execute(
        """
        SELECT p.*, COALESCE(s.lessons, 0), COALESCE(s.days, 0)
        FROM eval_candidates p
        LEFT JOIN eval_scheduled s ON s.student_id = p.student_id AND s.period_key = p.period_key
        """,
        extra=[
            ("eval_candidates", candidates, list(params)),
            ("eval_scheduled", _SCHEDULED.format(only=only), []),
        ],
    )
    return db.fetchall()


def _islands(db, sql: _Sql, flag: str, min_length: int) -> list[Streak]:
    db.execute(
        f"""
        SELECT student_id, school_class_id, MIN(date), MAX(date), COUNT(*), {sql.date_list("date")}
        FROM (
            SELECT d.student_id, d.school_class_id, d.date,
                   d.day_no - ROW_NUMBER() OVER (
                       PARTITION BY d.student_id, d.school_class_id ORDER BY d.date) AS island
            FROM eval_days d
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
        for row in db.fetchall()
    ]


def _unknown_days(db) -> list[UnknownDay]:
    db.execute("SELECT student_id, school_class_id, date, unknown FROM eval_days WHERE unknown > 0")
    return [UnknownDay(r[0], r[1], _date(r[2]), int(r[3])) for r in db.fetchall()]


def _months(
    db, sql: _Sql, min_hours: int, min_percent: int, as_of: datetime.date
) -> list[PeriodSum]:
    """Monthly hours without a valid reason. The share of instructional time is judged
    once the month is over; the lessons of the marked days are a lower bound of the
    month's instructional time, so a month below the share on them alone cannot reach it.
    The exact time is computed for the rest only."""
    month = sql.month_start("date")
    reachable = f"{sql.month_end(month)} < %s AND 100 * SUM(invalid + unknown) >= %s * SUM(lessons)"
    rows = _with_scheduled(
        db,
        f"""
        SELECT student_id, {month} AS period_key, {month} AS period_start, {sql.month_end(month)} AS period_end,
               MAX(school_class_id) AS class_id, MIN(date) AS first_day, MAX(date) AS last_day,
               SUM(invalid + unknown) AS missed,
               CASE WHEN {reachable} THEN 1 ELSE 0 END AS maybe_percent
        FROM eval_days
        GROUP BY student_id, {month}
        HAVING SUM(invalid + unknown) >= %s OR ({reachable})
        """,
        [as_of, min_percent, min_hours, as_of, min_percent],
        only="p.maybe_percent = 1",
    )
    return [
        PeriodSum(
            student_id,
            class_id,
            str(key)[:7],
            _date(first),
            _date(last),
            int(lessons) if maybe_percent else None,
            int(missed),
        )
        for student_id, key, _s, _e, class_id, first, last, missed, maybe_percent, lessons, _d in rows
    ]


def _terms(db, min_percent: int, as_of: datetime.date) -> list[PeriodSum]:
    """Shares of instructional time in the terms that are over."""
    rows = _with_scheduled(
        db,
        """
        SELECT d.student_id, t.id AS period_key, t.start_date AS period_start, t.end_date AS period_end,
               MAX(d.school_class_id) AS class_id, SUM(d.invalid + d.unknown) AS missed
        FROM eval_days d
        JOIN schools_schoolclass sc ON sc.id = d.school_class_id
        JOIN journal_term t ON t.academic_year_id = sc.academic_year_id
                           AND d.date >= t.start_date AND d.date <= t.end_date
        WHERE t.end_date < %s
        GROUP BY d.student_id, t.id, t.start_date, t.end_date
        HAVING 100 * SUM(d.invalid + d.unknown) >= %s * SUM(d.lessons)
        """,
        [as_of, min_percent],
    )
    return [
        PeriodSum(sid, cls, str(term), _date(first), _date(last), int(lessons), int(missed))
        for sid, term, first, last, cls, missed, lessons, _days in rows
    ]


def _weeks(db, sql: _Sql, as_of: datetime.date) -> list[WeekRow]:
    """Weeks missed and systematic lateness, judged once the week is over; marked days
    bound the week's school days from below, which prunes every week that cannot qualify
    before its school days are counted."""
    week = sql.week_start("date")
    rows = _with_scheduled(
        db,
        f"""
        SELECT student_id, {week} AS period_key, {week} AS period_start, {sql.plus_days(week, 6)} AS period_end,
               MAX(school_class_id) AS class_id,
               SUM(CASE WHEN {DAY_MISSED_WITHOUT_VALID} THEN 1 ELSE 0 END) AS missed,
               SUM(CASE WHEN late > 0 THEN 1 ELSE 0 END) AS late_days
        FROM eval_days d
        GROUP BY student_id, {week}
        -- Pruning only: MIN(numerator) / MAX(denominator) is at most the share of every
        -- school the student's week touched, so no week a school's share flags is lost.
        HAVING {sql.plus_days(week, 6)} < %s AND (MAX(week_denominator) * SUM(CASE WHEN {DAY_MISSED_WITHOUT_VALID} THEN 1 ELSE 0 END)
                 > MIN(week_numerator) * COUNT(*)
            OR MAX(late_denominator) * SUM(CASE WHEN late > 0 THEN 1 ELSE 0 END)
                 >= MIN(late_numerator) * COUNT(*))
        """,
        [as_of],
    )
    return [
        WeekRow(sid, cls, _date(monday), int(school_days), int(missed), int(late))
        for sid, monday, _s, _e, cls, missed, late, _lessons, school_days in rows
    ]


def _vacation_returns(db) -> list[VacationReturn]:
    db.execute(
        """
        SELECT d.student_id, d.school_class_id, d.date, v.id
        FROM eval_days d
        JOIN schools_schoolclass sc ON sc.id = d.school_class_id
        JOIN journal_vacation v ON v.academic_year_id = sc.academic_year_id
                               AND sc.grade >= v.grade_from AND sc.grade <= v.grade_to
        WHERE d.unknown > 0
          AND (d.valid + d.invalid + d.unknown) * d.day_denominator > d.day_numerator * d.lessons
          AND d.date = (SELECT MIN(c.date) FROM eval_class_days c
                        WHERE c.school_class_id = d.school_class_id AND c.date > v.end_date)
        """
    )
    return [VacationReturn(r[0], r[1], _date(r[2]), r[3]) for r in db.fetchall()]


def _students(db) -> frozenset[int]:
    db.execute("SELECT DISTINCT student_id FROM eval_days")
    return frozenset(r[0] for r in db.fetchall())
