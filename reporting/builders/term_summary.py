"""R-R-5, the term summary («Сводная ведомость учёта посещаемости», seed 002 §3.4 and
§6.4): at the end of each term the class teacher sums up, for the deputy, the lessons each
student of the class missed for a valid reason and without one, names the students who did
not start school, who do not attend and who miss more than 30 % of instructional time
without a valid reason, and assesses how effective the prevention measures were.

Definitions (the same as the threshold engine's and the monthly information's):

* **Students of the class**: enrolled in it on at least one day of the term (up to today
  while the term runs).
* **Lessons missed without a valid reason**: absences whose reason is ``invalid`` or still
  ``unknown`` (R-J-2); with a valid reason: ``valid``. Read from the derived student days
  (``alerts.models.StudentDay``) at the school.
* **Instructional time**: the engine's (``alerts.detect``, rule INSTRUCTIONAL_TIME_TERM),
  computed by ``monthly_information.scheduled_by_student``: the scheduled lessons of the
  classes the student was enrolled in at the school, on the days of the enrollment,
  whole-class lessons plus those of the student's groups. Holidays, vacations and
  quarantine have no lessons. A student who moved between classes of the school during
  the term is counted over their whole term at the school, as the engine counts them.
* **Share missed**: lessons without a valid reason against instructional time, compared
  with ``thresholds.term_percent_missed`` by ``thresholds.term_percent_comparison``
  (``ThresholdConfig.term_percent_reached``, the engine's R-T-30 for a term).

The lists of §6.4:

1. **Did not start school** (не приступившие к учёбе): the student attended no lesson of
   their first school day of the term in the class (the term's first, or the first after
   they joined), not every one of them excused — or the engine's open alert «Не приступил
   к учёбе после каникул» falls in the term. The row says from when and for how many
   school days.
2. **Not attending** (не посещающие): every lesson of the student's instructional time in
   the term was missed without a valid reason (as in the monthly information), or an open
   criterion №22 alert overlaps the term. Such a student is listed here only: attending
   nothing, they neither started nor merely missed a share.
3. **Missing more than 30 %** of instructional time without a valid reason (the setting).

«Оценка эффективности профилактических мероприятий»: one row per student of any list —
the measures taken in the term from casework (editable before submission) and the trend:
this term's share against the previous term's of the same academic year (lower: positive,
higher: negative, no previous term or no instructional time in it: «—»).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alerts.config import ThresholdConfig
from alerts.models import Alert, ClassDay, Rule, StudentDay
from casework.selectors.measures import as_text, measures_by_student
from journal.models import Term
from printing.xlsx import Sheet, Table
from schools.models import Enrollment

from ..kinds import ReportKind, register
from ..models import Kind, Report
from .common import dmy, iso, school_heading, student_key
from .monthly_information import scheduled_by_student

TITLE = gettext_lazy("Сводная ведомость учёта посещаемости")
STUDENT_COLUMNS = (
    gettext_lazy("№ п/п"),
    gettext_lazy("Ф.И.О. обучающегося"),
    gettext_lazy("Пропущено уроков по уважительной причине"),
    gettext_lazy("Пропущено уроков без уважительной причины"),
    gettext_lazy("Всего пропущено уроков"),
    gettext_lazy("Учебное время, уроков"),
    gettext_lazy("Пропущено без уважительной причины, % учебного времени"),
)
LIST_COLUMNS = (
    gettext_lazy("№ п/п"),
    gettext_lazy("Ф.И.О. обучающегося"),
    gettext_lazy("Сведения"),
)
EFFECTIVENESS_COLUMNS = (
    gettext_lazy("№ п/п"),
    gettext_lazy("Ф.И.О. обучающегося"),
    gettext_lazy("Проведённые профилактические мероприятия, их результат"),
    gettext_lazy("Пропущено без уваж. причины в прошлой четверти, %"),
    gettext_lazy("Пропущено без уваж. причины в этой четверти, %"),
    gettext_lazy("Динамика"),
)
NOT_STARTED = gettext_lazy("Обучающиеся, не приступившие к учёбе")
NOT_ATTENDING = gettext_lazy("Обучающиеся, не посещающие образовательное учреждение")
# «более» or «не менее», by the comparison setting.
MISSING_SHARE = {
    ">": gettext_lazy(
        "Обучающиеся, пропускающие более %(percent)s %% учебного времени без уважительной причины"
    ),
    ">=": gettext_lazy(
        "Обучающиеся, пропускающие не менее %(percent)s %% учебного времени без "
        "уважительной причины"
    ),
}
EFFECTIVENESS = gettext_lazy("Оценка эффективности профилактических мероприятий")
# The trend of the share missed, stored as its code (the template names it).
TRENDS = {
    "positive": gettext_lazy("положительная динамика"),
    "negative": gettext_lazy("отрицательная динамика"),
    "unchanged": gettext_lazy("без изменений"),
    "": "—",
}


@dataclass
class Missed:
    valid: int = 0
    without_valid: int = 0


def build(report: Report) -> dict:
    school_class, school = report.school_class, report.school
    start, end = report.period_start, report.period_end
    as_of = max(start, min(end, timezone.localdate()))
    config = ThresholdConfig.for_school(school)
    enrollments = _enrollments(school_class, start, as_of)
    missed = _missed(school.pk, list(enrollments), start, as_of)
    scheduled = scheduled_by_student(school_id=school.pk, start=start, end=as_of)
    students = _student_rows(enrollments, missed, scheduled, start, end)
    lists = _lists(report, enrollments, missed, scheduled, config, as_of)
    tables = {
        "students": students,
        **{name: _list_rows(found, enrollments) for name, found in lists.items()},
        "effectiveness": _effectiveness(report, enrollments, lists, missed, scheduled, as_of),
    }
    term = _term(school_class, start)
    return {
        "school": school_heading(school),
        "class": str(school_class),
        "class_teacher": school_class.class_teacher.get_full_name()
        if school_class.class_teacher
        else "",
        "term": str(term) if term else "",
        "period": {"start": iso(start), "end": iso(end)},
        "as_of": iso(as_of),
        "percent": f"{config.term_percent.normalize():f}",
        "comparison": config.term_comparison,
        "totals": _totals(students),
        "tables": tables,
    }


def _student_rows(enrollments, missed, scheduled, start, end) -> list[dict]:
    rows = []
    for pk, enrollment in enrollments.items():
        counts, lessons = missed[pk], scheduled.get(pk, 0)
        rows.append(
            {
                "key": student_key(pk),
                "name": enrollment.student.full_name,
                "note": _enrollment_note(enrollment, start, end),
                "valid": counts.valid,
                "without_valid": counts.without_valid,
                "total": counts.valid + counts.without_valid,
                "scheduled": lessons,
                "share": _share(counts.without_valid, lessons),
            }
        )
    _number(rows)
    return rows


def _lists(report, enrollments, missed, scheduled, config, as_of) -> dict[str, dict[int, str]]:
    """The lists of §6.4 in the seed's order: {list: {student id: what was found}}."""
    school_id, start = report.school_id, report.period_start
    ids = list(enrollments)
    criterion_22 = _open_alerts(school_id, ids, Rule.CRITERION_22, start, as_of)
    not_attending = {
        pk: _not_attending_text(missed[pk], scheduled.get(pk, 0), criterion_22.get(pk))
        for pk in ids
        if 0 < scheduled.get(pk, 0) <= missed[pk].without_valid or pk in criterion_22
    }
    late_starts = _late_starts(report.school_class, enrollments, start, as_of)
    after_vacation = _open_alerts(school_id, ids, Rule.NOT_BACK_AFTER_VACATION, start, as_of)
    not_started = {
        pk: _not_started_text(late_starts.get(pk), after_vacation.get(pk))
        for pk in ids
        if pk not in not_attending and (pk in late_starts or pk in after_vacation)
    }
    missing = {
        pk: _missing_text(missed[pk].without_valid, scheduled.get(pk, 0))
        for pk in ids
        if pk not in not_attending
        and config.term_percent_reached(missed[pk].without_valid, scheduled.get(pk, 0))
    }
    return {"not_started": not_started, "not_attending": not_attending, "missing": missing}


