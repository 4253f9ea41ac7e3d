"""School monthly information written straight to the models, as the school's builder
(``reporting.builders.monthly_information``) and the workflow leave it, for the tests of
the consolidation and of the officials' overviews."""

import datetime

from reporting.models import Kind, Report, ReportVersion, Status

MONTH = datetime.date(2026, 10, 1)
MONTH_END = datetime.date(2026, 10, 31)
GROUPS = ("not_attending", "missing_30")


def school_row(school, n: int, *, tag: str, hours: int = 40) -> dict:
    """A row of a school's monthly information as its builder writes it."""
    return {
        "key": f"student:{n}",
        "number": n,
        "name": f"Ученик {tag}-{n}",
        "birth_date": "2012-03-04",
        "school": school.name,
        "class": "7А",
        "period": "с 01.10.2026 по 31.10.2026",
        "hours": hours,
        "scheduled": 120,
        "reasons": "без уважительной причины: 3",
        "repeated": False,
        "measures": "12.10.2026 — посещение семьи",
    }


def school_data(school, rows: dict[str, list[dict]]) -> dict:
    return {
        "school": {
            "name": school.name,
            "short_name": school.short_name,
            "director": "",
            "phone": "",
            "municipality": school.municipality.name,
        },
        "period": {"start": MONTH.isoformat(), "end": MONTH_END.isoformat()},
        "as_of": MONTH_END.isoformat(),
        "executor": {"name": "Исполнитель", "phone": "+7 000"},
        "tables": rows,
    }


def monthly_report(school, versions: list[tuple[str, dict | None]], month=MONTH) -> Report:
    """A school's monthly information with ``versions`` [(status, data)], oldest first, as
    the workflow leaves them: the report's status is the latest version's, its approved
    number the latest approved one's."""
    approved = [n for n, (status, _data) in enumerate(versions, start=1) if status == "approved"]
    report = Report.objects.create(
        kind=Kind.MONTHLY_INFORMATION,
        municipality=school.municipality,
        school=school,
        period_start=month,
        period_end=(month + datetime.timedelta(days=32)).replace(day=1)
        - datetime.timedelta(days=1),
        status=versions[-1][0],
        approved_number=approved[-1] if approved else None,
    )
    for number, (status, data) in enumerate(versions, start=1):
        ReportVersion.objects.create(
            report=report,
            number=number,
            status=status,
            data=data if status != Status.DRAFT else None,
        )
    return report
