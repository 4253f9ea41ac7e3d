"""Attendance facts the threshold engine reads: class days and student days.

``alerts_classday`` has one row per class and date with scheduled lessons;
``alerts_studentday`` one row per student, class and date on which the student's marks
count (scheduled lesson, enrolled in the class that day, member of the group for a group
lesson), with the absences by reason status, the late arrivals and the student's lessons
that day. A full evaluation of a region reads these ~100,000s of narrow rows instead of
joining every mark to its lesson, enrollment and group on each run.

Database triggers keep both tables up to date in the very transaction that changes a
mark, a lesson, a group membership or an enrollment, whoever writes it (services, the
admin, bulk SQL): statement triggers with transition tables, which run the statements
below to recompute the rows of the affected keys from the journal: (class, date) for
class days, (student, date) for student days.
``rebuild`` recomputes everything and ``discrepancies`` compares the tables with a fresh
computation (tests, and ``manage.py attendance_facts [--rebuild]``).

Concurrent transactions rewriting the same key (two lessons of one day marking one
student at once) take turns: each trigger takes a transaction-scoped advisory lock per key
before it rewrites the rows, so the second waits for the first to commit and then
recomputes the row from the marks of both (under READ COMMITTED each statement of the
trigger sees what committed before it). Without the lock both inserted the row and the
second failed on ``one_student_day``; an upsert alone would not do either, since the
second would overwrite the row with counts that miss the first's mark.
"""

from django.db import connection, transaction

# Statements recomputing the rows whose keys a subquery selects; ``{keys}`` is a
# subquery of (school_class_id, date) or (student_id, date) pairs.
CLASS_DAYS_DELETE = "DELETE FROM alerts_classday WHERE (school_class_id, date) IN ({keys})"
# Class days are numbered in date order within their class (``day_no``): consecutive
# numbers are consecutive school days, which is what a streak counts. A class day added
# or removed renumbers the later days of its class and their student days; only rows
# whose number changes are written.
_CLASS_DAYS_RENUMBER = """
    UPDATE {table} SET day_no = r.n
    FROM (SELECT school_class_id, date,
                 ROW_NUMBER() OVER (PARTITION BY school_class_id ORDER BY date) AS n
          FROM {table} WHERE {condition}) r
    WHERE {table}.school_class_id = r.school_class_id AND {table}.date = r.date
      AND {table}.day_no <> r.n
"""
_STUDENT_DAYS_RENUMBER = """
    UPDATE {table} SET day_no = c.day_no
    FROM {class_days} c
    WHERE c.school_class_id = {table}.school_class_id AND c.date = {table}.date
      AND {table}.day_no <> c.day_no AND {condition}
"""
# The scheduled lessons of student {student}'s groups in class {klass} on {date}.
GROUP_LESSONS = """
    SELECT {select} FROM journal_lesson gl
    JOIN schools_classgroup_students g ON g.classgroup_id = gl.group_id AND g.student_id = {student}
    WHERE gl.school_class_id = {klass} AND gl.date = {date} AND gl.status = 'scheduled'
"""
_CLASS_DAYS_INSERT = """
    INSERT INTO {into} (school_class_id, date, school_id, whole, grouped, day_no)
    SELECT l.school_class_id, l.date, MAX(l.school_id),
           SUM(CASE WHEN l.group_id IS NULL THEN 1 ELSE 0 END),
           SUM(CASE WHEN l.group_id IS NULL THEN 0 ELSE 1 END), 0
    FROM journal_lesson l
    WHERE l.status = 'scheduled' AND {condition}
    GROUP BY l.school_class_id, l.date
"""
STUDENT_DAYS_DELETE = "DELETE FROM alerts_studentday WHERE (student_id, date) IN ({keys})"
_STUDENT_DAYS_INSERT = """
    INSERT INTO {into} (student_id, school_class_id, date, school_id,
                        valid, invalid, unknown, late, lessons, day_no)
    SELECT d.student_id, d.school_class_id, d.date, c.school_id,
           d.valid, d.invalid, d.unknown, d.late,
           c.whole + CASE WHEN c.grouped = 0 THEN 0 ELSE ({group_lessons}) END, c.day_no
    FROM (
        SELECT m.student_id, l.school_class_id, m.date,
               SUM(CASE WHEN m.kind = 'absent' AND m.reason_status = 'valid' THEN 1 ELSE 0 END) AS valid,
               SUM(CASE WHEN m.kind = 'absent' AND m.reason_status = 'invalid' THEN 1 ELSE 0 END) AS invalid,
               SUM(CASE WHEN m.kind = 'absent' AND m.reason_status = 'unknown' THEN 1 ELSE 0 END) AS unknown,
               SUM(CASE WHEN m.kind = 'late' THEN 1 ELSE 0 END) AS late
        FROM journal_mark m
        JOIN journal_lesson l ON l.id = m.lesson_id
        WHERE l.status = 'scheduled' AND {condition}
          AND (l.group_id IS NULL OR EXISTS (
                SELECT 1 FROM schools_classgroup_students g
                WHERE g.classgroup_id = l.group_id AND g.student_id = m.student_id))
          AND EXISTS (
                SELECT 1 FROM schools_enrollment e
                WHERE e.student_id = m.student_id AND e.school_class_id = l.school_class_id
                  AND e.start_date <= m.date AND (e.end_date IS NULL OR e.end_date >= m.date))
        GROUP BY m.student_id, l.school_class_id, m.date
    ) d
    JOIN {class_days} c ON c.school_class_id = d.school_class_id AND c.date = d.date
"""