def _number(rows: list[dict]) -> None:
    rows.sort(key=lambda row: (row["name"], row["key"]))
    for number, row in enumerate(rows, start=1):
        row["number"] = number


def _share(without_valid: int, scheduled: int) -> float | None:
    """The share of instructional time missed without a valid reason, in per cent rounded to
    a tenth (for reading: the lists compare the exact counts)."""
    if scheduled <= 0:
        return None
    return round(100 * without_valid / scheduled, 1)


def _percent_text(share: float | None) -> str:
    return "—" if share is None else f"{share:.1f}".replace(".", ",")


def _enrollments(school_class, start, end) -> dict[int, Enrollment]:
    """{student id: their latest enrollment in the class during the term}, by name."""
    rows = (
        Enrollment.objects.during(start, end)
        .filter(school_class=school_class)
        .select_related("student")
        .order_by("student__last_name", "student__first_name", "student_id", "start_date")
    )
    return {enrollment.student_id: enrollment for enrollment in rows}


def _enrollment_note(enrollment: Enrollment, start, end) -> str:
    parts = []
    if enrollment.start_date > start:
        parts.append(_("прибыл(а) %(date)s") % {"date": f"{enrollment.start_date:%d.%m.%Y}"})
    if enrollment.end_date and enrollment.end_date < end:
        parts.append(_("выбыл(а) %(date)s") % {"date": f"{enrollment.end_date:%d.%m.%Y}"})
    return ", ".join(parts)


