"""What each form is: its builder, its templates, its XLSX sheets, its free-text columns.

A report is a builder (data) + a template + a renderer (``../shared/docs/style.md``):

* ``build(report) -> dict`` computes the form from the journal, the threshold engine and
  casework. The result is JSON (dates as ISO strings) because a submitted version stores
  it as it is. Tables are lists of row dicts under ``data["tables"][name]``; each row has
  a ``key`` (stable across rebuilds, e.g. ``"student:12"``) so that the free-text columns
  amended by hand (``editable``) find their row again.
* ``templates/reporting/forms/<kind>.html`` is the form itself, included both by the page
  (``reporting/detail.html``) and by the print document
  (``templates/reporting/print/report.html``, WeasyPrint) — or, for a form of thousands
  of rows, a ``pdf`` renderer of its own drawn by ReportLab (``printing.fastpdf``);
* ``sheets(data) -> list[printing.xlsx.Sheet]``: the same columns for the XLSX.

Builder modules register their kind with :func:`register`; ``ReportingConfig.ready``
imports them (``reporting.builders``).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .models import Kind, Report

# The names of the free-text columns a preparer may amend, as the amendment form shows them.
EDITABLE_LABELS = {
    "reason": _("Причина пропусков"),
    "reasons": _("Причины необучения, пропусков"),
    "circumstances": _("Обстоятельства необучения"),
    "measures": _("Принятые меры"),
    "whereabouts": _("Место нахождения ребёнка"),
    "family": _("Характеристика семьи"),
    "effectiveness": _("Оценка эффективности профилактических мероприятий"),
}


@dataclass(frozen=True)
class ReportKind:
    kind: Kind
    build: Callable[[Report], dict]
    sheets: Callable[[dict], list]
    # Free-text columns that may be amended before submission: {table name: (column, …)}.
    editable: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Landscape pages for wide tables.
    landscape: bool = False
    # A PDF renderer of its own, ``pdf(version, data, filename) -> printing.pdf.Document``,
    # for a form too long for WeasyPrint (the municipality's list, ``printing.fastpdf``);
    # None: the form's template through WeasyPrint.
    pdf: Callable | None = None

    @property
    def template(self) -> str:
        return f"reporting/forms/{self.kind}.html"

    def filename(self, report: Report, extension: str) -> str:
        """«weekly_class_report-7А-2026-11-02.pdf»: the kind, the scope without quotes or
        spaces (a class «7 «А»», a school «МБОУ СШ № 3»), the period's first day."""
        if report.school_class_id:
            scope = f"{report.school_class.grade}{report.school_class.letter}"
        else:
            scope = report.school.short_name if report.school_id else report.municipality.name
        if report.student_id:  # one form per minor: two on the same day must differ
            scope += f" {report.student.last_name} {report.student_id}"
        scope = re.sub(r"[^\w№-]+", "_", scope).strip("_")
        return f"{self.kind}-{scope}-{report.period_start:%Y-%m-%d}.{extension}"


KINDS: dict[str, ReportKind] = {}


def register(report_kind: ReportKind) -> ReportKind:
    KINDS[report_kind.kind] = report_kind
    return report_kind


def kind_of(report: Report) -> ReportKind:
    return KINDS[report.kind]


def apply_amendments(data: dict, amendments: dict, editable: dict) -> dict:
    """``data`` with the hand-written free-text columns put over the computed ones."""
    for table, columns in editable.items():
        for row in data.get("tables", {}).get(table, []):
            changed = amendments.get(row.get("key"), {})
            for column in columns:
                if column in changed:
                    row[column] = changed[column]
    return data
