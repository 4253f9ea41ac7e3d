"""Set-based detection of threshold episodes (spec §4) in the database.

It reads the class days and student days that triggers keep up to date
(``alerts.facts``): the school days of each class (days with scheduled lessons), numbered
in date order, and the student days that carry marks (absences by reason, lateness, and
the student's lessons that day: enrolled, group lessons only for members) with the
number of their class day. Days without marks are attended days, so they need no row: a
gap in the day numbers breaks a streak. Days whose only marks are absences for a valid
reason count towards no rule either (they break streaks and add no hours), so they are
not read. Grouped queries then find:

* streaks with gaps-and-islands: for the days a student missed without a valid reason,
  the class day's number minus their ROW_NUMBER() is constant along a run of
  consecutive school days. Weekends, holidays, vacations and quarantine have no
  lessons, so they neither break nor extend a streak; a day attended or excused breaks
  it; enrollment dates bound it (a transfer starts a new run);
* monthly and per-term hours and shares of instructional time with grouped sums;
* weeks missed and systematic lateness per ISO week;
* the first school day after each vacation.

Each row found is compared in the same statement with the open alerts built from it (a
fingerprint of the row is their digest), so the result holds only the episodes that
changed, with their evidence, and the alerts whose episode is gone; ``alerts.thresholds``
turns the rows into alerts using the school's thresholds. Nothing here loops over
students or days in Python, and in the steady state almost nothing reaches Python.
"""

import datetime
import re
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection

from journal.units import Fractions
from policy.catalog import HOURS_BANDS

from .facts import GROUP_LESSONS
from .models import Rule

# PostgreSQL session settings of each kind of evaluation, reset afterwards.
# Sets of a whole region: hash aggregates and joins in memory rather than in batches on
# disk, and no JIT for queries that run once.
_REGION_SESSION = {"work_mem": "64MB", "jit": "off"}
# One student's prepared statements planned once for any student: left to choose,
# PostgreSQL plans each execution again (custom plans, ~3 ms a statement), which costs
# more than running them on one student's rows.
_STUDENT_SESSION = {"plan_cache_mode": "force_generic_plan"}

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
    episode: str
    fp: str  # fingerprint of everything the rules read from the row (see _diff)


@dataclass(slots=True)
class UnknownDay:
    student_id: int
    school_class_id: int
    date: datetime.date
    unknown: int
    episode: str
    fp: str


@dataclass(slots=True)
class PeriodSum:
    student_id: int
    school_class_id: int
    key: str  # «2026-11» or a term id
    start: datetime.date
    end: datetime.date
    scheduled: int | None  # None when the share cannot be reached (pruned)
    without_valid: int
    episode: str
    fp: str


@dataclass(slots=True)
class WeekRow:
    student_id: int
    school_class_id: int
    week_start: datetime.date
    school_days: int
    days_missed: int
    days_late: int
    episode: str
    fp: str


@dataclass(slots=True)
class VacationReturn:
    student_id: int
    school_class_id: int
    date: datetime.date
    vacation_id: int
    episode: str
    fp: str


@dataclass
class Detection:
    streaks: list[Streak]
    unknown_streaks: list[Streak]
    unknown_days: list[UnknownDay]
    months: list[PeriodSum]
    terms: list[PeriodSum]
    weeks: list[WeekRow]
    vacation_returns: list[VacationReturn]
    # Open alerts in the scope whose episode is no longer found at all.
    vanished: list[int]

    def considered(self) -> set[tuple[int, str, str]]:
        """The (student, rule, episode) keys of the rows found changed: their alerts are
        brought in line with the rules; every other alert in the scope is up to date."""
        return {
            (row.student_id, rule, row.episode)
            for category, rules in CATEGORY_RULES.items()
            for row in getattr(self, category)
            for rule in rules
        }


# The rules each kind of row can fire; an alert's episode is its row's episode.
CATEGORY_RULES = {
    "streaks": (Rule.STREAK_INVITE, Rule.STREAK_MEMO, Rule.STREAK_HOME_VISIT),
    "unknown_streaks": (Rule.CRITERION_22,),
    "unknown_days": (Rule.UNKNOWN_REASON,),
    "months": (Rule.SYSTEMATIC_ABSENCE, Rule.LONG_ABSENCE, Rule.INSTRUCTIONAL_TIME_MONTH),
    "terms": (Rule.INSTRUCTIONAL_TIME_TERM,),
    "weeks": (Rule.WEEK_MISSED, Rule.SYSTEMATIC_LATENESS),
    "vacation_returns": (Rule.NOT_BACK_AFTER_VACATION,),
}


