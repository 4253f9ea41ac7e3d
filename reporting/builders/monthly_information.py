"""R-R-3, the monthly information (seed 003 Procedure App. 2): the school's minors who do
not attend or who systematically miss lessons without a valid reason, as of the last day
of a month (September–May, setting ``reports.monthly_months``), sent to the municipality.

The form has two groups, and a student is in one of them only:

1. **Not attending** («не посещающие образовательные организации»): the student attended
   none of their lessons in the month — every scheduled lesson of the days they were
   enrolled was missed without a valid reason — or has an open criterion №22 alert
   (absent from every lesson for days on end) overlapping the month.
2. **Missing at least 30 % of instructional time** («имеющие пропуски занятий (не менее
   30 % учебного времени)»): lessons missed without a valid reason against the month's
   instructional time, by the thresholds ``thresholds.month_percent_missed`` and
   ``thresholds.month_percent_comparison`` (the engine's R-T-30 test,
   ``alerts.config.ThresholdConfig.month_percent_reached``).

Instructional time is the engine's (``alerts.detect``): the scheduled lessons of the
classes the student was enrolled in at the school, on the days of the enrollment,
whole-class lessons plus those of the student's groups. A public holiday, a vacation or a
quarantine has no lessons, so it is no instructional time. Lessons without a valid reason
are the absences whose reason is ``invalid`` or still ``unknown`` (R-J-2), read from the
derived student days (``alerts.models.StudentDay``).

A month still running is counted up to today (``as_of``); the form is about a closed month.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alerts.config import ThresholdConfig
from alerts.models import Alert, Rule, StudentDay
from casework.models import Case
from casework.selectors.measures import as_text, measures_by_student
from printing.xlsx import Sheet, Table
from schools.models import Enrollment

from ..kinds import ReportKind, register
from ..models import Kind, Report
from .common import absence_reasons, iso, school_heading, student_key, without_valid_by_student

TITLE = gettext_lazy(
    "Информация о несовершеннолетних, не посещающих или систематически пропускающих "
    "по неуважительным причинам занятия в образовательных организациях"
)
COLUMNS = (
    gettext_lazy("№ п/п"),
    gettext_lazy("ФИО несовершеннолетнего"),
    gettext_lazy("Дата рождения"),
    gettext_lazy("Наименование образовательной организации"),
    gettext_lazy("Класс"),
    gettext_lazy("Период необучения (указать срок, количество часов (пропусков))"),
    gettext_lazy("Причины необучения, пропусков (указать повторность обучения)"),
    gettext_lazy(
        "Принятые меры (посещения семьи, рассмотрение на заседаниях Совета профилактики, "
        "КДН и ЗП и другое с указанием даты и результатов)"
    ),
)
GROUPS = (
    (
        "not_attending",
        gettext_lazy("Несовершеннолетние, не посещающие образовательные организации"),
    ),
    (
        "missing_30",
        gettext_lazy(
            "Несовершеннолетние, имеющие пропуски занятий (не менее 30 % учебного времени)"
        ),
    ),
)
REPEATED = gettext_lazy("повторное обучение")

# The instructional time of each student of a school between two dates (the engine's
# definition, alerts.detect._SCHEDULED): the scheduled lessons of the classes the student
# was enrolled in at the school, on the days of each enrollment — whole-class lessons and
# the lessons of the student's groups. A lesson covered by two enrollments counts once.
# Returns (student_id, lessons).
SCHEDULED_LESSONS = """
    SELECT e.student_id, COUNT(DISTINCT l.id) AS lessons
    FROM schools_enrollment e
    JOIN journal_lesson l
      ON l.school_class_id = e.school_class_id
     AND l.status = 'scheduled'
     AND l.date >= %(start)s AND l.date <= %(end)s
     AND l.date >= e.start_date AND (e.end_date IS NULL OR l.date <= e.end_date)
    WHERE e.school_id = %(school)s
      AND e.start_date <= %(end)s AND (e.end_date IS NULL OR e.end_date >= %(start)s)
      AND (l.group_id IS NULL OR EXISTS (
            SELECT 1 FROM schools_classgroup_students g
            WHERE g.classgroup_id = l.group_id AND g.student_id = e.student_id))
    GROUP BY e.student_id
