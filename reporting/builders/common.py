"""What the builders share: the school's heading, dates as JSON, students' names, the
lessons missed and what is known of why."""

import datetime
from collections import defaultdict

from django.db.models import Exists, F, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts.models import StudentDay
from journal.models import Lesson, Mark, ReasonStatus


def iso(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


def dmy(value: str) -> str:
    """An ISO date of the data as printed: «2026-11-23» → «23.11.2026»; else as it is."""
    try:
        return datetime.date.fromisoformat(value).strftime("%d.%m.%Y")
    except (TypeError, ValueError):
        return str(value or "")


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


def unmarked_lessons(*, period_start, period_end, **scope) -> int:
    """Scheduled lessons of the period, up to today, whose attendance was never taken (no
    «all present», no mark): the absences counted have a gap there (issue #15 point 8).
    ``scope`` filters the lessons, e.g. ``school_class_id=…``."""
    end = min(period_end, timezone.localdate())
    return (
        Lesson.objects.filter(
            Q(**scope),
            date__range=(period_start, end),
            status=Lesson.Status.SCHEDULED,
            attendance_taken_at__isnull=True,
        )
        .exclude(Exists(Mark.objects.filter(lesson=OuterRef("pk"))))
        .count()
    )


def absence_reasons(student_ids, start, end, **scope) -> dict[int, str]:
    """What is known of why each student missed lessons without a valid reason in the
    period: the notes on the absences, else how many lessons were found to be without a
    valid reason and how many still have no reason established. ``scope`` filters the
    marks, e.g. ``lesson__school_class=…`` or ``school_id=…``."""
    marks = Mark.objects.filter(
        Q(**scope),
        student_id__in=list(student_ids),
        date__range=(start, end),
        kind=Mark.Kind.ABSENT,
        reason_status__in=(ReasonStatus.INVALID, ReasonStatus.UNKNOWN),
    ).values_list("student_id", "reason_status", "reason_note")
    notes, counts = defaultdict(list), defaultdict(lambda: defaultdict(int))
    for student_id, status, note in marks.order_by("date", "lesson__period"):
        counts[student_id][status] += 1
        if note and note not in notes[student_id]:
            notes[student_id].append(note)
    result = {}
    for student_id in student_ids:
        if notes[student_id]:
            result[student_id] = "; ".join(notes[student_id])
            continue
        parts = []
        if counts[student_id][ReasonStatus.INVALID]:
            parts.append(
                _("без уважительной причины: %(n)s")
                % {"n": counts[student_id][ReasonStatus.INVALID]}
            )
        if counts[student_id][ReasonStatus.UNKNOWN]:
            parts.append(
                _("причина не установлена: %(n)s") % {"n": counts[student_id][ReasonStatus.UNKNOWN]}
            )
        result[student_id] = "; ".join(parts)
    return result