def _date(value) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


# SQL expressions the queries below share (PostgreSQL).


def _month_start(col: str) -> str:
    # Date arithmetic: date_trunc would go through timestamptz.
    return f"({col} - (EXTRACT(DAY FROM {col})::int - 1))"


def _month_end(month_start: str) -> str:
    """The last day of the month that starts on ``month_start``."""
    return f"(CAST({month_start} + interval '1 month' AS date) - 1)"


def _plus_days(expr: str, days: int) -> str:
    return f"({expr} + {days})"


def _week_start(col: str) -> str:
    # 1 January 1900 was a Monday; EXTRACT(ISODOW) is numeric, 4× slower.
    return f"({col} - ({col} - DATE '1900-01-01') %% 7)"


def _fingerprint(*exprs: str) -> str:
    """A 64-bit hash of the values joined by «|», as text. hashtextextended costs a seventh
    of md5, which showed in the profile: every row found is fingerprinted on every run."""
    text = " || '|' || ".join(f"COALESCE(CAST({e} AS TEXT), '')" for e in exprs)
    return f"CAST(hashtextextended({text}, 0) AS TEXT)"


def _date_list(col: str) -> str:
    return f"string_agg(to_char({col}, 'YYYY-MM-DD'), ',' ORDER BY {col})"


def _scope(school_ids, student_ids) -> tuple[dict[str, str], list]:
    """SQL conditions on class days (alias c), student days (alias d), alerts (alias a) and
    enrollments (alias e) for the evaluated scope, and their parameters (used once by each condition)."""
    if student_ids is not None:
        ids = sorted(student_ids)
        # One array parameter keeps the statement's text (and so its prepared plan) the
        # same whatever the number of students.
        students = "= ANY(%s)"
        conditions = {
            "c": "c.school_class_id IN (SELECT school_class_id FROM schools_enrollment "
            f"WHERE student_id {students})",
            "d": f"d.student_id {students}",
            "a": f"a.student_id {students}",
            "e": f"e.student_id {students}",
        }
        return conditions, [ids]
    if school_ids is not None:
        ids = sorted(school_ids)
        return {alias: f"{alias}.school_id IN ({_placeholders(ids)})" for alias in "cdae"}, ids
    return dict.fromkeys("cdae", "1 = 1"), []


@dataclass(frozen=True)
class SchoolInputs:
    """What the detection needs of a school's settings."""

    fractions: Fractions  # a day missed, a week missed, systematic lateness (R-J-5)
    # Monthly hours from which each band of HOURS_BANDS is systematic (seed 002 §2.12).
    hours_from: tuple[int, ...] = ()
    fingerprint: str = ""  # changes whenever any threshold of the school changes
    day_closed: bool = False  # the unknown-reason deadline of the evaluated day has passed


