"""Renderers: a version and its data → (filename, MIME type, bytes), as PDF or XLSX."""

from printing.pdf import Document, render_pdf
from printing.xlsx import render_xlsx

from .kinds import kind_of
from .models import ReportFile, ReportVersion

PRINT_TEMPLATE = "reporting/print/report.html"


def context(version: ReportVersion, data: dict) -> dict:
    """What the form templates see, on the page and in print."""
    report = version.report
    report_kind = kind_of(report)
    return {
        "report": report,
        "version": version,
        "data": data,
        "form_template": report_kind.template,
        "landscape": report_kind.landscape,
    }


def render(version: ReportVersion, data: dict, format: str) -> Document:
    report_kind = kind_of(version.report)
    if format == ReportFile.Format.PDF:
        filename = report_kind.filename(version.report, "pdf")
        if report_kind.pdf is not None:
            return report_kind.pdf(version, data, filename)
        return render_pdf(
            PRINT_TEMPLATE,
            context(version, data),
            filename=filename,
        )
    return render_xlsx(
        report_kind.sheets(data), filename=report_kind.filename(version.report, "xlsx")
    )
