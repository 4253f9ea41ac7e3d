"""What the builders share: the school's heading, dates as JSON, students' names."""

import datetime

from django.db.models import F, Q, Sum

from alerts.models import StudentDay


def iso(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


def school_heading(school) -> dict:
    return {
        "name": school.name,
        "short_name": school.short_name,
        "director": school.director_name,
        "phone": school.phone,
        "municipality": school.municipality.name,
    }


def student_key(student_id: int) -> str:
    return f"student:{student_id}"


def without_valid_by_student(*, period_start, period_end, **scope) -> dict[int, int]:
    """Lessons missed without a valid reason (``invalid`` + ``unknown``, R-J-2) per student
    in the period, from the derived days (``alerts.models.StudentDay``); ``scope`` filters
    the days, e.g. ``school_class_id=…`` or ``school_id=…``."""
    rows = (
        StudentDay.objects.filter(Q(**scope), date__range=(period_start, period_end))
        .values("student_id")
        .annotate(missed=Sum(F("invalid") + F("unknown")))
    )
    return {row["student_id"]: row["missed"] for row in rows if row["missed"]}
