"""Inserting a region's worth of rows at once: COPY into a temporary table, then one
``INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING``.

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

from django.db import connection


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
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    buffer.seek(0)
    staging = f"copy_{table}"
    with connection.cursor() as cursor:
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
        sql = f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging} ON CONFLICT DO NOTHING"
        if returning:
            sql += f" RETURNING {', '.join(returning)}"
        cursor.execute(sql)
        inserted = cursor.fetchall() if returning else []
        cursor.execute(f"DROP TABLE {staging}")
    return inserted
