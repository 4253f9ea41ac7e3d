"""The рапортички of a side's class: a draft for last week and an approved one for the week
before, with its rendered PDF (reporting/views/reports.py)."""

import datetime

from django.utils import timezone

from reporting.models import Kind, ReportFile
from reporting.services import approve, open_report, render_file, submit
from tests.accounts.world import SUPERUSER


def _week(weeks_ago: int) -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday(), weeks=weeks_ago)
    return monday, monday + datetime.timedelta(days=6)


def build(world, side) -> dict:
    def class_report(weeks_ago):
        start, end = _week(weeks_ago)
        return open_report(
            kind=Kind.WEEKLY_CLASS_REPORT,
            school_class=side.school_class,
            period_start=start,
            period_end=end,
            acting_user=side.class_teacher,
        )

    draft = class_report(1)
    approved = class_report(2)
    submit(report=approved, version=1, acting_user=side.class_teacher)
    approve(report=approved, version=1, acting_user=world.users[SUPERUSER])
    pdf = ReportFile.objects.get(version__report=approved, format=ReportFile.Format.PDF)
    render_file(pdf.pk)
    return {"class_report": draft, "approved_class_report": approved, "class_report_pdf": pdf}