"""


def scheduled_by_student(
    *, school_id: int, start: datetime.date, end: datetime.date
) -> dict[int, int]:
    """{student id: the lessons of their instructional time at the school in the period}."""
    with connection.cursor() as cursor:
        cursor.execute(SCHEDULED_LESSONS, {"school": school_id, "start": start, "end": end})
        columns = [column.name for column in cursor.description]
        rows = [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
    return {row["student_id"]: row["lessons"] for row in rows}


def build(report: Report) -> dict:
    school = report.school
    start, end = report.period_start, report.period_end
    as_of = max(start, min(end, timezone.localdate()))
    scheduled = scheduled_by_student(school_id=school.pk, start=start, end=as_of)
    missed = without_valid_by_student(school_id=school.pk, period_start=start, period_end=as_of)
    config = ThresholdConfig.for_school(school)
    criterion_22 = _criterion_22(school.pk, start, as_of)
    absent_throughout = {pk for pk, lessons in scheduled.items() if lessons <= missed.get(pk, 0)}
    over_share = {
        pk
        for pk, lessons in scheduled.items()
        if config.month_percent_reached(missed.get(pk, 0), lessons)
    }
    # Only the students listed are loaded (a school has a thousand); one with an alert but
    # not enrolled at the school in the month has no place in its form.
    enrollments = _enrollments(
        school.pk, absent_throughout | over_share | set(criterion_22), start, as_of
    )
    not_attending = absent_throughout | (set(criterion_22) & set(enrollments))
    missing_30 = over_share - not_attending
    listed = not_attending | missing_30
    days = _missed_days(school.pk, listed, start, as_of)
    since = _measures_since(school.pk, not_attending, start, as_of)
    measures = measures_by_student(
        school_id=school.pk,
        student_ids=listed,
        since=min([start, *since.values()]),
        until=as_of,
    )
    runs = latest_runs(absent_throughout, as_of=as_of)
    reasons = absence_reasons(listed, start, as_of, school_id=school.pk)

    def row(pk: int, period: str) -> dict:
        enrollment = enrollments[pk]
        student = enrollment.student
        repeated = enrollment.repeats_grade
        first = since.get(pk, start)
        return {
            "key": student_key(pk),
            "name": student.full_name,
            "birth_date": iso(student.birth_date),
            "school": school.name,
            "class": str(enrollment.school_class),
            "period": period,
            "hours": missed.get(pk, 0),
            "scheduled": scheduled.get(pk, 0),
            "reasons": "; ".join(
                part for part in (reasons.get(pk, ""), str(REPEATED) if repeated else "") if part
            ),
            "repeated": repeated,
            "measures": as_text([m for m in measures[pk] if m.date >= first]),
        }

    tables = {
        "not_attending": [
            row(pk, _not_attending_period(days.get(pk, []), runs.get(pk), criterion_22.get(pk)))
            for pk in not_attending
        ],
        "missing_30": [row(pk, _days_text(days.get(pk, []))) for pk in missing_30],
    }
    for rows in tables.values():
        rows.sort(key=lambda r: (r["name"], r["key"]))
        for number, current in enumerate(rows, start=1):
            current["number"] = number
    creator = report.created_by
    return {
        "school": school_heading(school),
        "period": {"start": iso(start), "end": iso(end)},
        "as_of": iso(as_of),
        "executor": {
            "name": creator.get_full_name() if creator else "",
            "phone": creator.phone if creator else "",
        },
        "percent": f"{config.month_percent.normalize():f}",
        "comparison": config.month_comparison,
        "tables": tables,
    }


def _enrollments(school_id: int, student_ids, start, end) -> dict[int, Enrollment]:
    """{student id: their latest enrollment at the school in the period}; it names the
    class, and whether the student repeats the grade."""
    enrollments = (
        Enrollment.objects.during(start, end)
        .filter(school_id=school_id, student_id__in=list(student_ids))
        .select_related("student", "school_class")
        .order_by("student_id", "start_date", "pk")
    )
    return {enrollment.student_id: enrollment for enrollment in enrollments}


def _criterion_22(school_id: int, start, end) -> dict[int, tuple]:
    """Students with an open criterion №22 alert overlapping the period: {id: (the first
    day, the last day) of their alerts' streaks}."""
    rows = (
        Alert.objects.filter(
            school_id=school_id,
            rule=Rule.CRITERION_22,
            status=Alert.Status.OPEN,
            period_start__lte=end,
            period_end__gte=start,
        )
        .values("student_id")
        .annotate(first=Min("period_start"), last=Max("period_end"))
    )
    return {row["student_id"]: (row["first"], row["last"]) for row in rows}


def _missed_days(school_id: int, student_ids, start, end) -> dict[int, list[tuple]]:
    """The days with lessons missed without a valid reason: {student id: [(class id, school
    day number, date, missed in full)]} in date order."""
    rows = (
        StudentDay.objects.filter(
            school_id=school_id, student_id__in=student_ids, date__range=(start, end)
        )
        .filter(Q(invalid__gt=0) | Q(unknown__gt=0))
        .order_by("student_id", "date")
        .values_list(
            "student_id", "school_class_id", "day_no", "date", "invalid", "unknown", "lessons"
        )
    )
    days = defaultdict(list)
    for student_id, class_id, day_no, date, invalid, unknown, lessons in rows:
        days[student_id].append((class_id, day_no, date, invalid + unknown >= lessons))
    return days


@dataclass(frozen=True)
class Run:
    """A run of consecutive school days missed in full without a valid reason."""

    first: datetime.date
    last: datetime.date
    days: int
    school_class_id: int


def latest_runs(student_ids, *, as_of: datetime.date) -> dict[int, Run]:
    """Each student's latest run of consecutive school days missed in full without a valid
    reason, up to ``as_of``: it may have begun months before. Consecutive school days have
    consecutive numbers in their class (``day_no``), so a weekend or a holiday does not
    break a run; a day attended, a day excused or a change of class does. Students without
    such a day are left out; whether the run still goes on is for the caller to judge."""
    rows = (
        StudentDay.objects.filter(
            student_id__in=list(student_ids),
            date__lte=as_of,
            date__gt=as_of - datetime.timedelta(days=400),
            lessons__gt=0,
        )
        .alias(missed=F("invalid") + F("unknown"))
        .filter(missed__gte=F("lessons"))
        .order_by("student_id", "-date")
        .values_list("student_id", "school_class_id", "day_no", "date")
    )
    runs, earliest, broken = {}, {}, set()
    for student_id, class_id, day_no, date in rows:
        if student_id in broken:
            continue
        if student_id in earliest and earliest[student_id] != (class_id, day_no + 1):
            broken.add(student_id)  # an older run: it does not count
            continue
        run = runs.get(student_id)
        runs[student_id] = Run(
            first=date,
            last=run.last if run else date,
            days=run.days + 1 if run else 1,
            school_class_id=class_id,
        )
        earliest[student_id] = (class_id, day_no)
    return runs


def _not_attending_period(days: list[tuple], run: Run | None, alert: tuple | None) -> str:
    """«с 05.10.2026 по 30.11.2026»: for a student absent throughout the month, from the
    start of their run of days missed in full (it may have begun months before) to the last
    day of the month they missed; for one counted by a criterion №22 alert, its streak."""
    if run is not None and days:
        first, last = min([run.first, *(alert[:1] if alert else ())]), days[-1][2]
    elif alert is not None:
        first, last = alert
    else:
        return _days_text(days)
    return _("с %(start)s по %(end)s") % {"start": _dmy(first), "end": _dmy(last)}


def _days_text(days: list[tuple]) -> str:
    """The days missed as runs of consecutive school days: «02.11.2026–06.11.2026,
    12.11.2026»."""
    runs: list[list] = []
    for class_id, day_no, date, _full in days:
        if runs and runs[-1][0] == class_id and runs[-1][1] == day_no - 1:
            runs[-1][1], runs[-1][3] = day_no, date
        else:
            runs.append([class_id, day_no, date, date])
    return ", ".join(
        _dmy(first) if first == last else f"{_dmy(first)}–{_dmy(last)}"
        for _class, _no, first, last in runs
    )


def _measures_since(school_id: int, student_ids, start, end) -> dict[int, datetime.date]:
    """For the students not attending, the day their case opened when it is earlier than
    the month: their measures are listed since then (the case not closed before the month)."""
    rows = (
        Case.objects.filter(
            school_id=school_id, student_id__in=list(student_ids), opened_at__date__lte=end
        )
        .filter(Q(closed_at__isnull=True) | Q(closed_at__date__gte=start))
        .values("student_id")
        .annotate(opened=Min("opened_at"))
    )
    return {row["student_id"]: min(start, timezone.localtime(row["opened"]).date()) for row in rows}


def _dmy(day: datetime.date) -> str:
    return f"{day:%d.%m.%Y}"


def period_text(row: dict) -> str:
    """The column «Период необучения»: the dates, then the hours of the month missed."""
    hours = _("%(hours)s ч. из %(scheduled)s") % {
        "hours": row["hours"],
        "scheduled": row["scheduled"],
    }
    return f"{row['period']}; {hours}" if row["period"] else hours


def sheets(data: dict) -> list[Sheet]:
    tables = [
        Table(
            caption=str(title),
            columns=COLUMNS,
            rows=[
                (
                    row["number"],
                    row["name"],
                    _iso_to_dmy(row["birth_date"]),
                    row["school"],
                    row["class"],
                    period_text(row),
                    row["reasons"],
                    row["measures"],
                )
                for row in data["tables"][name]
            ],
            widths=(6, 30, 12, 30, 8, 30, 35, 60),
        )
        for name, title in GROUPS
    ]
    return [
        Sheet(
            title=_("Ежемесячная информация"),
            heading=(
                str(TITLE),
                data["school"]["name"],
                _("по состоянию на %(date)s года") % {"date": _iso_to_dmy(data["as_of"])},
            ),
            tables=tables,
            footer=(
                _("Руководитель образовательной организации: %(name)s")
                % {"name": data["school"]["director"]},
                _("Исполнитель, контактный телефон: %(name)s, %(phone)s")
                % {"name": data["executor"]["name"], "phone": data["executor"]["phone"]},
            ),
        )
    ]


def _iso_to_dmy(value: str) -> str:
    return _dmy(datetime.date.fromisoformat(value)) if value else ""


register(
    ReportKind(
        kind=Kind.MONTHLY_INFORMATION,
        build=build,
        sheets=sheets,
        editable={"not_attending": ("reasons", "measures"), "missing_30": ("reasons", "measures")},
        landscape=True,
    )
)