def class_days_insert(condition: str, into: str = "alerts_classday") -> str:
    """Insert the class days of the lessons that ``condition`` (alias l) selects."""
    return _CLASS_DAYS_INSERT.format(into=into, condition=condition)


def class_days_renumber(condition: str, table: str = "alerts_classday") -> str:
    """Number the class days of the classes that ``condition`` (on ``table``) selects."""
    return _CLASS_DAYS_RENUMBER.format(table=table, condition=condition)


def student_days_renumber(
    condition: str, table: str = "alerts_studentday", class_days: str = "alerts_classday"
) -> str:
    """Copy their class day's number to the student days that ``condition`` selects."""
    return _STUDENT_DAYS_RENUMBER.format(table=table, class_days=class_days, condition=condition)


def student_days_insert(
    condition: str, into: str = "alerts_studentday", class_days: str = "alerts_classday"
) -> str:
    """Insert the student days of the marks that ``condition`` (alias m) selects, their
    lessons counted from ``class_days``."""
    group_lessons = GROUP_LESSONS.format(
        select="COUNT(*)", student="d.student_id", klass="d.school_class_id", date="d.date"
    )
    return _STUDENT_DAYS_INSERT.format(
        into=into, class_days=class_days, condition=condition, group_lessons=group_lessons
    )


# What each table's change affects. ``{rows}`` is the changed rows (from the transition
# tables) with the columns SOURCES names. Every student day derives
# from the student's marks, so the marks alone name the keys to recompute: the keys never
# read the table the statements rewrite.
_STUDENT_DAYS_OF_STUDENTS = (
    "SELECT m.student_id, m.date FROM journal_mark m "
    "WHERE m.student_id IN (SELECT r.student_id FROM {rows} r)"
)
SOURCES = {
    # table: (columns the keys need, class-day keys, student-day keys)
    "journal_mark": (("student_id", "date"), None, "SELECT r.student_id, r.date FROM {rows} r"),
    # A lesson changes its class day, so every student day with marks that day (the
    # number of lessons, which marks count).
    "journal_lesson": (
        ("school_class_id", "date"),
        "SELECT r.school_class_id, r.date FROM {rows} r",
        "SELECT m.student_id, m.date FROM journal_mark m "
        "JOIN journal_lesson l ON l.id = m.lesson_id "
        "WHERE (l.school_class_id, l.date) IN ({class_keys})",
    ),
    # A group membership or an enrollment changes which of the student's marks count.
    "schools_classgroup_students": (("student_id",), None, _STUDENT_DAYS_OF_STUDENTS),
    "schools_enrollment": (("student_id",), None, _STUDENT_DAYS_OF_STUDENTS),
}
EVENTS = ("INSERT", "UPDATE", "DELETE")
# An update matters only when one of these columns changes (a lesson's topic or the time
# attendance was taken, a reason's note do not).
RELEVANT = {
    "journal_mark": ("lesson_id", "student_id", "date", "kind", "reason_status"),
    "journal_lesson": ("school_class_id", "date", "status", "group_id", "school_id"),
    "schools_classgroup_students": ("classgroup_id", "student_id"),
    "schools_enrollment": ("student_id", "school_class_id", "start_date", "end_date"),
}


_UNNEST = "SELECT * FROM unnest($1::bigint[], $2::date[])"

