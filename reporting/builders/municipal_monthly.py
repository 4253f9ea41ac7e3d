"""R-R-3 consolidated: the municipality's monthly information for the region (seed 003
Procedure §5.2, the form of App. 2, by the 5th of the next month).

The consolidation is built **only from the school reports the municipality received**:
for each school of the municipality, the latest approved version of its monthly
information for the same month (``Report.approved_number``; its frozen
``ReportVersion.data``). A draft, a submitted version awaiting the director, a returned one
and an approved version superseded by a later approved correction never count. The rows
of both groups are concatenated school by school (schools in name order) and renumbered;
the table of schools says which schools' reports were received (approved), which are
awaiting approval at the school (submitted) and which are missing.

The school rows follow the school form's contract (``monthly_information``): tables
``not_attending`` and ``missing_30`` of rows with ``key``, ``number``, ``name``,
``birth_date`` (ISO), ``school``, ``class``, ``period``, ``hours``, ``scheduled``,
``reasons``, ``repeated``, ``measures``. A consolidated row keeps the school's values as
they are, under a key prefixed by the school's (``school:12:student:34``).
"""

import datetime

from django.db.models import F
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib.units import mm

from printing import fastpdf
from printing.fastpdf import Column, Grid, Group, paragraph
from printing.xlsx import Sheet, Table
from schools.models import School

from ..kinds import ReportKind, register
from ..models import Kind, Report, ReportVersion, Status
from ..stamp import stamp_text
from .common import dmy, iso
from .monthly_information import COLUMNS, GROUPS, TITLE, period_text

GROUP_NAMES = tuple(name for name, _title in GROUPS)
SCHOOL_COLUMNS = (
    gettext_lazy("№ п/п"),
    gettext_lazy("Образовательная организация"),
    gettext_lazy("Информация школы"),
    gettext_lazy("Не посещают"),
    gettext_lazy("Пропуски не менее 30 %"),
)

# What a school's monthly information is, as the consolidation reads it.
APPROVED = "approved"  # received: its latest approved version counts
SUBMITTED = "submitted"  # submitted to the director, not yet approved: does not count
IN_WORK = "in_work"  # a draft or returned, never approved: does not count
MISSING = "missing"  # not opened at all
SCHOOL_STATUS_LABELS = {
    APPROVED: gettext_lazy("получена"),
    SUBMITTED: gettext_lazy("сдана, не утверждена директором"),
    IN_WORK: gettext_lazy("не сдана"),
    MISSING: gettext_lazy("не представлена"),
}


def consolidate(municipality, month_start: datetime.date) -> dict:
    """The consolidated form of ``municipality`` for the month of ``month_start``: three
    queries (the schools, their reports, the approved versions) whatever the number of
    schools. The builder of a ``municipal_monthly`` report; ``bench/reports.py`` times it."""
    month_start = month_start.replace(day=1)
    month_end = _month_end(month_start)
    schools = list(
        School.objects.filter(municipality=municipality)
        .order_by("short_name", "pk")
        .only("pk", "name", "short_name")
    )
    reports = {
        report.school_id: report
        for report in Report.objects.filter(
            kind=Kind.MONTHLY_INFORMATION,
            school__in=[school.pk for school in schools],
            period_start=month_start,
        ).only("pk", "school_id", "status", "approved_number")
    }
    approved = {
        version.report_id: version
        for version in ReportVersion.objects.filter(
            report_id__in=[r.pk for r in reports.values() if r.approved_number is not None],
            number=F("report__approved_number"),
            status=Status.APPROVED,
        ).only("pk", "report_id", "number", "data", "decided_at")
    }
    tables = {group: [] for group in GROUP_NAMES}
    school_rows = []
    for school in schools:
        report = reports.get(school.pk)
        version = approved.get(report.pk) if report is not None else None
        data = (version.data or {}) if version is not None else {}
        counts = {}
        for group in GROUP_NAMES:
            rows = [_row(school, row) for row in data.get("tables", {}).get(group, [])]
            tables[group].extend(rows)
            counts[group] = len(rows)
        status = _school_status(report, version)
        school_rows.append(
            {
                "key": f"school:{school.pk}",
                "name": school.short_name or school.name,
                "status": status,
                "status_label": str(SCHOOL_STATUS_LABELS[status]),
                "version": version.number if version is not None else None,
                "approved_at": _local_day(version.decided_at) if version is not None else "",
                **counts,
            }
        )
    for group in GROUP_NAMES:
        for number, row in enumerate(tables[group], start=1):
            row["number"] = number
    for number, row in enumerate(school_rows, start=1):
        row["number"] = number
    return {
        "municipality": {"name": municipality.name},
        "period": {"start": iso(month_start), "end": iso(month_end)},
        "as_of": iso(month_end),
        "schools": school_rows,
        "tables": tables,
        "totals": _totals(school_rows, tables),
    }