def detect(
    *,
    start: datetime.date,
    end: datetime.date,
    school_ids: Iterable[int] | None = None,
    student_ids: Iterable[int] | None = None,
    min_streak: int = 3,
    min_unknown_streak: int = 11,
    min_hours: int = 24,
    min_percent: int = 30,
    schools: dict[int, SchoolInputs] | None = None,
) -> Detection:
    """Find the raw episodes in [start, end] for some schools, some students, or everyone,
    as of ``end``, that differ from what the open alerts of the scope were built from.

    Each row carries a fingerprint of everything the rules read from it (its numbers,
    dates, class and the school's thresholds); the alerts built from a row store it as
    their digest. Rows whose open alerts carry their fingerprint are unchanged and are
    not returned, so the rules and the sync in Python handle only what changed; open
    alerts whose episode is no longer found at all come back as ``vanished``.

    The ``min_*`` cut-offs only prune rows that no school's thresholds could use; callers
    pass the lowest values of the schools evaluated. ``schools`` gives each school's
    shares, monthly hours by grade band, thresholds fingerprint and unknown-reason
    deadline; a school not named uses the seed's halves and ``min_hours``.
    """
    conditions, ids = _scope(
        list(school_ids) if school_ids is not None else None,
        list(student_ids) if student_ids is not None else None,
    )
    # Class days and student days are kept up to date, numbered, by triggers (alerts.facts).
    class_days = f"""
        SELECT c.school_class_id, c.date, c.whole, c.grouped FROM alerts_classday c
        WHERE c.date >= %s AND c.date <= %s AND {conditions["c"]}
    """
    marked_days = f"""
        SELECT d.student_id, d.school_class_id, d.date, d.valid, d.invalid, d.unknown, d.late,
               d.lessons, d.day_no, sc.grade,
               COALESCE(f.day_numerator, 1) AS day_numerator, COALESCE(f.day_denominator, 2) AS day_denominator,
               COALESCE(f.week_numerator, 1) AS week_numerator, COALESCE(f.week_denominator, 2) AS week_denominator,
               COALESCE(f.late_numerator, 1) AS late_numerator, COALESCE(f.late_denominator, 2) AS late_denominator,
               COALESCE(f.config, 0) AS config, COALESCE(f.closed, 0) AS closed,
               COALESCE({_HOURS_FROM}, %s) AS hours_from
        FROM alerts_studentday d
        JOIN schools_schoolclass sc ON sc.id = d.school_class_id
        LEFT JOIN eval_schools f ON f.school_id = d.school_id
        WHERE d.date >= %s AND d.date <= %s AND {conditions["d"]}
          AND (d.invalid + d.unknown > 0 OR d.late > 0)
    """
    enrollments = f"""
        SELECT e.student_id, e.school_class_id, e.start_date, e.end_date
        FROM schools_enrollment e
        WHERE e.start_date <= %s AND (e.end_date IS NULL OR e.end_date >= %s) AND {conditions["e"]}
    """
    tables = [
        _schools_table(schools or {}),
        ("eval_days", marked_days, [min_hours, start, end, *ids]),
        ("eval_enrollments", enrollments, [end, start, *ids]),
    ]
    # Read in place by the few statements that need a class's school days.
    views = [("eval_class_days", class_days, [start, end, *ids])]
    # The open alerts of the scope that the rows are compared with ({rules}: a category's).
    current = (
        f"""
        SELECT a.id, a.student_id, a.period_start, a.digest FROM alerts_alert a
        WHERE a.status = 'open' AND a.rule IN ({{rules}}) AND {conditions["a"]}
          AND a.period_end >= %s
        """,
        [*ids, start],
    )
    with connection.cursor() as cursor:
        if student_ids is not None:
            # One student's rows are few: common table expressions spare the catalog
            # writes of temporary tables, which dominate an incremental evaluation.
            db = _Source(cursor, [*tables, *views], current, prepare=True)
        else:
            db = _Source(cursor, views, current, inline={name for name, *_ in views})
        session = _STUDENT_SESSION if student_ids is not None else _REGION_SESSION
        try:
            for name, value in session.items():
                cursor.execute(f"SET {name} = '{value}'")
            if student_ids is None:
                _create_tables(cursor, tables)
            vanished: list[int] = []
            return Detection(
                streaks=_islands(db, DAY_MISSED_WITHOUT_VALID, min_streak, "streaks", vanished),
                unknown_streaks=_islands(
                    db,
                    "d.unknown = d.lessons AND d.lessons > 0",
                    min_unknown_streak,
                    "unknown_streaks",
                    vanished,
                ),
                unknown_days=_unknown_days(db, end, vanished),
                months=_months(db, min_percent, end, vanished),
                terms=_terms(db, min_percent, end, vanished),
                weeks=_weeks(db, end, vanished),
                vacation_returns=_vacation_returns(db, vanished),
                vanished=vanished,
            )
        finally:
            if student_ids is None:
                _drop_tables(cursor)
            for name in session:
                cursor.execute(f"RESET {name}")


class _Source:
    """Runs the detection queries against the temporary tables or, given their
    definitions, against common table expressions of the same names.

    With ``prepare`` (one student's evaluation) each statement is prepared
    once per connection and executed with its parameters: planning these statements
    costs more than running them on one student's rows.
    """

    def __init__(self, cursor, ctes, current: tuple[str, list], *, prepare=False, inline=()):
        self.cursor = cursor
        self.ctes = ctes or []
        self.current = current  # the open alerts' query and its parameters (see _diff)
        self.prepare = prepare
        # Read in place wherever they are named: a whole region's class days would
        # otherwise be computed in full first by a statement naming them twice. One
        # student's few class days are better computed once per statement.
        self.inline = frozenset(inline)

    def execute(self, query: str, params=(), extra=()):
        ctes = [*self.ctes, *extra]
        if ctes:
            query = (
                "WITH "
                + ", ".join(f"{name} AS {self._fence(name)}({body})" for name, body, _ in ctes)
                + " "
                + query
            )
        values = [p for *_, values in ctes for p in values] + list(params)
        if self.prepare:
            _execute_prepared(self.cursor, query, values)
        else:
            self.cursor.execute(query, values)

    def fetchall(self):
        return self.cursor.fetchall()

    def _fence(self, name: str) -> str:
        if name in _MATERIALIZED:
            return "MATERIALIZED "
        return "NOT MATERIALIZED " if name in self.inline else ""