# The advisory lock of a key: a 64-bit hash of the table's name, the id and the date as a
# day number (independent of the session's DateStyle). A statement takes its keys' locks in
# the order of these numbers, so two statements never wait for each other in a cycle.
#
# Locks live in PostgreSQL's shared lock table (max_locks_per_transaction × connections,
# 6,400 by default): a statement with many keys (a term's lessons generated, an import, a
# transfer rewriting a year of days) would fill it. Beyond LOCK_KEYS_LIMIT keys a statement
# takes one exclusive "bulk" lock instead, and every statement with few keys holds that lock
# shared besides its keys' locks: bulk writes wait for the marking under way and the
# other way round, marks made at the same time still only wait for the same keys.
LOCK_KEYS_LIMIT = 128
_BULK_LOCK = "hashtextextended('alerts_facts bulk', 0)"
_LOCK_KEYS = """
    IF coalesce(cardinality({ids}), 0) = 0 THEN
        NULL;
    ELSIF cardinality({ids}) > {limit} THEN
        PERFORM pg_advisory_xact_lock({bulk});
    ELSE
        PERFORM pg_advisory_xact_lock_shared({bulk});
        FOR lock_key IN
            SELECT DISTINCT hashtextextended(
                format('{table} %s %s', k.id, k.date - DATE '2000-01-01'), 0)
            FROM unnest({ids}, {dates}) k(id, date) ORDER BY 1
        LOOP
            PERFORM pg_advisory_xact_lock(lock_key);
        END LOOP;
    END IF;"""


def _lock_keys(table: str, ids: str, dates: str) -> str:
    return _LOCK_KEYS.format(
        table=table, ids=ids, dates=dates, limit=LOCK_KEYS_LIMIT, bulk=_BULK_LOCK
    )


def _trigger_body(table: str, rows: str, *, locking: bool = True) -> str:
    """PL/pgSQL of the refresh: the keys are collected into arrays first, then every
    statement is planned (EXECUTE) for exactly those keys, whatever the tables' statistics
    say — a plan made on stale statistics once scanned all student days for one lesson.

    ``locking``: take the keys' advisory locks before rewriting their rows (see the module's
    docstring); False gives the functions as they were before (migration 0011's reverse)."""
    _columns, class_keys, student_keys = SOURCES[table]
    lines = [f"IF NOT EXISTS (SELECT 1 FROM {rows} r) THEN RETURN NULL; END IF;"]
    if class_keys:
        lines += [
            "SELECT array_agg(k.school_class_id), array_agg(k.date) INTO classes, class_dates "
            f"FROM (SELECT DISTINCT * FROM ({class_keys.format(rows=rows)}) x) "
            "k(school_class_id, date);",
            *([_lock_keys("alerts_classday", "classes", "class_dates")] if locking else []),
            f"EXECUTE $sql${CLASS_DAYS_DELETE.format(keys=_UNNEST)}$sql$ "
            "USING classes, class_dates;",
            "EXECUTE $sql$"
            + class_days_insert(f"(l.school_class_id, l.date) IN ({_UNNEST})")
            + "$sql$ USING classes, class_dates;",
            f"EXECUTE $sql${class_days_renumber('school_class_id = ANY($1)')}$sql$ USING classes;",
            "EXECUTE $sql$"
            + student_days_renumber("alerts_studentday.school_class_id = ANY($1)")
            + "$sql$ USING classes;",
        ]
    keys = student_keys.format(rows=rows, class_keys=_UNNEST)
    lines += [
        "EXECUTE $sql$SELECT array_agg(k.student_id), array_agg(k.date) "
        f"FROM (SELECT DISTINCT * FROM ({keys}) x) k(student_id, date)$sql$ "
        "INTO students, dates USING classes, class_dates;",
        *([_lock_keys("alerts_studentday", "students", "dates")] if locking else []),
        f"EXECUTE $sql${STUDENT_DAYS_DELETE.format(keys=_UNNEST)}$sql$ USING students, dates;",
        "EXECUTE $sql$"
        + student_days_insert(f"(m.student_id, m.date) IN ({_UNNEST})")
        + "$sql$ USING students, dates;",
    ]
    return (
        "DECLARE classes bigint[]; class_dates date[]; students bigint[]; dates date[];\n"
        + ("lock_key bigint;\n" if locking else "")
        + "BEGIN\n"
        + "\n".join(lines)
        + "\nRETURN NULL;\nEND;"
    )


