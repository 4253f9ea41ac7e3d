"""Inserting a region's worth of rows at once: COPY into a temporary table, then one
``INSERT … SELECT … RETURNING`` (``ON CONFLICT DO NOTHING`` when a row conflicts).

The first evaluation of a region (the start of a year, a restore) raises some 140,000
alerts per 100,000 students, each with its tasks and notifications. Built as model
instances and sent by ``bulk_create`` that took a minute, most of it Python preparing
values; COPY streams plain text and PostgreSQL does the rest. The rows still go through
the tables' constraints and triggers, and the ones a concurrent run inserted first are
skipped, as ``bulk_create(ignore_conflicts=True)`` skipped them.
"""

import csv
import io
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, connection, transaction

UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE


def copy_insert(
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence],
    *,
    returning: Sequence[str] = (),
) -> list[tuple]:
    """Insert ``rows`` (tuples in the order of ``columns``) into ``table``, skipping those
    that conflict with a row already there; the ``returning`` columns of the rows inserted.

    Values are None (NULL), numbers, strings, dates and aware datetimes; JSON goes as its
    text. They travel as CSV, written by the csv module's C writer, where None and an empty
    string are both an empty field: it is NULL in a column of any other type and an empty
    string in a text column (the product's text columns are NOT NULL).

    Call it inside a transaction."""
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        staging = _stage(cursor, table, columns, rows)
        sql = f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging}"
        tail = f" RETURNING {', '.join(returning)}" if returning else ""
        # A plain INSERT first: ON CONFLICT checks each row's unique indexes before writing
        # it (speculative insertion) and takes twice as long. A row that conflicts, one a
        # concurrent evaluation inserted after this one read the table, is rare: the
        # statement is then undone (a savepoint) and run again skipping such rows.
        try:
            with transaction.atomic():
                cursor.execute(sql + tail)
        except IntegrityError as error:
            if getattr(error.__cause__, "pgcode", None) != UNIQUE_VIOLATION:
                raise
            cursor.execute(sql + " ON CONFLICT DO NOTHING" + tail)
        inserted = cursor.fetchall() if returning else []
        cursor.execute(f"DROP TABLE {staging}")
    return inserted


def copy_update(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Set ``columns[1:]`` of the rows of ``table`` whose ``columns[0]`` (the key) is each
    row's first value, in one ``UPDATE … FROM`` a COPY-filled temporary table; the number
    of rows updated. Values travel as in ``copy_insert``. Call it inside a transaction."""
    key, *assigned = columns
    assignments = ", ".join(f"{name} = s.{name}" for name in assigned)
    with connection.cursor() as cursor:
        staging = _stage(cursor, table, columns, rows)
        cursor.execute(
            f"UPDATE {table} t SET {assignments} FROM {staging} s WHERE t.{key} = s.{key}"
        )
        updated = cursor.rowcount
        cursor.execute(f"DROP TABLE {staging}")
    return updated


def _stage(cursor, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> str:
    """A temporary table shaped like ``columns`` of ``table`` holding ``rows``; its name."""
    names = ", ".join(columns)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    buffer.seek(0)
    staging = f"copy_{table}"
    # Shaped like the table's columns, without its constraints or defaults.
    # (A failed statement rolls the transaction back, and the table with it.)
    cursor.execute(f"CREATE TEMPORARY TABLE {staging} AS SELECT {names} FROM {table} LIMIT 0")
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
        "AND atttypid IN ('text'::regtype, 'varchar'::regtype)",
        [staging],
    )
    texts = ", ".join(name for (name,) in cursor.fetchall())
    options = f"FORMAT csv, FORCE_NOT_NULL ({texts})" if texts else "FORMAT csv"
    cursor.copy_expert(f"COPY {staging} ({names}) FROM STDIN ({options})", buffer)
    return staging