# Computed once and joined as they are: the planner cannot size them and, left to
# reorder the joins, once crossed every candidate with every class's period.
_MATERIALIZED = frozenset({"eval_covered"})


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
    for name in ("eval_enrollments", "eval_days", "eval_schools"):
        cursor.execute(f"DROP TABLE IF EXISTS {name}")


_HOURS_COLUMNS = tuple(f"hours_{n}" for n in range(1, len(HOURS_BANDS) + 1))
# The systematic monthly hours of a student day's grade band at its school (f, sc).
_HOURS_FROM = (
    "CASE "
    + " ".join(
        f"WHEN sc.grade >= {low} AND sc.grade <= {high} THEN CAST(f.{column} AS INTEGER)"
        for (low, high, _band), column in zip(HOURS_BANDS, _HOURS_COLUMNS, strict=True)
    )
    + " END"
)


def _schools_table(schools: dict[int, SchoolInputs]):
    """The schools' inputs as a table body; integer numerators and denominators keep the
    comparisons exact. The thresholds fingerprint is kept as an integer
    (its first 60 bits): every student day carries it into aggregates and row
    fingerprints, where text costs more (collation-aware MAX, wider rows)."""
    rows = [
        (school_id, i.fractions.day.numerator, i.fractions.day.denominator)
        + (i.fractions.week.numerator, i.fractions.week.denominator)
        + (i.fractions.lateness.numerator, i.fractions.lateness.denominator)
        + (int(i.fingerprint[:15] or "0", 16), 1 if i.day_closed else 0)
        + (i.hours_from or (None,) * len(HOURS_BANDS))
        for school_id, i in sorted(schools.items())
    ] or [(0, 1, 2, 1, 2, 1, 2, 0, 0, *[None] * len(HOURS_BANDS))]
    columns = (
        "school_id",
        "day_numerator",
        "day_denominator",
        "week_numerator",
        "week_denominator",
        "late_numerator",
        "late_denominator",
        "config",
        "closed",
        *_HOURS_COLUMNS,
    )
    first = "SELECT " + ", ".join(f"%s AS {c}" for c in columns)
    rest = " UNION ALL SELECT " + ", ".join(["%s"] * len(columns))
    body = first + rest * (len(rows) - 1)
    return ("eval_schools", body, [value for row in rows for value in row])


# Small tables the planner sizes its joins on: left unanalysed, eval_schools (250 rows)
# was taken for larger than the 86,000 student days joined to it, which were hashed.
_ANALYZED = frozenset({"eval_schools", "eval_enrollments"})


def _create_tables(cursor, tables) -> None:
    _drop_tables(cursor)
    for name, body, params in tables:
        cursor.execute(f"CREATE TEMPORARY TABLE {name} AS {body}", params)
        if name in _ANALYZED:
            cursor.execute(f"ANALYZE {name}")


# Instructional time of students over candidate periods (alias p: student_id, period_key,
# period_start, period_end): whole-class lessons plus the lessons of their groups, on the class days
# they were enrolled. Only the periods the marks alone cannot rule out are candidates.

# Enrollment e and period p (period_start, period_end): e overlaps p, e covers all of p.
_OVERLAPS = "e.start_date <= p.period_end AND (e.end_date IS NULL OR e.end_date >= p.period_start)"
_COVERS = "e.start_date <= p.period_start AND (e.end_date IS NULL OR e.end_date >= p.period_end)"

