"""Filters of the report forms, whose data keeps dates as ISO strings (JSON)."""

import datetime

from django import template
from django.utils.dateformat import format as date_format

from ..builders.weekly_school_report import cell_text, table_layout
from ..stamp import stamp_text

register = template.Library()


@register.filter
def isodate(value: str, fmt: str = "d.m.Y") -> str:
    """«2026-11-23» → «23.11.2026» (or any Django date format); empty stays empty."""
    if not value:
        return ""
    try:
        return date_format(datetime.date.fromisoformat(value), fmt)
    except (TypeError, ValueError):
        return value


@register.filter
def stamp(version) -> str:
    """«Версия 2; сдан 03.11.2026 09:12 (…); утверждён …» under a printed form."""
    return stamp_text(version)


@register.inclusion_tag("reporting/forms/_section_table.html")
def section_table(data: dict, name: str) -> dict:
    """A table of the weekly report, with the columns and cells its XLSX has."""
    columns, fields = table_layout()[name]
    return {
        "columns": columns,
        "rows": [[cell_text(f, row.get(f)) for f in fields] for row in data["tables"][name]],
        "testid": name.replace("_", "-"),
    }
