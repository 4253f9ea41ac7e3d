"""Inserting a region's worth of rows at once: COPY into a temporary table, then one
``INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING``.

The first evaluation of a region (the start of a year, a restore) raises some 140,000
alerts per 100,000 students, each with its tasks and notifications. Built as model
instances and sent by ``bulk_create`` that took a minute, most of it Python preparing
values; COPY streams plain text and PostgreSQL does the rest. The rows still go through
the tables' constraints and triggers, and the ones a concurrent run inserted first are
skipped, as ``bulk_create(ignore_conflicts=True)`` skipped them.
"""

import datetime
import io
import json
from collections.abc import Iterable, Sequence

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.date):  # and datetime: ISO 8601, with its offset
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return str(value).translate(_ESCAPES)


def copy_insert(
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence],
    *,
    returning: Sequence[str] = (),
) -> list[tuple]:
    """Insert ``rows`` (tuples in the order of ``columns``) into ``table``, skipping those
    that conflict with a row already there; the ``returning`` columns of the rows inserted.

    Call it inside a transaction."""
    names = ", ".join(columns)
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_text(value) for value in row))
        buffer.write("\n")
    buffer.seek(0)
    staging = f"copy_{table}"
    with connection.cursor() as cursor:
        # Shaped like the table's columns, without its constraints or defaults.
        # (A failed statement rolls the transaction back, and the table with it.)
        cursor.execute(f"CREATE TEMPORARY TABLE {staging} AS SELECT {names} FROM {table} LIMIT 0")
        cursor.copy_expert(f"COPY {staging} ({names}) FROM STDIN", buffer)
        sql = f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging} ON CONFLICT DO NOTHING"
        if returning:
            sql += f" RETURNING {', '.join(returning)}"
        cursor.execute(sql)
        inserted = cursor.fetchall() if returning else []
        cursor.execute(f"DROP TABLE {staging}")
    return inserted