def _missed(school_id: int, student_ids, start, end) -> dict[int, Missed]:
    """Lessons missed by each of ``student_ids`` at the school in the period, by whether the
    reason is valid (R-J-2), from the derived student days."""
    result = {pk: Missed() for pk in student_ids}
    days = StudentDay.objects.filter(
        school_id=school_id, student_id__in=student_ids, date__range=(start, end)
    ).values_list("student_id", "valid", "invalid", "unknown")
    for student_id, valid, invalid, unknown in days:
        result[student_id].valid += valid
        result[student_id].without_valid += invalid + unknown
    return result


def _open_alerts(school_id: int, student_ids, rule: str, start, end) -> dict[int, tuple]:
    """Students with an open alert of ``rule`` overlapping the period: {id: (first day,
    last day) of their alerts}."""
    rows = (
        Alert.objects.filter(
            school_id=school_id,
            student_id__in=student_ids,
            rule=rule,
            status=Alert.Status.OPEN,
            period_start__lte=end,
            period_end__gte=start,
        )
        .values("student_id")
        .annotate(first=Min("period_start"), last=Max("period_end"))
    )
    return {row["student_id"]: (row["first"], row["last"]) for row in rows}


@dataclass(frozen=True)
class LateStart:
    first: datetime.date  # the first school day, not attended
    days: int  # school days in a row attended not at all
    started: datetime.date | None  # the first day attended, if any yet