def _month_end(month_start: datetime.date) -> datetime.date:
    following = (month_start.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return following - datetime.timedelta(days=1)


def _local_day(moment) -> str:
    return iso(timezone.localtime(moment).date()) if moment else ""


def _school_status(report, version) -> str:
    if version is not None:
        return APPROVED
    if report is None:
        return MISSING
    return SUBMITTED if report.status == Status.SUBMITTED else IN_WORK


def _row(school, row: dict) -> dict:
    """A school's row as the consolidation shows it: its values kept, its key made unique
    across schools, its number in the school's form kept aside."""
    return {
        **row,
        "key": f"school:{school.pk}:{row.get('key', '')}",
        "school_number": row.get("number"),
        "school": row.get("school") or school.name,
    }


def _totals(school_rows: list[dict], tables: dict) -> dict:
    by_status = dict.fromkeys(SCHOOL_STATUS_LABELS, 0)
    for row in school_rows:
        by_status[row["status"]] += 1
    return {
        "schools": len(school_rows),
        **by_status,
        **{group: len(tables[group]) for group in GROUP_NAMES},
        **{
            f"{group}_hours": sum(_number(r.get("hours")) for r in tables[group])
            for group in GROUP_NAMES
        },
    }


def _number(value) -> int | float:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else 0


def build(report: Report) -> dict:
    data = consolidate(report.municipality, report.period_start)
    preparer = report.created_by
    data["executor"] = {
        "name": preparer.get_full_name() if preparer else "",
        "phone": getattr(preparer, "phone", "") if preparer else "",
    }
    return data


def sheets(data: dict) -> list[Sheet]:
    executor = data.get("executor", {})
    form = Sheet(
        title=_("Информация"),
        heading=(
            str(TITLE),
            data["municipality"]["name"],
            _("по состоянию на %(date)s года") % {"date": dmy(data["as_of"])},
        ),
        tables=[
            Table(
                caption=str(title),
                columns=COLUMNS,
                rows=[
                    (
                        row["number"],
                        row.get("name", ""),
                        dmy(row.get("birth_date")),
                        row.get("school", ""),
                        row.get("class", ""),
                        period_text(row),
                        row.get("reasons", ""),
                        row.get("measures", ""),
                    )
                    for row in data["tables"][name]
                ],
                widths=(6, 30, 12, 30, 8, 30, 35, 60),
            )
            for name, title in GROUPS
        ],
        footer=(
            _("Руководитель муниципального органа управления образованием"),
            _("Исполнитель, контактный телефон: %(name)s, %(phone)s")
            % {"name": executor.get("name", ""), "phone": executor.get("phone", "")},
        ),
    )
    totals = data["totals"]
    schools = Sheet(
        title=_("Школы"),
        heading=(
            _("Представление информации образовательными организациями"),
            _(
                "Школ: %(schools)s; получена: %(approved)s; сдана, не утверждена директором: "
                "%(submitted)s; не сдана: %(in_work)s; не представлена: %(missing)s"
            )
            % totals,
        ),
        tables=(
            Table(
                columns=SCHOOL_COLUMNS,
                rows=[
                    (
                        row["number"],
                        row["name"],
                        row["status_label"],
                        row["not_attending"],
                        row["missing_30"],
                    )
                    for row in data["schools"]
                ]
                + [("", _("Итого"), "", totals["not_attending"], totals["missing_30"])],
                widths=(6, 40, 30, 14, 14),
            ),
        ),
    )
    return [form, schools]


APPENDIX = gettext_lazy(
    "Приложение 2 к Порядку ведения учета несовершеннолетних, не посещающих или "
    "систематически пропускающих по неуважительным причинам занятия в образовательных "
    "организациях"
)
# The columns' widths in print (mm), as the page's automatic layout gave them; the last
# column, «measures taken», takes the rest of the landscape line.
PRINT_WIDTHS = (10, 40, 20, 38, 15, 40, 36, None)
CENTRED = {2, 4}  # birth date, class


def pdf(version: ReportVersion, data: dict, filename: str):
    """The consolidation in print: the page's form (``forms/municipal_monthly.html``) drawn
    by ReportLab, since a municipality lists thousands of children (``printing.fastpdf``)."""
    executor = data.get("executor", {})
    totals = data["totals"]
    rows = []
    for name, title in GROUPS:
        rows.append(Group(str(title)))
        rows.extend(
            (
                f"{row['number']}.",
                row.get("name", ""),
                dmy(row.get("birth_date")),
                row.get("school", ""),
                row.get("class", ""),
                _percent(row),
                row.get("reasons", ""),
                row.get("measures", ""),
            )
            for row in data["tables"][name]
        )
        if not data["tables"][name]:
            rows.append(("", "", "", "", "", _("нет"), "", ""))
    as_of = datetime.date.fromisoformat(data["as_of"])
    flow = [
        paragraph(APPENDIX, "right"),
        paragraph(TITLE, "title"),
        paragraph(data["municipality"]["name"], "center"),
        paragraph(
            _(
                "(наименование муниципального органа управления образованием, образовательной организации)"
            ),
            "caption",
        ),
        paragraph(
            _("по состоянию на %(date)s года") % {"date": date_format(as_of, "«d» E Y")},
            "center",
        ),
        fastpdf.spacer(2),
        Grid(
            [
                Column(str(title), width * mm if width else None, center=index in CENTRED)
                for index, (title, width) in enumerate(zip(COLUMNS, PRINT_WIDTHS, strict=True))
            ],
            rows,
        ),
        fastpdf.signatures(
            [
                (_("Руководитель муниципального органа управления образованием"), ""),
                (
                    _("Исполнитель, контактный телефон"),
                    ", ".join(v for v in (executor.get("name"), executor.get("phone")) if v),
                ),
            ]
        ),
        paragraph(_("Представление информации образовательными организациями"), "heading"),
        paragraph(
            _(
                "Школ: %(schools)s; информация получена (утверждена школой): %(approved)s; "
                "сдана, не утверждена директором: %(submitted)s; не сдана: %(in_work)s; не "
                "представлена: %(missing)s. В сводную информацию включены только утверждённые "
                "отчёты школ (последняя утверждённая версия)."
            )
            % totals,
            "small",
        ),
        fastpdf.spacer(1),
        Grid(
            [
                Column(str(SCHOOL_COLUMNS[0]), 12 * mm),
                Column(str(SCHOOL_COLUMNS[1]), 100 * mm),
                Column(str(SCHOOL_COLUMNS[2]), None),
                Column(str(SCHOOL_COLUMNS[3]), 30 * mm, center=True),
                Column(str(SCHOOL_COLUMNS[4]), 30 * mm, center=True),
            ],
            [
                (
                    f"{school['number']}.",
                    school["name"],
                    _school_status_text(school),
                    school["not_attending"],
                    school["missing_30"],
                )
                for school in data["schools"]
            ]
            + [
                (
                    "",
                    _("Итого"),
                    _("получена от %(approved)s из %(schools)s") % totals,
                    totals["not_attending"],
                    totals["missing_30"],
                )
            ],
        ),
        fastpdf.spacer(6),
        paragraph(stamp_text(version), "small"),
    ]
    return fastpdf.render_flow_pdf(flow, filename=filename, title=str(TITLE), is_landscape=True)


def _percent(row: dict) -> str:
    scheduled = row.get("scheduled") or 0
    share = round(100 * (row.get("hours") or 0) / scheduled) if scheduled else 0
    return f"{period_text(row)} ({share} %)"


def _school_status_text(school: dict) -> str:
    if not school.get("version"):
        return school["status_label"]
    version = _("версия %(n)s") % {"n": school["version"]}
    if school.get("approved_at"):
        version += f", {dmy(school['approved_at'])}"
    return f"{school['status_label']} ({version})"


register(
    ReportKind(
        kind=Kind.MUNICIPAL_MONTHLY,
        build=build,
        sheets=sheets,
        landscape=True,
        pdf=pdf,
    )
)