# Candidate periods with the class of an enrollment that covers the whole period.
_COVERED = f"""
    SELECT p.student_id, p.period_key, p.period_start, p.period_end, e.school_class_id
    FROM eval_candidates p
    JOIN eval_enrollments e ON e.student_id = p.student_id AND {_COVERS}
    WHERE {{only}}
"""
# Per class, the lessons and school days of each candidate period (alias p of
# eval_candidates: student_id, period_key, period_start, period_end, …).
_CLASS_PERIODS = """
    SELECT c.school_class_id, q.period_start, q.period_end,
           SUM(c.whole) AS lessons, SUM(CASE WHEN c.whole > 0 THEN 1 ELSE 0 END) AS days,
           SUM(c.grouped) AS grouped,
           SUM(CASE WHEN c.whole = 0 AND c.grouped > 0 THEN 1 ELSE 0 END) AS group_only_days
    FROM (SELECT DISTINCT p.period_start, p.period_end FROM eval_candidates p WHERE {only}) q
    JOIN eval_class_days c ON c.date >= q.period_start AND c.date <= q.period_end
    GROUP BY c.school_class_id, q.period_start, q.period_end
"""


def _group_lessons(select: str, student: str) -> str:
    """The scheduled lessons of ``student``'s groups on class day c."""
    return GROUP_LESSONS.format(
        select=select, student=student, klass="c.school_class_id", date="c.date"
    )


# Instructional time of students over candidate periods: whole-class lessons plus the
# lessons of their groups, on the class days they were enrolled. An enrollment covering
# the whole period (nearly all) takes its class's totals, plus its group lessons when the
# class had any; one that starts or ends inside the period is counted day by day.
_SCHEDULED = f"""
    SELECT student_id, period_key, SUM(lessons) AS lessons, SUM(days) AS days FROM (
        SELECT p.student_id, p.period_key,
               w.lessons + CASE WHEN w.grouped = 0 THEN 0 ELSE (
                   SELECT COUNT(*) FROM eval_class_days c
                   JOIN journal_lesson gl ON gl.school_class_id = c.school_class_id
                    AND gl.date = c.date AND gl.status = 'scheduled'
                   JOIN schools_classgroup_students g
                     ON g.classgroup_id = gl.group_id AND g.student_id = p.student_id
                   WHERE c.school_class_id = w.school_class_id AND c.grouped > 0
                     AND c.date >= p.period_start AND c.date <= p.period_end) END AS lessons,
               w.days + CASE WHEN w.group_only_days = 0 THEN 0 ELSE (
                   SELECT COUNT(*) FROM eval_class_days c
                   WHERE c.school_class_id = w.school_class_id AND c.whole = 0
                     AND c.date >= p.period_start AND c.date <= p.period_end
                     AND EXISTS ({_group_lessons("1", "p.student_id")})) END
                 AS days
        FROM eval_covered p
        JOIN eval_class_periods w ON w.school_class_id = p.school_class_id
         AND w.period_start = p.period_start AND w.period_end = p.period_end
        UNION ALL
        SELECT p.student_id, p.period_key,
               c.whole + CASE WHEN c.grouped = 0 THEN 0 ELSE (
                   {_group_lessons("COUNT(*)", "e.student_id")}) END,
               CASE WHEN c.whole > 0 OR EXISTS (
                   {_group_lessons("1", "e.student_id")}) THEN 1 ELSE 0 END
        FROM eval_candidates p
        JOIN eval_enrollments e ON e.student_id = p.student_id
         AND {_OVERLAPS} AND NOT ({_COVERS})
        JOIN eval_class_days c ON c.school_class_id = e.school_class_id
         AND c.date >= e.start_date AND (e.end_date IS NULL OR c.date <= e.end_date)
         AND c.date >= p.period_start AND c.date <= p.period_end
        WHERE {{only}}
    ) x
    GROUP BY student_id, period_key
"""


def _diff(db, category: str, found: str, params=(), extra=(), *, vanished: list[int]):
    """Rows of ``found`` (with ``student_id`` first, ``episode_start`` and ``fp`` last) whose
    open alerts do not all carry the row's fingerprint, deduplicated by episode; the ids of
    the category's open alerts whose episode is not found are added to ``vanished``.

    Within a rule an episode is identified by its first day (a streak's, a day's, a
    week's, a month's or a term's), which is the alerts' ``period_start``: the join
    compares dates, and the episode's name is built in Python for the changed rows only.

    One full join of the rows with the category's open alerts does both; only the rows
    that changed travel to Python."""
    rules = ", ".join(f"'{rule}'" for rule in CATEGORY_RULES[category])
    current, current_params = db.current
    db.execute(
        """
        SELECT f.*, c.id FROM eval_found f
        FULL JOIN eval_current c
          ON c.student_id = f.student_id AND c.period_start = f.episode_start
        WHERE f.student_id IS NULL OR c.id IS NULL OR c.digest <> f.fp
        """,
        extra=[
            *extra,
            ("eval_found", found, list(params)),
            ("eval_current", current.format(rules=rules), current_params),
        ],
    )
    rows = {}
    for *row, alert_id in db.fetchall():
        if row[0] is None:
            vanished.append(alert_id)
        else:
            rows[(row[0], row[-2])] = row  # (student, episode start)
    return list(rows.values())