def _late_starts(school_class, enrollments, start, end) -> dict[int, LateStart]:
    """Students who attended no lesson of their first school day of the term in the class,
    not all of them excused: from that day, the run of school days they attended not at all
    (a day without marks is a day attended). School days here are the days with whole-class
    lessons: a day of some groups' lessons only may be no school day of the student's."""
    # Days with whole-class lessons: every student of the class has lessons on them.
    class_days = list(
        ClassDay.objects.filter(school_class=school_class, date__range=(start, end), whole__gt=0)
        .order_by("date")
        .values_list("date", "day_no")
    )
    if not class_days:
        return {}
    missed_in_full: dict[int, dict[int, tuple]] = defaultdict(dict)
    for student_id, day_no, valid, invalid, unknown, lessons in StudentDay.objects.filter(
        school_class=school_class, student_id__in=list(enrollments), date__range=(start, end)
    ).values_list("student_id", "day_no", "valid", "invalid", "unknown", "lessons"):
        if lessons and valid + invalid + unknown >= lessons:
            missed_in_full[student_id][day_no] = (valid, invalid + unknown)
    result = {}
    for pk, enrollment in enrollments.items():
        days = [(d, n) for d, n in class_days if enrollment.covers(d)]
        if not days or days[0][1] not in missed_in_full[pk]:
            continue
        first, first_no = days[0]
        if not missed_in_full[pk][first_no][1]:  # every lesson excused
            continue
        run = 0
        while run < len(days) and days[run][1] in missed_in_full[pk]:
            run += 1
        result[pk] = LateStart(first, run, days[run][0] if run < len(days) else None)
    return result


def _not_started_text(late: LateStart | None, after_vacation: tuple | None) -> str:
    parts = []
    if late is not None:
        text = _("не приступил(а) к учёбе с %(date)s, учебных дней: %(days)s") % {
            "date": f"{late.first:%d.%m.%Y}",
            "days": late.days,
        }
        if late.started:
            text += _("; приступил(а) %(date)s") % {"date": f"{late.started:%d.%m.%Y}"}
        parts.append(text)
    if after_vacation is not None:
        parts.append(
            _("не приступил(а) к учёбе после каникул %(date)s")
            % {"date": f"{after_vacation[0]:%d.%m.%Y}"}
        )
    return "; ".join(parts)


def _not_attending_text(counts: Missed, scheduled: int, criterion_22: tuple | None) -> str:
    parts = []
    if 0 < scheduled <= counts.without_valid:
        parts.append(
            _("не посетил(а) ни одного урока: пропущено без уважительной причины %(n)s из %(of)s")
            % {"n": counts.without_valid, "of": scheduled}
        )
    if criterion_22 is not None:
        parts.append(
            _("отсутствует на всех уроках без установленной причины с %(date)s (критерий №22)")
            % {"date": f"{criterion_22[0]:%d.%m.%Y}"}
        )
    return "; ".join(parts)


def _missing_text(without_valid: int, scheduled: int) -> str:
    return _("пропущено без уважительной причины %(n)s из %(of)s уроков (%(share)s %%)") % {
        "n": without_valid,
        "of": scheduled,
        "share": _percent_text(_share(without_valid, scheduled)),
    }


def _list_rows(found: dict[int, str], enrollments) -> list[dict]:
    rows = [
        {
            "key": student_key(pk),
            "name": enrollments[pk].student.full_name,
            "details": text,
        }
        for pk, text in found.items()
    ]
    _number(rows)
    return rows


def _term(school_class, start) -> Term | None:
    return (
        Term.objects.filter(academic_year=school_class.academic_year, start_date=start)
        .select_related("academic_year")
        .first()
    )


def _previous_term(school_class, start) -> Term | None:
    """The term of the same academic year that ended last before ``start``."""
    return (
        Term.objects.filter(academic_year=school_class.academic_year, end_date__lt=start)
        .order_by("-end_date")
        .first()
    )


def _trend(current: tuple[int, int], previous: tuple[int, int] | None) -> str:
    """This term's share (missed, scheduled) against the previous one's, exactly: a code of
    TRENDS, "" when there is nothing to compare with."""
    if previous is None or previous[1] <= 0 or current[1] <= 0:
        return ""
    now, before = current[0] * previous[1], previous[0] * current[1]
    if now < before:
        return "positive"
    if now > before:
        return "negative"
    return "unchanged"


