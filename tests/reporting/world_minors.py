"""A child the school keeps by hand on each side (reporting/views/minors.py) and, for
school A, last week's weekly school report submitted by the deputy and approved, with its
rendered PDF (the officials of A's municipality and region read it)."""

import datetime

from django.utils import timezone

from accounts.roles import Role
from reporting.models import Kind, ReportFile, TrackedMinor
from reporting.services import approve, open_report, render_file, submit
from tests.accounts.world import SUPERUSER


def _last_week() -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday(), weeks=1)
    return monday, monday + datetime.timedelta(days=6)


def build(world, side) -> dict:
    today = timezone.localdate()
    minor = TrackedMinor.objects.create(
        school=side.school,
        category=TrackedMinor.Category.PLACED_AWAY,
        full_name="Найдёнов Павел",
        birth_date=today.replace(year=today.year - 15, day=1),
        education="8 кл.",
        whereabouts="ЦВСНП",
        since=today - datetime.timedelta(days=30),
    )
    objects = {"minor": minor}
    if side is world.a:
        deputy = world.users[Role.DEPUTY]
        start, end = _last_week()
        report = open_report(
            kind=Kind.WEEKLY_SCHOOL_REPORT,
            school=side.school,
            period_start=start,
            period_end=end,
            acting_user=deputy,
        )
        submit(report=report, version=1, acting_user=deputy)
        approve(report=report, version=1, acting_user=world.users[SUPERUSER])
        pdf = ReportFile.objects.get(version__report=report, format=ReportFile.Format.PDF)
        render_file(pdf.pk)
        objects |= {"school_report": report, "school_report_pdf": pdf}
    return objects