def _changed_rows(table: str, columns, event: str) -> str:
    if event != "UPDATE":
        source = "new_rows" if event == "INSERT" else "old_rows"
        return f"(SELECT {', '.join(columns)} FROM {source})"
    relevant = RELEVANT[table]
    changed = (
        "FROM old_rows o JOIN new_rows n ON n.id = o.id "
        f"WHERE ({', '.join('o.' + c for c in relevant)}) "
        f"IS DISTINCT FROM ({', '.join('n.' + c for c in relevant)})"
    )
    selects = [f"SELECT {', '.join(f'{t}.{c}' for c in columns)} {changed}" for t in "on"]
    return "(" + " UNION ".join(selects) + ")"


_TRANSITION = {
    "INSERT": "NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
}


def _name(table: str, event: str) -> str:
    return f"alerts_facts_{table}_{event.lower()}"


def functions(*, locking: bool = True) -> list[str]:
    """``CREATE OR REPLACE FUNCTION`` of every trigger's function (a migration replaces the
    functions with these without touching the triggers or the tables)."""
    statements = []
    for table, (columns, *_keys) in SOURCES.items():
        for event in EVENTS:
            body = _trigger_body(table, _changed_rows(table, columns, event), locking=locking)
            statements.append(
                f"CREATE OR REPLACE FUNCTION {_name(table, event)}() RETURNS trigger "
                f"LANGUAGE plpgsql AS $fn$\n{body}\n$fn$"
            )
    return statements


def install() -> None:
    """Create the triggers (replacing earlier versions) and fill the tables."""
    uninstall()
    with connection.cursor() as cursor:
        for statement in functions():
            cursor.execute(statement)
        for table in SOURCES:
            for event in EVENTS:
                name = _name(table, event)
                cursor.execute(
                    f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                    f"REFERENCING {_TRANSITION[event]} FOR EACH STATEMENT "
                    f"EXECUTE FUNCTION {name}()"
                )
    rebuild()


def uninstall() -> None:
    with connection.cursor() as cursor:
        for table in SOURCES:
            for event in EVENTS:
                name = _name(table, event)
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")


def rebuild() -> None:
    """Recompute both tables from the journal, in one transaction: the triggers of
    concurrent writes wait for it (their rows would collide with the ones it inserts), and
    nobody reads the tables half empty."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE alerts_studentday, alerts_classday IN EXCLUSIVE MODE")
        cursor.execute("DELETE FROM alerts_studentday")
        cursor.execute("DELETE FROM alerts_classday")
        cursor.execute(class_days_insert("1 = 1"))
        cursor.execute(class_days_renumber("1 = 1"))
        cursor.execute(student_days_insert("1 = 1"))
        # The plans of the triggers' statements need them.
        cursor.execute("ANALYZE alerts_classday")
        cursor.execute("ANALYZE alerts_studentday")


_COMPARED = {
    "alerts_classday": "school_class_id, date, school_id, whole, grouped, day_no",
    "alerts_studentday": (
        "student_id, school_class_id, date, school_id, valid, invalid, unknown, late, lessons, "
        "day_no"
    ),
}


def discrepancies() -> dict[str, int]:
    """Rows that differ between the tables and a fresh computation (0 and 0 when in sync).

    The fresh rows are computed into temporary copies of the tables by the same
    statements the triggers run."""
    result = {}
    with connection.cursor() as cursor:
        for table in _COMPARED:
            cursor.execute(f"DROP TABLE IF EXISTS fresh_{table}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE fresh_{table} AS SELECT * FROM {table} WHERE 1 = 0"
            )
        cursor.execute(class_days_insert("1 = 1", into="fresh_alerts_classday"))
        cursor.execute(class_days_renumber("1 = 1", table="fresh_alerts_classday"))
        cursor.execute(
            student_days_insert(
                "1 = 1", into="fresh_alerts_studentday", class_days="fresh_alerts_classday"
            )
        )
        for table, columns in _COMPARED.items():
            result[table] = 0
            for left, right in ((table, f"fresh_{table}"), (f"fresh_{table}", table)):
                cursor.execute(
                    f"SELECT COUNT(*) FROM (SELECT {columns} FROM {left} "
                    f"EXCEPT SELECT {columns} FROM {right}) x"
                )
                result[table] += cursor.fetchone()[0]
            cursor.execute(f"DROP TABLE fresh_{table}")
    return result