def _effectiveness(report, enrollments, lists, missed, scheduled, as_of) -> list[dict]:
    school_id, start = report.school_id, report.period_start
    listed = sorted({pk for found in lists.values() for pk in found})
    measures = measures_by_student(
        school_id=school_id, student_ids=listed, since=start, until=as_of
    )
    previous = _previous_term(report.school_class, start)
    before_missed, before_scheduled = {}, {}
    if previous is not None:
        before_missed = _missed(school_id, listed, previous.start_date, previous.end_date)
        before_scheduled = scheduled_by_student(
            school_id=school_id, start=previous.start_date, end=previous.end_date
        )
    rows = []
    for pk in listed:
        current = (missed[pk].without_valid, scheduled.get(pk, 0))
        before = None
        if previous is not None:
            before = (before_missed[pk].without_valid, before_scheduled.get(pk, 0))
        rows.append(
            {
                "key": student_key(pk),
                "name": enrollments[pk].student.full_name,
                "lists": [name for name, found in lists.items() if pk in found],
                "effectiveness": as_text(measures[pk]),
                "previous_share": _share(*before) if before else None,
                "share": _share(*current),
                "trend": _trend(current, before),
            }
        )
    _number(rows)
    return rows


def _totals(students: list[dict]) -> dict:
    valid = sum(row["valid"] for row in students)
    without_valid = sum(row["without_valid"] for row in students)
    scheduled = sum(row["scheduled"] for row in students)
    return {
        "valid": valid,
        "without_valid": without_valid,
        "total": valid + without_valid,
        "scheduled": scheduled,
        "share": _share(without_valid, scheduled),
    }


# ---------------------------------------------------------------------------- XLSX


def list_titles(data: dict) -> dict[str, str]:
    """The titles of the lists of §6.4, in the seed's order."""
    return {
        "not_started": str(NOT_STARTED),
        "not_attending": str(NOT_ATTENDING),
        "missing": str(MISSING_SHARE[data["comparison"]]) % {"percent": data["percent"]},
    }


def sheets(data: dict) -> list[Sheet]:
    totals = data["totals"]
    students = [
        (
            row["number"],
            f"{row['name']} ({row['note']})" if row["note"] else row["name"],
            row["valid"],
            row["without_valid"],
            row["total"],
            row["scheduled"],
            row["share"],
        )
        for row in data["tables"]["students"]
    ]
    students.append(
        (
            "",
            _("Итого по классу"),
            totals["valid"],
            totals["without_valid"],
            totals["total"],
            totals["scheduled"],
            totals["share"],
        )
    )
    tables = [Table(columns=STUDENT_COLUMNS, rows=students, widths=(6, 34, 14, 14, 12, 12, 16))]
    for name, title in list_titles(data).items():
        rows = [(r["number"], r["name"], r["details"]) for r in data["tables"][name]]
        tables.append(Table(columns=LIST_COLUMNS, rows=rows, caption=title))
    effectiveness = [
        (
            r["number"],
            r["name"],
            r["effectiveness"],
            _percent_text(r["previous_share"]),
            _percent_text(r["share"]),
            str(TRENDS[r["trend"]]),
        )
        for r in data["tables"]["effectiveness"]
    ]
    tables.append(
        Table(columns=EFFECTIVENESS_COLUMNS, rows=effectiveness, caption=str(EFFECTIVENESS))
    )
    return [
        Sheet(
            title=_("Сводная ведомость"),
            heading=(
                str(TITLE),
                _("%(cls)s класс, %(term)s (%(start)s – %(end)s)")
                % {
                    "cls": data["class"],
                    "term": data["term"],
                    "start": dmy(data["period"]["start"]),
                    "end": dmy(data["period"]["end"]),
                },
                data["school"]["name"],
            ),
            tables=tables,
            footer=(_("Классный руководитель: %(name)s") % {"name": data["class_teacher"]},),
        )
    ]


register(
    ReportKind(
        kind=Kind.TERM_SUMMARY,
        build=build,
        sheets=sheets,
        editable={"effectiveness": ("effectiveness",)},
    )
)