def _with_scheduled(
    db,
    category,
    candidates,
    params,
    fingerprint,
    *,
    only="1 = 1",
    keep="1 = 1",
    days="s.days",
    prelude=(),
    vanished,
):
    """The changed rows of ``candidates`` (student_id, period_key, period_start, period_end,
    …) followed by the lessons and school days of each period, their start and
    fingerprint, in one statement: no round trip per candidate. ``fingerprint`` and
    ``keep`` (the rows that may fire, once the period's time is known) read p.* and
    s.lessons, s.days; ``only`` names the candidates whose time is needed and ``days``
    the school days of the others (known to the candidates); ``prelude`` are further
    named subqueries the candidates read."""
    return _diff(
        db,
        category,
        f"""
        SELECT p.*, COALESCE(s.lessons, 0) AS lessons, COALESCE({days}, 0) AS days,
               p.period_start AS episode_start, {fingerprint} AS fp
        FROM eval_candidates p
        LEFT JOIN eval_scheduled s ON s.student_id = p.student_id AND s.period_key = p.period_key
        WHERE {keep}
        """,
        extra=[
            *prelude,
            ("eval_candidates", candidates, list(params)),
            ("eval_covered", _COVERED.format(only=only), []),
            ("eval_class_periods", _CLASS_PERIODS.format(only=only), []),
            ("eval_scheduled", _SCHEDULED.format(only=only), []),
        ],
        vanished=vanished,
    )


def _islands(db, flag: str, min_length: int, category, vanished) -> list[Streak]:
    rows = _diff(
        db,
        category,
        f"""
        SELECT student_id, school_class_id, MIN(date) AS first_day, MAX(date) AS last_day,
               COUNT(*) AS days, {_date_list("date")} AS dates, MIN(date) AS episode_start,
               {_fingerprint(_date_list("date"), "school_class_id", "MAX(config)")} AS fp
        FROM (
            SELECT d.student_id, d.school_class_id, d.date, d.config,
                   d.day_no - ROW_NUMBER() OVER (
                       PARTITION BY d.student_id, d.school_class_id ORDER BY d.date) AS island
            FROM eval_days d
            WHERE {flag}
        ) flagged
        GROUP BY student_id, school_class_id, island
        HAVING COUNT(*) >= %s
        """,
        [min_length],
        vanished=vanished,
    )
    return [
        Streak(
            student_id=row[0],
            school_class_id=row[1],
            start=_date(row[2]),
            end=_date(row[3]),
            length=int(row[4]),
            dates=tuple(sorted(_date(d) for d in row[5].split(","))),
            episode=_date(row[2]).isoformat(),
            fp=row[7],
        )
        for row in rows
    ]


def _unknown_days(db, as_of: datetime.date, vanished) -> list[UnknownDay]:
    """Days with lessons missed for a reason still unknown, once the school's deadline for
    settling reasons has passed (R-T-0 fires at the end of the day)."""
    rows = _diff(
        db,
        "unknown_days",
        f"""
        SELECT student_id, school_class_id, date, unknown, date AS episode_start,
               {_fingerprint("unknown", "school_class_id", "config")} AS fp
        FROM eval_days d
        WHERE unknown > 0 AND (date < %s OR (date = %s AND closed = 1))
        """,
        [as_of, as_of],
        vanished=vanished,
    )
    return [
        UnknownDay(r[0], r[1], _date(r[2]), int(r[3]), _date(r[2]).isoformat(), r[-1]) for r in rows
    ]


