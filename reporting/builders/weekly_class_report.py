"""R-R-1, the рапортичка (seed 002 App. 1): a class's lessons missed without a valid reason
in a week, and the students who missed more than 10 such lessons with the reason and the
measures taken. Also the week's R-T-W findings: a week missed, systematic lateness
(spec §4 «appears in рапортичка»).

Lessons "without a valid reason" are the absences whose reason is ``invalid`` or still
``unknown`` (R-J-2: counting treats unknown as without a valid reason), counted on the days
the student was in this class (``alerts.models.StudentDay``).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alerts.models import Alert, Rule
from casework.selectors.measures import as_text, measures_by_student
from policy.services import settings_for
from printing.xlsx import Sheet, Table
from schools.models import Student

from ..kinds import ReportKind, register
from ..models import Kind, Report
from .common import (
    absence_reasons,
    dmy,
    iso,
    school_heading,
    student_key,
    unmarked_lessons,
    without_valid_by_student,
)

COLUMNS = (
    gettext_lazy("№ п/п"),
    gettext_lazy("Ф.И. обучающегося"),
    gettext_lazy("Количество пропущенных уроков"),
    gettext_lazy("Причина пропусков"),
    gettext_lazy("Принятые меры"),
)
WEEK_RULES = (Rule.WEEK_MISSED, Rule.SYSTEMATIC_LATENESS)


def build(report: Report) -> dict:
    school_class = report.school_class
    start, end = report.period_start, report.period_end
    over = settings_for(report.school)["reports.weekly_class_report_list_over_lessons"]
    missed = without_valid_by_student(
        school_class_id=school_class.pk, period_start=start, period_end=end
    )
    listed_ids = [pk for pk, count in missed.items() if count > over]
    students = Student.objects.in_bulk(listed_ids)
    reasons = absence_reasons(listed_ids, start, end, lesson__school_class=school_class)
    measures = measures_by_student(
        school_id=report.school_id, student_ids=listed_ids, since=start, until=end
    )
    rows = sorted(
        (
            {
                "key": student_key(pk),
                "name": students[pk].short_name,
                "lessons": missed[pk],
                "reason": reasons.get(pk, ""),
                "measures": as_text(measures[pk]),
            }
            for pk in listed_ids
        ),
        key=lambda row: row["name"],
    )
    for number, row in enumerate(rows, start=1):
        row["number"] = number
    return {
        "school": school_heading(report.school),
        "class": str(school_class),
        "class_teacher": school_class.class_teacher.get_full_name()
        if school_class.class_teacher
        else "",
        "period": {"start": iso(start), "end": iso(end)},
        "list_over": over,
        "lessons_without_valid": sum(missed.values()),
        # Lessons nobody marked: their absences are missing from the count above.
        "unmarked_lessons": unmarked_lessons(
            period_start=start, period_end=end, school_class_id=school_class.pk
        ),
        "tables": {"students": rows, "weeks": _week_findings(report)},
    }


def _week_findings(report: Report) -> list[dict]:
    alerts = (
        Alert.objects.filter(
            school_id=report.school_id,
            rule__in=WEEK_RULES,
            period_start=report.period_start,
            student__enrollments__school_class=report.school_class,
        )
        .exclude(status=Alert.Status.RESOLVED)
        .select_related("student")
        .distinct()
        .order_by("student__last_name", "student__first_name", "rule")
    )
    return [
        {
            "key": f"{student_key(alert.student_id)}:{alert.rule}",
            "name": alert.student.short_name,
            "finding": str(Rule(alert.rule).label),
        }
        for alert in alerts
    ]


def sheets(data: dict) -> list[Sheet]:
    rows = [
        (row["number"], row["name"], row["lessons"], row["reason"], row["measures"])
        for row in data["tables"]["students"]
    ]
    return [
        Sheet(
            title=_("Рапортичка"),
            heading=(
                _("Рапортичка %(cls)s класса за период с %(start)s по %(end)s")
                % {
                    "cls": data["class"],
                    "start": dmy(data["period"]["start"]),
                    "end": dmy(data["period"]["end"]),
                },
                _("Кол-во пропусков уроков без уваж. причины: %(n)s")
                % {"n": data["lessons_without_valid"]},
                *_unmarked_line(data),
            ),
            tables=(Table(columns=COLUMNS, rows=rows, widths=(6, 30, 14, 40, 60)),),
            footer=(_("Классный руководитель: %(name)s") % {"name": data["class_teacher"]},),
        )
    ]


def _unmarked_line(data: dict) -> tuple[str, ...]:
    count = data.get("unmarked_lessons")  # versions built before it have none
    if not count:
        return ()
    return (
        _("Не отмечена посещаемость уроков: %(n)s — пропуски на них не учтены.") % {"n": count},
    )


register(
    ReportKind(
        kind=Kind.WEEKLY_CLASS_REPORT,
        build=build,
        sheets=sheets,
        editable={"students": ("reason", "measures")},
    )
)