def _months(db, min_percent, as_of: datetime.date, vanished):
    """Monthly hours without a valid reason, from the systematic hours of the student's
    grade band at the school (the lowest of the month's classes when the student moved).
    The share of instructional time is judged once the month is over; the lessons of the
    marked days are a lower bound of the month's instructional time, so a month below the
    share on them alone cannot reach it. The exact time is computed for the rest only."""
    month = _month_start("date")
    reachable = f"{_month_end(month)} < %s AND 100 * SUM(invalid + unknown) >= %s * SUM(lessons)"
    rows = _with_scheduled(
        db,
        "months",
        f"""
        SELECT student_id, {month} AS period_key, {month} AS period_start, {_month_end(month)} AS period_end,
               MAX(school_class_id) AS class_id, MIN(date) AS first_day, MAX(date) AS last_day,
               SUM(invalid + unknown) AS missed,
               CASE WHEN {reachable} THEN 1 ELSE 0 END AS maybe_percent,
               MIN(grade) AS min_grade, MAX(grade) AS max_grade, MAX(config) AS config,
               MIN(hours_from) AS hours_from
        FROM eval_days
        GROUP BY student_id, {month}
        HAVING SUM(invalid + unknown) >= MIN(hours_from) OR ({reachable})
        """,
        [as_of, min_percent, as_of, min_percent],
        _fingerprint(
            "p.class_id",
            "p.min_grade",
            "p.max_grade",
            "p.missed",
            "p.maybe_percent",
            "s.lessons",
            "p.config",
        ),
        only="p.maybe_percent = 1",
        # Months that reach neither the hours nor, on their exact time, the share would
        # come back every run with no alert to match.
        keep=f"""p.missed >= p.hours_from
                 OR (p.maybe_percent = 1 AND 100 * p.missed >= {int(min_percent)} * s.lessons)""",
        vanished=vanished,
    )
    result = []
    for row in rows:
        key = _date(row[1]).strftime("%Y-%m")  # «2026-11»
        scheduled = int(row[-4]) if row[8] else None
        result.append(
            PeriodSum(
                row[0],
                row[4],
                key,
                _date(row[5]),
                _date(row[6]),
                scheduled,
                int(row[7]),
                key,
                row[-1],
            )
        )
    return result


def _terms(db, min_percent: int, as_of: datetime.date, vanished) -> list[PeriodSum]:
    """Shares of instructional time in the terms that are over."""
    rows = _with_scheduled(
        db,
        "terms",
        """
        SELECT d.student_id, t.id AS period_key, t.start_date AS period_start, t.end_date AS period_end,
               MAX(d.school_class_id) AS class_id, SUM(d.invalid + d.unknown) AS missed,
               MAX(d.config) AS config
        FROM eval_days d
        JOIN schools_schoolclass sc ON sc.id = d.school_class_id
        JOIN journal_term t ON t.academic_year_id = sc.academic_year_id
                           AND d.date >= t.start_date AND d.date <= t.end_date
        WHERE t.end_date < %s
        GROUP BY d.student_id, t.id, t.start_date, t.end_date
        HAVING 100 * SUM(d.invalid + d.unknown) >= %s * SUM(d.lessons)
        """,
        [as_of, min_percent],
        _fingerprint(
            "p.class_id", "p.period_start", "p.period_end", "p.missed", "s.lessons", "p.config"
        ),
        keep=f"100 * p.missed >= {int(min_percent)} * s.lessons",
        vanished=vanished,
    )
    return [
        PeriodSum(
            r[0],
            r[4],
            str(r[1]),
            _date(r[2]),
            _date(r[3]),
            int(r[-4]),
            int(r[5]),
            f"term-{r[1]}",
            r[-1],
        )
        for r in rows
    ]


def _week_qualifies(days: str) -> str:
    """Week row p is missed or late by its shares if the student had ``days`` school days
    that week (a lower bound of them prunes; the exact number keeps)."""
    return (
        f"(p.week_denominator * p.missed > p.week_numerator * {days}"
        f" OR p.late_denominator * p.late_days >= p.late_numerator * {days})"
    )


def _weeks(db, as_of: datetime.date, vanished) -> list[WeekRow]:
    """Weeks missed and systematic lateness, judged once the week is over.

    Only days missed or late count, so only they are read. Nearly every week's school days
    are its class's: one enrollment overlaps the week and covers it, and the class had no
    day of group lessons only (a day of the student's or not, depending on the groups).
    Those weeks take the class's days with whole-class lessons and are judged at once;
    the others are pruned by two lower bounds of their school days (the days marked, and
    a covering enrollment's class days with whole-class lessons) and the rest counted
    day by day."""
    week = _week_start("date")
    weeks = f"""
        SELECT student_id, {week} AS period_key, {week} AS period_start, {_plus_days(week, 6)} AS period_end,
               MAX(school_class_id) AS class_id,
               SUM(CASE WHEN {DAY_MISSED_WITHOUT_VALID} THEN 1 ELSE 0 END) AS missed,
               SUM(CASE WHEN late > 0 THEN 1 ELSE 0 END) AS late_days,
               -- MIN(numerator) / MAX(denominator) is at most the share of every school
               -- the student's week touched, so no week a school's share flags is lost.
               MIN(week_numerator) AS week_numerator, MAX(week_denominator) AS week_denominator,
               MIN(late_numerator) AS late_numerator, MAX(late_denominator) AS late_denominator,
               MAX(config) AS config, COUNT(*) AS marked
        FROM eval_days d
        WHERE {DAY_MISSED_WITHOUT_VALID} OR d.late > 0
        GROUP BY student_id, {week}
        HAVING {_plus_days(week, 6)} < %s
    """
    class_weeks = f"""
        SELECT school_class_id, {week} AS week,
               SUM(CASE WHEN whole > 0 THEN 1 ELSE 0 END) AS whole_days,
               SUM(CASE WHEN whole = 0 AND grouped > 0 THEN 1 ELSE 0 END) AS group_only_days
        FROM eval_class_days GROUP BY school_class_id, {week}
    """
    week_days = f"""
        SELECT p.student_id, p.period_key,
               MAX(CASE WHEN {_COVERS} THEN COALESCE(w.whole_days, 0) END) AS whole_days,
               CASE WHEN COUNT(*) = 1 AND MIN(CASE WHEN {_COVERS} THEN 1 ELSE 0 END) = 1
                     AND MAX(COALESCE(w.group_only_days, 0)) = 0
                    THEN MAX(COALESCE(w.whole_days, 0)) END AS exact_days
        FROM eval_weeks p
        JOIN eval_enrollments e ON e.student_id = p.student_id AND {_OVERLAPS}
        LEFT JOIN eval_class_weeks w ON w.school_class_id = e.school_class_id AND w.week = p.period_start
        GROUP BY p.student_id, p.period_key
    """
    floor = "(CASE WHEN f.whole_days > p.marked THEN f.whole_days ELSE p.marked END)"
    days = "COALESCE(p.exact_days, s.days)"
    rows = _with_scheduled(
        db,
        "weeks",
        f"""
        SELECT p.student_id, p.period_key, p.period_start, p.period_end, p.class_id, p.missed,
               p.late_days, p.week_numerator, p.week_denominator, p.late_numerator,
               p.late_denominator, p.config, f.exact_days
        FROM eval_weeks p
        LEFT JOIN eval_week_days f ON f.student_id = p.student_id AND f.period_key = p.period_key
        WHERE {_week_qualifies(floor)}
        """,
        [],
        _fingerprint("p.class_id", "p.missed", "p.late_days", days, "p.config"),
        only="p.exact_days IS NULL",
        days=days,
        keep=f"{days} > 0 AND {_week_qualifies(days)}",
        prelude=[
            ("eval_weeks", weeks, [as_of]),
            ("eval_class_weeks", class_weeks, []),
            ("eval_week_days", week_days, []),
        ],
        vanished=vanished,
    )
    return [
        WeekRow(
            r[0],
            r[4],
            _date(r[1]),
            int(r[-3]),
            int(r[5]),
            int(r[6]),
            _date(r[1]).isoformat(),
            r[-1],
        )
        for r in rows
    ]


def _vacation_returns(db, vanished) -> list[VacationReturn]:
    rows = _diff(
        db,
        "vacation_returns",
        f"""
        SELECT d.student_id, d.school_class_id, d.date, v.id AS vacation_id,
               d.date AS episode_start,
               {_fingerprint("d.school_class_id", "v.id", "d.config")} AS fp
        FROM eval_days d
        JOIN schools_schoolclass sc ON sc.id = d.school_class_id
        JOIN journal_vacation v ON v.academic_year_id = sc.academic_year_id
                               AND sc.grade >= v.grade_from AND sc.grade <= v.grade_to
        WHERE d.unknown > 0
          AND (d.valid + d.invalid + d.unknown) * d.day_denominator > d.day_numerator * d.lessons
          AND d.date = (SELECT MIN(c.date) FROM eval_class_days c
                        WHERE c.school_class_id = d.school_class_id AND c.date > v.end_date)
        """,
        vanished=vanished,
    )
    return [
        VacationReturn(r[0], r[1], _date(r[2]), r[3], _date(r[2]).isoformat(), r[-1]) for r in rows
    ]
